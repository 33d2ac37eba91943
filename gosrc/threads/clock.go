package main

/*
#include <time.h>
static long long thr_monotonic_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
*/
import "C"

// monotonicNanos reads CLOCK_MONOTONIC, the clock C and Python probes use,
// so times taken on both sides of the boundary can be compared.
func monotonicNanos() int64 { return int64(C.thr_monotonic_ns()) }

// initNanos is when this package's init ran: in a c-shared library that is
// during runtime initialisation, which probes compare with dlopen's return.
var initNanos = monotonicNanos()
