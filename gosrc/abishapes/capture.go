package main

// The machinery every generated export in shapes.go uses: a capture buffer
// that receives the bits of the arguments as the export saw them, the hash
// the results are derived from, and the stress that moves the Go stack and
// runs the collector in the middle of a call. The C oracle
// (cases/abi/abi_oracle_gen.c) does the same in C.

/*
#include <stdlib.h>
*/
import "C"

import (
	"math"
	"runtime"
	"unsafe"
)

var capbuf = make([]byte, 0, 1<<16)

const vbufSize = 256

// vbuf receives snprintf's output in vararg shapes; it is C memory, so C
// may write into it.
var vbuf = (*C.char)(C.malloc(vbufSize))

func capReset() { capbuf = capbuf[:0] }

// put64 and put32 append in the machine's byte order, as the oracle's
// memcpy does, so the captures compare on big-endian arches too.
func put64(v uint64) { capbuf = append(capbuf, (*[8]byte)(unsafe.Pointer(&v))[:]...) }

func put32(v uint32) { capbuf = append(capbuf, (*[4]byte)(unsafe.Pointer(&v))[:]...) }

func putBool(b bool) {
	if b {
		put64(1)
	} else {
		put64(0)
	}
}

func putC64(c complex64) {
	put32(math.Float32bits(real(c)))
	put32(math.Float32bits(imag(c)))
}

func putC128(c complex128) {
	put64(math.Float64bits(real(c)))
	put64(math.Float64bits(imag(c)))
}

// putStr records a string's data pointer, length and bytes.
func putStr(s string) {
	put64(uint64(*(*uintptr)(unsafe.Pointer(&s))))
	put64(uint64(len(s)))
	capbuf = append(capbuf, s...)
}

// putSlice records a slice's data pointer, length, capacity and bytes.
func putSlice(b []byte) {
	put64(uint64(*(*uintptr)(unsafe.Pointer(&b))))
	put64(uint64(len(b)))
	put64(uint64(cap(b)))
	capbuf = append(capbuf, b...)
}

func putVbuf(n int) {
	put64(uint64(int64(n)))
	if n > 0 {
		if n > vbufSize-1 {
			n = vbufSize - 1
		}
		capbuf = append(capbuf, unsafe.Slice((*byte)(unsafe.Pointer(vbuf)), n)...)
	}
}

func capHash() uint64 {
	h := uint64(0xcbf29ce484222325)
	for _, b := range capbuf {
		h = (h ^ uint64(b)) * 0x100000001b3
	}
	return h
}

func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// hi is the hash for result item i.
func hi(h uint64, i int) uint64 { return mix(h + 0x9e3779b97f4a7c15*uint64(i+1)) }

func c64bits(b uint64) complex64 {
	return complex(math.Float32frombits(uint32(b)), math.Float32frombits(uint32(b>>32)))
}

func c128bits(b uint64) complex128 {
	return complex(math.Float64frombits(b), math.Float64frombits(mix(b)))
}

// writeBack changes every byte of a slice the caller passed, so the caller
// can check that Go's writes reached its memory.
func writeBack(b []byte, h uint64) {
	x := byte(h >> 8)
	for k := range b {
		b[k] = (b[k]*31 + byte(k)) ^ x
	}
}

var sink int

//go:noinline
func growStack(n int) int {
	var pad [512]byte
	pad[n%len(pad)] = byte(n)
	if n <= 0 {
		return int(pad[0])
	}
	return growStack(n-1) + int(pad[(n*7)%len(pad)])
}

// stress grows the goroutine stack well past its first size (so it is
// copied and every pointer into it moves) and runs a full collection.
func stress() {
	sink += growStack(160)
	runtime.GC()
}

// AbiCapture copies what the last export call captured into dst (at most n
// bytes) and returns the captured length.
//
//export AbiCapture
func AbiCapture(dst unsafe.Pointer, n C.size_t) C.size_t {
	m := len(capbuf)
	if m > int(n) {
		m = int(n)
	}
	if m > 0 {
		copy(unsafe.Slice((*byte)(dst), m), capbuf)
	}
	return C.size_t(len(capbuf))
}

func main() {}
