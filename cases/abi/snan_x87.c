/* A signalling NaN passed by value to a Go export, and the same bits passed
 * to a plain C function compiled beside this probe. On 386 the SysV ABI
 * passes floats on the stack, but C code that moves a float through the x87
 * stack (fld/fstp of a 32- or 64-bit value) sets its quiet bit: cgo's export
 * wrapper is such code. Both callees are called through a pointer typed with
 * integer parameters of the same stack size (the same slots on 386), so the
 * caller pushes the exact bits and cannot quiet them itself; the C control
 * shows that a callee which copies its argument's bytes receives them intact. */
#include <stdint.h>
#include <string.h>

#include "probe.h"

#define SNAN32 0x7fa00001u
#define QUIET32 0x00400000u
#define SNAN64 0x7ff4000000000001ull
#define QUIET64 0x0008000000000000ull

static uint32_t c_saw32[2];
static uint64_t c_saw64[2];

/* Byte by byte through volatile: gcc turns even a memcpy of a float
 * parameter into fld/fstp, which would quiet it here too. */
static void keep_bits(void *dst, const void *src, size_t n)
{
    const volatile unsigned char *s = src;
    unsigned char *d = dst;
    for (size_t i = 0; i < n; i++) d[i] = s[i];
}

__attribute__((noinline)) float c_f_ff(float a, float b)
{
    keep_bits(&c_saw32[0], &a, 4);
    keep_bits(&c_saw32[1], &b, 4);
    return 0;
}

__attribute__((noinline)) double c_d_dd(double a, double b)
{
    keep_bits(&c_saw64[0], &a, 8);
    keep_bits(&c_saw64[1], &b, 8);
    return 0;
}

typedef float (*f_ff_bits)(uint32_t, uint32_t);
typedef double (*d_dd_bits)(uint64_t, uint64_t);

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    const uint32_t one32 = 0x3f800000u;
    const uint64_t one64 = 0x3ff0000000000000ull;
    uint32_t go32[2];
    uint64_t go64[2];

    ((f_ff_bits)c_f_ff)(SNAN32, one32);
    ((f_ff_bits)GO_FN(Abi_f_ff))(SNAN32, one32);
    GC_EXPECT(GO_FN(AbiCapture)(go32, sizeof go32) == sizeof go32);
    ((d_dd_bits)c_d_dd)(SNAN64, one64);
    ((d_dd_bits)GO_FN(Abi_d_dd))(SNAN64, one64);
    GC_EXPECT(GO_FN(AbiCapture)(go64, sizeof go64) == sizeof go64);

    gc_fact("sent_f32", "\"%08x\"", SNAN32);
    gc_fact("c_saw_f32", "\"%08x\"", (unsigned)c_saw32[0]);
    gc_fact("go_saw_f32", "\"%08x\"", (unsigned)go32[0]);
    gc_fact("sent_f64", "\"%016llx\"", SNAN64);
    gc_fact("c_saw_f64", "\"%016llx\"", (unsigned long long)c_saw64[0]);
    gc_fact("go_saw_f64", "\"%016llx\"", (unsigned long long)go64[0]);
    GC_EXPECT(c_saw32[0] == SNAN32 && c_saw64[0] == SNAN64);
    GC_EXPECT(go32[0] == (SNAN32 | QUIET32));
    GC_EXPECT(go64[0] == (SNAN64 | QUIET64));
    gc_pass();
}
