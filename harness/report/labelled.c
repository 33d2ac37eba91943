#include "labelled.h"

void put_labelled(FILE *f, void (*escape)(FILE *, const char *), const labelled *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!v[i].value) continue;
        fputs(v[i].label, f);
        escape(f, v[i].value);
    }
}
