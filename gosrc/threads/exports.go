package main

import "C"

import (
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Mix is splitmix64's finaliser: cheap, deterministic, and easy to compute
// in C as well, so every call from every thread can be checked.
//
//export Mix
func Mix(x C.ulonglong) C.ulonglong {
	z := uint64(x) + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return C.ulonglong(z ^ (z >> 31))
}

// Tid is the kernel thread id the Go code runs on.
//
//export Tid
func Tid() C.long { return C.long(syscall.Gettid()) }

// InitNanos is the CLOCK_MONOTONIC time at which package init ran.
//
//export InitNanos
func InitNanos() C.longlong { return C.longlong(initNanos) }

// initTid is the kernel thread that ran package init.
var initTid = syscall.Gettid()

// InitTid is the thread package init ran on: for a library, not the thread
// that ran the loader's constructors.
//
//export InitTid
func InitTid() C.long { return C.long(initTid) }

// MaxProcs reports runtime.GOMAXPROCS(0).
//
//export MaxProcs
func MaxProcs() C.int { return C.int(runtime.GOMAXPROCS(0)) }

// deep recurses with a 512-byte frame per level, so depth d needs roughly
// d*0.6 KiB of goroutine stack.
func deep(n int) int64 {
	var b [512]byte
	b[n%len(b)] = byte(n)
	if n == 0 {
		return int64(b[0])
	}
	return deep(n-1) + int64(b[n%len(b)])
}

// Deep returns the sum of (n & 0xff) for n = 1..depth, computed by a
// recursion that needs far more stack than a small C thread has.
//
//export Deep
func Deep(depth C.int) C.longlong { return C.longlong(deep(int(depth))) }

// Spawn starts n goroutines, waits for all of them, and returns the sum
// of Mix(i) over them: the scheduler must run goroutines for this call.
//
//export Spawn
func Spawn(n C.int) C.ulonglong {
	var wg sync.WaitGroup
	var sum atomic.Uint64
	for i := 0; i < int(n); i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sum.Add(uint64(Mix(C.ulonglong(i))))
		}(i)
	}
	wg.Wait()
	return C.ulonglong(sum.Load())
}

var keep [][]byte

// Alloc allocates mb MiB in 64 KiB pieces, keeping the last 64 of them
// alive, then forces a collection; returns the number of GC cycles run.
//
//export Alloc
func Alloc(mb C.int) C.int {
	for i := 0; i < int(mb)*16; i++ {
		b := make([]byte, 64<<10)
		b[i%len(b)] = byte(i)
		if len(keep) >= 64 {
			keep = keep[1:]
		}
		keep = append(keep, b)
	}
	runtime.GC()
	var st runtime.MemStats
	runtime.ReadMemStats(&st)
	return C.int(st.NumGC)
}

// GC forces a collection.
//
//export GC
func GC() { runtime.GC() }

var ticks atomic.Int64
var tickers atomic.Int32

// StartTicker starts a goroutine that keeps counting, once a millisecond,
// long after the call returned. Returns how many tickers now run.
//
//export StartTicker
func StartTicker() C.int {
	go func() {
		for {
			time.Sleep(time.Millisecond)
			ticks.Add(1)
		}
	}()
	return C.int(tickers.Add(1))
}

// Ticks is the count the tickers have reached.
//
//export Ticks
func Ticks() C.longlong { return C.longlong(ticks.Load()) }

// Goroutines reports runtime.NumGoroutine().
//
//export Goroutines
func Goroutines() C.int { return C.int(runtime.NumGoroutine()) }

var barrier struct {
	sync.Mutex
	arrived int
	gen     chan struct{}
}

// Barrier returns once n callers (from any threads) have arrived. The
// waiting callers block inside Go on a channel, so the last arrival can
// only get in if the scheduler lets them all be in Go at once.
//
//export Barrier
func Barrier(n C.int) C.int {
	barrier.Lock()
	if barrier.gen == nil {
		barrier.gen = make(chan struct{})
	}
	g := barrier.gen
	barrier.arrived++
	me := barrier.arrived
	if me == int(n) {
		barrier.arrived = 0
		barrier.gen = nil
		close(g)
	}
	barrier.Unlock()
	<-g
	return C.int(me)
}

// SpinMs keeps the calling thread busy inside Go for ms milliseconds.
//
//export SpinMs
func SpinMs(ms C.int) C.ulonglong {
	end := time.Now().Add(time.Duration(ms) * time.Millisecond)
	var x C.ulonglong
	for time.Now().Before(end) {
		x = Mix(x)
	}
	return x
}

// SleepMs blocks inside Go (parked, not spinning) for ms milliseconds.
//
//export SleepMs
func SleepMs(ms C.int) { time.Sleep(time.Duration(ms) * time.Millisecond) }
