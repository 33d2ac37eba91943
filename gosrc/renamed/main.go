// Package main asks cgo to export add under a different C name.
package main

import "C"

//export Sum
func add(a, b C.int) C.int { return a + b }

func main() {}
