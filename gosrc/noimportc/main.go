// Package main carries //export comments but never imports "C", so cgo
// never sees the file: the comment is an ordinary comment.
package main

//export Add
func Add(a, b int32) int32 { return a + b }

func main() {}
