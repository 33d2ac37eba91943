// Package main marks its function with a //go:export pragma instead of
// cgo's //export comment.
package main

import "C"

//go:export Add
func Add(a, b C.int) C.int { return a + b }

func main() {}
