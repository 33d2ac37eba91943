// C code three functions deep under the ThroughC export: outer calls
// middle calls inner, which faults or calls back into Go. Each function
// notes where it is in crashes_chain (chain.h) while it runs; the builds
// that register a cgo traceback (traceback.c) report the chain from there.
#include "_cgo_export.h"
#include "chain.h"

_Thread_local struct crashes_chain_frame crashes_chain[CRASHES_CHAIN_MAX];
_Thread_local int crashes_chain_depth;

static void enter(uintptr_t entry, void *ret)
{
	if (crashes_chain_depth < CRASHES_CHAIN_MAX) {
		crashes_chain[crashes_chain_depth].entry = entry;
		crashes_chain[crashes_chain_depth].ret = (uintptr_t)ret;
	}
	crashes_chain_depth++;
}

static void leave(void) { crashes_chain_depth--; }

// noinline keeps three real frames; the work after each call keeps the
// calls from becoming jumps, so every return address lies inside its
// caller.
__attribute__((noinline)) int crashes_chain_inner(int kind)
{
	enter((uintptr_t)crashes_chain_inner, __builtin_return_address(0));
	int r = 0;
	if (kind == 0) {
		volatile int *volatile p = 0;
		*p = 1;
	} else {
		r = ThroughC(-kind);
	}
	leave();
	return r;
}

__attribute__((noinline)) int crashes_chain_middle(int kind)
{
	enter((uintptr_t)crashes_chain_middle, __builtin_return_address(0));
	int r = crashes_chain_inner(kind);
	leave();
	return r;
}

__attribute__((noinline)) int crashes_chain_outer(int kind)
{
	enter((uintptr_t)crashes_chain_outer, __builtin_return_address(0));
	int r = crashes_chain_middle(kind);
	leave();
	return r;
}
