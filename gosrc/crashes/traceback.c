//go:build gocompat_cgotraceback

// The functions traceback.go registers with runtime.SetCgoTraceback. They
// know only the C chain under ThroughC (chain.h): the traceback function
// reports it innermost first, the context function keeps a copy of it when
// C calls back into Go, and the symbolizer names its functions from a
// table, as a library without debug information would. The structs are
// the ones the runtime package documents for version 0.
#define _GNU_SOURCE
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <ucontext.h>

#include "chain.h"

struct tb_arg {
	uintptr_t context;
	uintptr_t sig_context;
	uintptr_t *buf;
	uintptr_t max;
};

struct context_arg {
	uintptr_t context;
};

struct symbolizer_arg {
	uintptr_t pc;
	const char *file;
	uintptr_t lineno;
	const char *func;
	uintptr_t entry;
	uintptr_t more;
	uintptr_t data;
};

void crashes_tb_traceback(void *arg);
void crashes_tb_context(void *arg);
void crashes_tb_symbolize(void *arg);

// The chain's PCs innermost first: top, then each return address up to
// (not including) the one outer returns to, which lies in cgo's own code.
static size_t chain_pcs(uintptr_t top, uintptr_t *buf, size_t max)
{
	size_t n = 0;
	int depth = crashes_chain_depth < CRASHES_CHAIN_MAX ? crashes_chain_depth : CRASHES_CHAIN_MAX;
	if (top && n < max) buf[n++] = top;
	for (int i = depth - 1; i >= 1 && n < max; i--) buf[n++] = crashes_chain[i].ret;
	return n;
}

// The PC a signal arrived at, from the handler's ucontext.
static uintptr_t signal_pc(uintptr_t sig_context)
{
	const ucontext_t *uc = (const ucontext_t *)sig_context;
#if defined(__x86_64__)
	return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
	return (uintptr_t)uc->uc_mcontext.pc;
#else
	(void)uc;
	return 0;
#endif
}

// Copies of the chain taken when C called back into Go; the context value
// handed to the runtime is a slot's index + 1 (0: nothing to show).
#define SNAPSHOTS 32
static struct {
	atomic_int used;
	size_t n;
	uintptr_t pc[CRASHES_CHAIN_MAX];
} snapshots[SNAPSHOTS];

void crashes_tb_context(void *arg)
{
	struct context_arg *a = arg;
	if (a->context != 0) { // the callback returned: release
		if (a->context <= SNAPSHOTS) atomic_store(&snapshots[a->context - 1].used, 0);
		return;
	}
	if (crashes_chain_depth <= 0) return; // C code outside the chain: nothing known
	for (uintptr_t i = 0; i < SNAPSHOTS; i++) {
		if (atomic_exchange(&snapshots[i].used, 1)) continue;
		// Where in the innermost function the call is, only a real unwinder
		// knows: its entry stands for it.
		int top = (crashes_chain_depth < CRASHES_CHAIN_MAX ? crashes_chain_depth : CRASHES_CHAIN_MAX) - 1;
		snapshots[i].n = chain_pcs(crashes_chain[top].entry, snapshots[i].pc, CRASHES_CHAIN_MAX);
		a->context = i + 1;
		return;
	}
}

void crashes_tb_traceback(void *arg)
{
	struct tb_arg *a = arg;
	if (a->max == 0) return;
	size_t n = 0, room = a->max - 1; // one slot for the terminating 0
	if (a->context != 0 && a->context <= SNAPSHOTS) {
		for (size_t i = 0; i < snapshots[a->context - 1].n && n < room; i++)
			a->buf[n++] = snapshots[a->context - 1].pc[i];
	} else if (a->sig_context != 0) {
		n = chain_pcs(signal_pc(a->sig_context), a->buf, room);
	}
	a->buf[n] = 0;
}

static const struct {
	int (*fn)(int);
	const char *name;
} known[] = {
	{ crashes_chain_outer, "crashes_chain_outer" },
	{ crashes_chain_middle, "crashes_chain_middle" },
	{ crashes_chain_inner, "crashes_chain_inner" },
};

// Names a PC by the known function that starts closest below it (within
// 1 KiB; the chain's functions are far smaller). Others stay unnamed, and
// the runtime prints them as "non-Go function".
void crashes_tb_symbolize(void *arg)
{
	struct symbolizer_arg *a = arg;
	a->file = NULL;
	a->lineno = 0;
	a->func = NULL;
	a->entry = 0;
	a->more = 0;
	if (a->pc == 0) return; // the end of a traceback: nothing to free
	for (size_t i = 0; i < sizeof known / sizeof *known; i++) {
		uintptr_t start = (uintptr_t)known[i].fn;
		if (a->pc >= start && a->pc - start < 1024 && (a->entry == 0 || start > a->entry)) {
			a->func = known[i].name;
			a->entry = start;
		}
	}
}
