package main

import "C"

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"runtime/pprof"
)

var profileBuf bytes.Buffer

// ProfileStart starts runtime/pprof's CPU profile into memory: 0, or -1
// when it cannot (one is already running).
//
//export ProfileStart
func ProfileStart() C.int {
	profileBuf.Reset()
	if pprof.StartCPUProfile(&profileBuf) != nil {
		return -1
	}
	return 0
}

// ProfileStop stops the CPU profile and checks what it wrote: a gzip
// stream holding one protobuf Profile message. It returns the compressed
// size and stores the number of samples in *samples; a malformed profile
// returns -1 (not gzip), -2 (a truncated or malformed message) or -3 (no
// sample types: not a CPU profile).
//
//export ProfileStop
func ProfileStop(samples *C.longlong) C.long {
	pprof.StopCPUProfile()
	zr, err := gzip.NewReader(bytes.NewReader(profileBuf.Bytes()))
	if err != nil {
		return -1
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return -1
	}
	types, n, ok := countFields(raw)
	if !ok {
		return -2
	}
	if types == 0 {
		return -3
	}
	*samples = C.longlong(n)
	return C.long(profileBuf.Len())
}

// countFields walks the top level of a protobuf message and counts fields
// 1 (Profile.sample_type) and 2 (Profile.sample); ok is false unless every
// field is well formed and the walk ends exactly at the end.
func countFields(b []byte) (types, samples int, ok bool) {
	for len(b) > 0 {
		key, k := binary.Uvarint(b)
		if k <= 0 {
			return 0, 0, false
		}
		b = b[k:]
		switch key & 7 {
		case 0:
			if _, k = binary.Uvarint(b); k <= 0 {
				return 0, 0, false
			}
		case 1:
			k = 8
		case 2:
			l, m := binary.Uvarint(b)
			if m <= 0 || l > uint64(len(b)-m) {
				return 0, 0, false
			}
			k = m + int(l)
		case 5:
			k = 4
		default:
			return 0, 0, false
		}
		if k > len(b) {
			return 0, 0, false
		}
		b = b[k:]
		switch key >> 3 {
		case 1:
			types++
		case 2:
			samples++
		}
	}
	return types, samples, true
}
