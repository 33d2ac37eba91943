package main

// The exports the call-overhead benchmarks time. Every body is as small as
// the signature allows, so a measurement is the crossing, not the work.
// This preamble is copied into the generated header, so it holds
// declarations only; the C definitions are in helpers.c.

/*
typedef struct { long long v[8]; } gcb_s64;
typedef int (*gcb_fn)(int);
int gcb_invoke(gcb_fn f, int x);
int gcb_noop(int x);
*/
import "C"

import (
	"errors"
	"runtime"
)

// BenchEmpty takes nothing and returns nothing.
//
//export BenchEmpty
func BenchEmpty() {}

// BenchInt0 returns a constant: the zero-argument point of the argument series.
//
//export BenchInt0
func BenchInt0() C.int { return 1 }

//export BenchAdd
func BenchAdd(a, b C.int) C.int { return a + b }

//export BenchAdd8
func BenchAdd8(a, b, c, d, e, f, g, h C.int) C.int { return a + b + c + d + e + f + g + h }

// BenchStruct64 receives a 64-byte struct by value.
//
//export BenchStruct64
func BenchStruct64(s C.gcb_s64) C.longlong { return s.v[0] + s.v[7] }

// BenchString receives a GoString (pointer and length) and reads one byte.
//
//export BenchString
func BenchString(s string) C.longlong { return C.longlong(len(s)) + C.longlong(s[len(s)-1]) }

// BenchSlice receives a GoSlice (pointer, length, capacity) and reads one byte.
//
//export BenchSlice
func BenchSlice(b []byte) C.longlong { return C.longlong(len(b)) + C.longlong(b[len(b)-1]) }

// BenchCallC makes n cgo calls to a C function that does nothing useful;
// the caller divides the time by n to get the Go→C cost.
//
//export BenchCallC
func BenchCallC(n C.int) C.int {
	var acc C.int
	for i := C.int(0); i < n; i++ {
		acc += C.gcb_noop(i)
	}
	return acc
}

// BenchCallback calls back into C once: one C→Go→C round trip per call.
//
//export BenchCallback
func BenchCallback(f C.gcb_fn, x C.int) C.int { return C.gcb_invoke(f, x) }

var errBench = errors.New("gocompat bench: recovered panic")

// BenchPanic panics and recovers on every call.
//
//export BenchPanic
func BenchPanic() (r C.int) {
	defer func() {
		if recover() != nil {
			r = 1
		}
	}()
	panic(errBench)
}

// BenchLocked locks and unlocks the OS thread on every call.
//
//export BenchLocked
func BenchLocked() C.int {
	runtime.LockOSThread()
	runtime.UnlockOSThread()
	return 1
}

func main() {}
