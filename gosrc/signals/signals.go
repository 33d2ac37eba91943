// Package main is the fixture of the signal cases: Go code that runs,
// faults, writes to broken sockets and asks for signals while a C or
// Python host owns the process and its signal handlers.
package main

import "C"

import (
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"
)

var nilPtr *int

// Spin keeps Go code running on the caller's thread for ms milliseconds
// (no system calls, so a signal lands in Go code) and returns the number
// of loop rounds. The inner loop makes no calls and runs for milliseconds:
// with a call every microsecond, the cooperative preemption sysmon also
// requests can win the race at the next call's prologue, and the SIGURG
// then finds the thread in the scheduler (on a loaded machine whole 2 s
// runs went by like that).
//
//export Spin
func Spin(ms C.int) C.long {
	deadline := time.Now().Add(time.Duration(ms) * time.Millisecond)
	var n C.long
	for time.Now().Before(deadline) {
		for i := 0; i < 10000000; i++ {
			n++
		}
	}
	return n
}

// Sleep blocks in Go for ms milliseconds.
//
//export Sleep
func Sleep(ms C.int) { time.Sleep(time.Duration(ms) * time.Millisecond) }

// RecoverNil dereferences a nil pointer in Go and recovers the resulting
// panic: it returns 1 when the runtime turned the SIGSEGV into a panic.
//
//export RecoverNil
func RecoverNil() (rc C.int) {
	defer func() {
		if recover() != nil {
			rc = 1
		}
	}()
	return C.int(*nilPtr)
}

// WriteFD writes one byte to fd with write(2) from Go and returns 0 on
// success or the negated errno.
//
//export WriteFD
func WriteFD(fd C.int) C.int {
	_, err := syscall.Write(int(fd), []byte{'x'})
	if errno, ok := err.(syscall.Errno); ok {
		return -C.int(errno)
	}
	return 0
}

var (
	notifyCh    chan os.Signal
	notifyCount atomic.Int32
)

// NotifyStart asks os/signal for sig and counts deliveries in a goroutine.
//
//export NotifyStart
func NotifyStart(sig C.int) {
	notifyCh = make(chan os.Signal, 16)
	signal.Notify(notifyCh, syscall.Signal(sig))
	go func(ch chan os.Signal) {
		for range ch {
			notifyCount.Add(1)
		}
	}(notifyCh)
}

// NotifyCount is the number of signals the NotifyStart goroutine received.
//
//export NotifyCount
func NotifyCount() C.int { return C.int(notifyCount.Load()) }

// NotifyReset gives sig back: signal.Reset restores the handler that was
// installed before Go took it.
//
//export NotifyReset
func NotifyReset(sig C.int) { signal.Reset(syscall.Signal(sig)) }

func main() {}
