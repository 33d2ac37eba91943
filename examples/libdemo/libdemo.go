// Package main is libdemo, a small library built as a C library
// (go build -buildmode=c-shared or c-archive) to show `gocompat check`.
// Its exports cover the shapes C callers meet: scalars, a Go string, two
// results, a slice, a pointer and no arguments at all.
package main

/*
#include <stddef.h>
*/
import "C"

import (
	"sync/atomic"
	"unsafe"

	"example.com/libdemo/internal/scale"
)

var calls uint64

//export Add
func Add(a, b int) int { return a + b }

//export Scale
func Scale(x float64) float64 { return x * scale.Factor }

//export Major
func Major() int32 { return scale.Major }

//export Greet
func Greet(name string) int { return len("hello, ") + len(name) }

//export Divmod
func Divmod(a, b int64) (int64, int64) { return a / b, a % b }

//export IsEven
func IsEven(n int32) bool { return n%2 == 0 }

//export Noop
func Noop() {}

//export Counter
func Counter() uint64 { return atomic.AddUint64(&calls, 1) }

//export Sum
func Sum(xs []int64) int64 {
	var s int64
	for _, x := range xs {
		s += x
	}
	return s
}

//export Fill
func Fill(buf *C.char, n C.size_t) C.size_t {
	b := unsafe.Slice((*byte)(unsafe.Pointer(buf)), int(n))
	for i := range b {
		b[i] = 'x'
	}
	return n
}

func main() {}
