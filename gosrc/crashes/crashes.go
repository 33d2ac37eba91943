// Package main is the fixture of the crash cases: exports that reach a
// fault or abort() in C, panic without recovering, write to a closed
// stdout or socket, return Go memory to C, and do ordinary Go work (a
// goroutine hop, an allocation, a recovered nil dereference) for the
// stack cases; ThroughC (chain.go) goes through C frames for the cgo
// traceback cases.
package main

/*
void crashes_segv(void);
void crashes_abort(void);
*/
import "C"

import (
	"fmt"
	"net"
	"os"
	"runtime"
	"syscall"
)

var nilPtr *int

// CrashInC calls C code from Go that crashes: kind 0 writes through a
// NULL pointer (SIGSEGV), kind 1 calls abort() (SIGABRT). Other kinds
// return.
//
//export CrashInC
func CrashInC(kind C.int) {
	switch kind {
	case 0:
		C.crashes_segv()
	case 1:
		C.crashes_abort()
	}
}

// Panic panics without recovering.
//
//export Panic
func Panic() { panic("gocompat: deliberate panic") }

func errnoOf(err error) C.int {
	for err != nil {
		if e, ok := err.(syscall.Errno); ok {
			return -C.int(e)
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			break
		}
		err = u.Unwrap()
	}
	if err != nil {
		return -1000
	}
	return 0
}

// PrintStdout writes n lines to os.Stdout with fmt and returns 0, or the
// negated errno of the first write that failed.
//
//export PrintStdout
func PrintStdout(n C.int) C.int {
	for i := 0; i < int(n); i++ {
		if _, err := fmt.Fprintln(os.Stdout, "gocompat: a line on standard output", i); err != nil {
			return errnoOf(err)
		}
	}
	return 0
}

// ConnWrite wraps a copy of the socket fd in a net.Conn and writes one
// line to it: 0 on success, or the negated errno.
//
//export ConnWrite
func ConnWrite(fd C.int) C.int {
	dup, err := syscall.Dup(int(fd))
	if err != nil {
		return errnoOf(err)
	}
	f := os.NewFile(uintptr(dup), "socket")
	c, err := net.FileConn(f)
	f.Close()
	if err != nil {
		return -2000
	}
	defer c.Close()
	_, err = c.Write([]byte("gocompat: a line on a socket\n"))
	return errnoOf(err)
}

// GoPointer returns a pointer to memory the Go heap owns (a cgo rule
// violation the runtime's cgocheck reports at the export boundary).
//
//export GoPointer
func GoPointer() *C.int {
	p := new(C.int)
	*p = 42
	return p
}

// Work does ordinary Go work on the caller's thread and returns n+1 when
// all of it went right: a goroutine that answers on a channel, a heap
// allocation that survives a GC, and a nil dereference turned into a
// recovered panic (the runtime's SIGSEGV handler runs on this thread).
//
//export Work
func Work(n C.int) (rc C.int) {
	ch := make(chan int)
	go func() { ch <- int(n) + 1 }()
	v := <-ch
	buf := make([]byte, 1<<16)
	buf[len(buf)-1] = 7
	runtime.GC()
	if buf[len(buf)-1] != 7 || !recoverNil() {
		return -1
	}
	return C.int(v)
}

func recoverNil() (ok bool) {
	defer func() { ok = recover() != nil }()
	return *nilPtr == 1
}

func main() {}
