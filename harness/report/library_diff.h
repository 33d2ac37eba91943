/* The library part of `gocompat check --from A --to B`: what a C or Python
 * user of the library sees change between two releases beyond cell
 * statuses: the whole generated header, and the export signatures. */
#ifndef GOCOMPAT_LIBRARY_DIFF_H
#define GOCOMPAT_LIBRARY_DIFF_H

#include <jansson.h>
#include <stdio.h>

/* {"header_changed", "header_diff" (unified), "signatures": {"added",
 * "removed", "changed"}} from the lib/header c-shared records of releases
 * a and b in records; NULL with *err when either record is missing. */
json_t *library_diff(const json_t *records, const char *a, const char *b, char **err);
void library_diff_render_md(const json_t *ld, FILE *f);

#endif
