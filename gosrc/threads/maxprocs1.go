//go:build gocompat_maxprocs1

package main

import "runtime"

// Built with -tags=gocompat_maxprocs1 the library pins GOMAXPROCS to 1 at
// load time, as the folklore around GOMAXPROCS(1) deadlocks does.
func init() { runtime.GOMAXPROCS(1) }
