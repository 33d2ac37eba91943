/* The library part of `gocompat check --from A --to B`: what a C or Python
 * user of the library sees change between two releases beyond cell
 * statuses: the whole generated header, and the export signatures. */
#ifndef GOCOMPAT_LIBRARY_DIFF_H
#define GOCOMPAT_LIBRARY_DIFF_H

#include <jansson.h>
#include <stdio.h>

/* {"header_changed", "header_diff" (unified), "signatures": {"added",
 * "removed", "changed"}} from the lib/header c-shared records of releases
 * a and b in records; without both records, "header_changed" is null and
 * "header_note" says why. */
json_t *library_diff(const json_t *records, const char *a, const char *b);
void library_diff_render_md(const json_t *ld, FILE *f);

#endif
