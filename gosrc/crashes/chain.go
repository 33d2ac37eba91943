package main

/*
int crashes_chain_outer(int kind);
*/
import "C"

import (
	"runtime"
	"strings"
)

// ThroughC calls C code three functions deep (chain.c), and the innermost
// does what kind says: 0 writes through a NULL pointer; 1 calls back into
// Go, which panics; 2 calls back into Go, which recovers from a nil
// dereference and returns how many of the chain's C functions its own
// stack trace (runtime.Stack) names. ThroughC returns what the chain
// returned. Negative kinds are the Go side of those callbacks.
//
//export ThroughC
func ThroughC(kind C.int) C.int {
	switch {
	case kind >= 0:
		return C.crashes_chain_outer(kind)
	case kind == -1:
		panic("gocompat: deliberate panic under C frames")
	}
	if !recoverNil() {
		return -1
	}
	buf := make([]byte, 1<<16)
	stack := string(buf[:runtime.Stack(buf, false)])
	n := 0
	for _, name := range []string{"crashes_chain_inner", "crashes_chain_middle", "crashes_chain_outer"} {
		if strings.Contains("\n"+stack, "\n"+name+"\n") {
			n++
		}
	}
	return C.int(n)
}
