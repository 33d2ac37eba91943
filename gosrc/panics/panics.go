// Package main is the fixture of the panic cases: exports that fail in
// every way a Go function can, and the same failures behind recover.
package main

/*
typedef void (*gc_callback)(void *);
static inline void gc_call_back(gc_callback f, void *arg) { f(arg); }
*/
import "C"

import (
	"errors"
	"fmt"
	"log"
	"os"
	"runtime"
	"time"
	"unsafe"
)

// failure is a panic value of a user type that is neither an error nor a
// Stringer, so the runtime prints it by type and address.
type failure struct{ code int }

// Package variables keep the compiler from folding the runtime errors
// below into compile-time errors.
var (
	zero     = 0
	far      = 5
	nilPtr   *int
	smallArr = []int{1}
)

// fail panics in the way named by kind: 0 a string, 1 an error, 2 a value
// of a user type, 3 a nil dereference, 4 an index out of range, 5 an
// integer division by zero. Any other kind returns normally.
func fail(kind int) int {
	switch kind {
	case 0:
		panic("gocompat: deliberate panic")
	case 1:
		panic(errors.New("gocompat: deliberate error"))
	case 2:
		panic(failure{code: 7})
	case 3:
		return *nilPtr
	case 4:
		return smallArr[far]
	case 5:
		return far / zero
	}
	return kind
}

// PanicKind fails without recovering (see fail for the kinds).
//
//export PanicKind
func PanicKind(kind C.int) C.int { return C.int(fail(int(kind))) }

// failures names every way FailNamed and RecoveredNamed can fail; the
// unrecovered probes pass the case's GOCOMPAT_PANIC through unchanged, so
// adding a failure is one entry here plus one case descriptor. A failure
// that returns (the panic comes later, on another goroutine) returns
// failDeferred; "none" is no failure at all, the baseline a recovered
// panic's cost is measured against.
var failures = map[string]func() C.int{
	"string":    func() C.int { return C.int(fail(0)) },
	"error":     func() C.int { return C.int(fail(1)) },
	"custom":    func() C.int { return C.int(fail(2)) },
	"nil":       func() C.int { return C.int(fail(3)) },
	"index":     func() C.int { return C.int(fail(4)) },
	"divide":    func() C.int { return C.int(fail(5)) },
	"goroutine": func() C.int { PanicLater(50); return failDeferred },
	"goexit":    func() C.int { runtime.Goexit(); return 0 },
	"os-exit":   func() C.int { os.Exit(3); return 0 },
	"log-fatal": func() C.int { log.Fatal("gocompat: log.Fatal in an export"); return 0 },
	"none":      func() C.int { return 0 },
}

const (
	failUnknown  = -1
	failDeferred = -2
)

// FailNamed fails in the way named by name (see failures) and, unless the
// failure is deferred or "none", never returns normally; -1 for an unknown
// name.
//
//export FailNamed
func FailNamed(name *C.char) C.int {
	f, ok := failures[C.GoString(name)]
	if !ok {
		return failUnknown
	}
	return f()
}

// PanicLater starts a goroutine that panics after ms milliseconds and
// returns at once: the panic happens while the caller is back in C.
//
//export PanicLater
func PanicLater(ms C.int) {
	go func() {
		time.Sleep(time.Duration(ms) * time.Millisecond)
		panic("gocompat: panic in a goroutine after the export returned")
	}()
}

// GoexitNow calls runtime.Goexit in the export itself, on the caller's thread.
//
//export GoexitNow
func GoexitNow() { runtime.Goexit() }

// ExitNow calls os.Exit in the export.
//
//export ExitNow
func ExitNow(code C.int) { os.Exit(int(code)) }

// LogFatal calls log.Fatal in the export (which prints and exits 1).
//
//export LogFatal
func LogFatal() { log.Fatal("gocompat: log.Fatal in an export") }

// RecoveredNamed runs the failure named by name (see failures) behind
// recover. It returns 1 and copies the recovered value's text
// (NUL-terminated, truncated to n bytes) into msg if it panicked, 0 if it
// returned normally, -1 for an unknown name. Only the failures that panic
// on the caller's goroutine are recovered; the others end the process as
// they do under FailNamed.
//
//export RecoveredNamed
func RecoveredNamed(name *C.char, msg *C.char, n C.int) (rc C.int) {
	f, ok := failures[C.GoString(name)]
	if !ok {
		return failUnknown
	}
	defer func() {
		if r := recover(); r != nil {
			rc = 1
			copyOut(fmt.Sprint(r), msg, n)
		}
	}()
	f()
	return 0
}

func copyOut(s string, msg *C.char, n C.int) {
	if msg == nil || n <= 0 {
		return
	}
	buf := unsafe.Slice((*byte)(unsafe.Pointer(msg)), int(n))
	k := copy(buf[:n-1], s)
	buf[k] = 0
}

// CallThrough calls the C function cb(arg) from Go. With recoverIt set it
// recovers whatever panics below it (a Go export that cb calls back into)
// and returns 1; otherwise the panic goes on up. It returns 0 when cb
// returned normally.
//
//export CallThrough
func CallThrough(cb C.gc_callback, arg unsafe.Pointer, recoverIt C.int) (rc C.int) {
	if recoverIt != 0 {
		defer func() {
			if r := recover(); r != nil {
				rc = 1
			}
		}()
	}
	C.gc_call_back(cb, arg)
	return 0
}

// Goroutines parks n goroutines forever, so an "all" traceback has more
// than the panicking goroutine to print.
//
//export Goroutines
func Goroutines(n C.int) {
	for i := 0; i < int(n); i++ {
		go func() { select {} }()
	}
}

func main() {}
