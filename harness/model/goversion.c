#include "goversion.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Numeric fields of "go1.22.12", "go1.21rc1": major, minor, patch, and a
 * pre-release rank (release sorts after its rc/beta). */
static void version_key(const char *v, long k[5])
{
    memset(k, 0, 5 * sizeof k[0]);
    k[3] = 2; /* release */
    if (str_prefix(v, "go")) v += 2;
    for (int i = 0; i < 3 && *v; i++) {
        if (!isdigit((unsigned char)*v)) break;
        k[i] = strtol(v, (char **)&v, 10);
        if (*v == '.') v++;
        else break;
    }
    if (str_prefix(v, "rc")) { k[3] = 1; k[4] = strtol(v + 2, NULL, 10); }
    else if (str_prefix(v, "beta")) { k[3] = 0; k[4] = strtol(v + 4, NULL, 10); }
}

int go_version_cmp(const char *a, const char *b)
{
    long ka[5], kb[5];
    version_key(a, ka);
    version_key(b, kb);
    /* A missing patch ("go1.21") counts as .0 for ordering. */
    for (int i = 0; i < 5; i++)
        if (ka[i] != kb[i]) return ka[i] < kb[i] ? -1 : 1;
    return 0;
}

char *go_version_minor(const char *v)
{
    long k[5];
    if (!v || !str_prefix(v, "go") || !isdigit((unsigned char)v[2])) return NULL;
    version_key(v, k);
    return xasprintf("%ld.%ld", k[0], k[1]);
}
