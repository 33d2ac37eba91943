package main

import "C"

// Add is the smallest useful export: two C ints in, one out. Overflow
// wraps, as Go's int32 arithmetic does.
//
//export Add
func Add(a, b C.int) C.int { return a + b }

// ByteSum takes a Go string (GoString in the header): pointer and length,
// not NUL-terminated, so embedded NULs must arrive intact.
//
//export ByteSum
func ByteSum(s string) C.longlong {
	var sum C.longlong
	for i := 0; i < len(s); i++ {
		sum += C.longlong(s[i])
	}
	return sum
}

//export StrLen
func StrLen(s string) C.longlong { return C.longlong(len(s)) }

// lowerAdd checks the folklore that //export skips unexported names.
//
//export lowerAdd
func lowerAdd(a, b C.int) C.int { return a + b }

// Panicky panics without recovering, to see how the host process ends.
//
//export Panicky
func Panicky() { panic("gocompat: deliberate panic in an export") }
