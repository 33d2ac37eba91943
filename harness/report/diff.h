/* `gocompat diff`: what changed between two matrix documents — cells whose
 * status changed, new and removed cells, and changed evidence (symbol
 * lists, ELF flags, header declarations, time to death beyond a
 * tolerance). A regression is a cell that met its expectation before
 * (pass, xpass) and no longer does (fail, xfail, error), or a new cell that
 * fails or errors. */
#ifndef GOCOMPAT_DIFF_H
#define GOCOMPAT_DIFF_H

#include <jansson.h>
#include <stdio.h>

#include "report.h"

typedef struct {
    const char *from, *to;  /* compare only these releases of OLD and NEW (across releases) */
    double ttd_abs_ms;      /* time_to_death_ms: a change must exceed both this… */
    double ttd_rel;         /* …and this fraction of the old value */
} diff_opts;

/* The diff document (schema gocompat.diff/1), or NULL with *err set when the
 * two documents cannot be compared as asked. */
json_t *matrix_diff(const rmodel *old, const rmodel *new_, const diff_opts *o, char **err);
/* Does release v ("go1.22.12") match the user's spelling ("1.22", "go1.22", "go1.22.12")? */
bool release_matches(const char *v, const char *want);

void diff_render_md(const json_t *d, FILE *f);
void diff_render_junit(const json_t *d, FILE *f);

#endif
