package main

import "C"

import (
	"os/exec"
	"strconv"
	"strings"
)

// childMasks runs /bin/cat on its own /proc status and reads the blocked
// and ignored signal sets the child started with.
func childMasks() (blk, ign uint64, rc C.int) {
	out, err := exec.Command("/bin/cat", "/proc/self/status").Output()
	if err != nil {
		return 0, 0, errnoOf(err)
	}
	seen := 0
	for _, line := range strings.Split(string(out), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || (k != "SigBlk" && k != "SigIgn") {
			continue
		}
		x, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
		if err != nil {
			return 0, 0, -1001
		}
		if k == "SigBlk" {
			blk = x
		} else {
			ign = x
		}
		seen++
	}
	if seen != 2 {
		return 0, 0, -1002
	}
	return blk, ign, 0
}

// ChildMasks starts a child process with os/exec and stores the signal
// masks it started with (bit n-1 is signal n, as in /proc): from the
// calling goroutine, so the fork runs on the caller's thread, or with
// fromGoroutine set, from a new goroutine on a thread of Go's own.
// Returns 0, or a negated errno.
//
//export ChildMasks
func ChildMasks(fromGoroutine C.int, blk, ign *C.ulonglong) C.int {
	var b, i uint64
	var rc C.int
	if fromGoroutine != 0 {
		done := make(chan struct{})
		go func() {
			b, i, rc = childMasks()
			close(done)
		}()
		<-done
	} else {
		b, i, rc = childMasks()
	}
	*blk, *ign = C.ulonglong(b), C.ulonglong(i)
	return rc
}
