// The C chain under the ThroughC export (chain.c) and what it leaves
// behind for a traceback function (traceback.c).
#ifndef CRASHES_CHAIN_H
#define CRASHES_CHAIN_H

#include <stdint.h>

int crashes_chain_outer(int kind);
int crashes_chain_middle(int kind);
int crashes_chain_inner(int kind);

// Per thread, outermost first: each chain function's own entry address and
// the address it returns to, which is what a frame-pointer walk would read
// from the stack. A traceback function reports the chain from these, so it
// never has to unwind through code it does not know.
#define CRASHES_CHAIN_MAX 8
struct crashes_chain_frame {
	uintptr_t entry;
	uintptr_t ret;
};
extern _Thread_local struct crashes_chain_frame crashes_chain[CRASHES_CHAIN_MAX];
extern _Thread_local int crashes_chain_depth;

#endif
