// Package main exports functions whose parameters are Go-only types:
// string, slice, map, chan and interface.
package main

import "C"

//export StrLen
func StrLen(s string) int { return len(s) }

//export SliceLen
func SliceLen(s []int64) int { return len(s) }

//export MapLen
func MapLen(m map[string]int) int { return len(m) }

//export ChanCap
func ChanCap(c chan int) int { return cap(c) }

//export IsNil
func IsNil(i interface{}) bool { return i == nil }

func main() {}
