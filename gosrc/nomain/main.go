// Package main has exports but no func main.
package main

import "C"

//export Add
func Add(a, b C.int) C.int { return a + b }
