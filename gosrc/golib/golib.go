// Package golib is the library fixture for -buildmode=shared: a Go host
// built with -linkshared imports it from the shared library.
package golib

import "sync/atomic"

var calls int64

// Add also counts its calls, so the host can see state live in the library.
func Add(a, b int32) int32 {
	atomic.AddInt64(&calls, 1)
	return a + b
}

// Calls reports how many times Add ran.
func Calls() int64 { return atomic.LoadInt64(&calls) }
