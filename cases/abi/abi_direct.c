/* ABI shapes called with their C types: directly through the cgo header
 * (c-linked, c-archive) or, built with -DABI_VIA_DLSYM (and on c-dlopen),
 * through a dlsym pointer cast to the declared type. The shapes of group
 * $ABI_GROUP each run $ABI_ITERS times (default 40) with fresh values; the
 * oracle and the export get the same bits and must agree bit for bit. */
#include <string.h>

#include "probe.h"
#include "abi.h"
#include "abi_oracle_gen.c"
#include "abi_run.h"

#if defined(ABI_VIA_DLSYM) && !defined(GC_HOST_DLOPEN)
#define ABI_FN(name) ((__typeof__(&name))gc_sym(#name))
#else
#define ABI_FN(name) GO_FN(name)
#endif

#include "abi_direct_gen.c"

#if defined(ABI_VIA_DLSYM) || defined(GC_HOST_DLOPEN)
#define CALLER "dlsym"
#else
#define CALLER "direct"
#endif

static abi_run run;

void probe_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    const char *group = getenv("ABI_GROUP");
    int iters = env_int("ABI_ITERS", 40);
    static abi_report rep;
    char why[600];
    if (!group || !*group) {
        gc_fail("ABI_GROUP is not set");
        return;
    }
    for (const struct abi_direct *d = abi_direct; d->name; d++) {
        if (strcmp(d->group, group) != 0) continue;
        shape_started(d->name);
        abi_rng_seed(&run.rng, shape_seed(gc_seed(), d->name));
        int bad = -1;
        for (int it = 0; it < iters && bad < 0; it++) {
            run_begin(&run);
            d->run(&run);
            if (!run_compare(&run, why, sizeof why)) bad = it;
        }
        if (bad < 0) report_pass(&rep, d->name);
        else report_fail(&rep, d->name, bad, why);
    }
    report_finish(&rep, group, CALLER, iters);
}
