/* Result records (schema gocompat.result/1), the append-only run journal,
 * and the assembled matrix document (gocompat.matrix/1): the one owner of
 * their schemas. Statuses are in status.h. */
#ifndef GOCOMPAT_RECORD_H
#define GOCOMPAT_RECORD_H

#include <jansson.h>
#include <stdio.h>

#include "status.h"
#include "util.h"

#define RECORD_SCHEMA "gocompat.result/1"
#define MATRIX_SCHEMA "gocompat.matrix/1"

/* The identity of a cell: go|goarch|buildmode|host|case. Caller frees. */
char *record_cell_key(json_t *rec);
/* Check a record against the schema; NULL if valid, else a message (caller frees). */
char *record_validate(json_t *rec);

/* Journal: one compact JSON record per line, appended with a single
 * write(2) under an exclusive flock, so concurrent writers never interleave
 * and a crash leaves at most one torn last line. */
typedef struct { int fd; char *path; } journal;
int journal_open(journal *j, const char *path, bool truncate);
/* Replace the journal at PATH by one holding exactly RECORDS, through a
 * new file and rename(2): the old journal stays whole if this fails. */
int journal_rewrite(const char *path, json_t *records);
/* 0, or -1 with errno (ENOSPC …); the journal is unchanged on failure. */
int journal_append(journal *j, json_t *rec);
void journal_close(journal *j);

/* Read a journal. Valid records are appended to `records`; a torn or invalid
 * line is reported in `errs` as "path:line: why" and skipped. Returns the
 * number of problems, or -1 if the file cannot be read (errno). */
int journal_load(const char *path, json_t *records, strlist *errs);
/* The same over text in memory; `name` prefixes the messages. */
int journal_parse(const char *text, size_t len, const char *name, json_t *records, strlist *errs);

/* Sort records into the canonical matrix order: Go release (numerically),
 * goarch, case, build mode, host. Every writer uses it, so a sharded run
 * merged back equals a single run. */
void records_sort_canonical(json_t *records);

/* ---- the matrix document (matrix.c) ----
 * Read one: each record in document order, valid (record_validate), with
 * its text in the document, to `each`, which may keep a reference; *head
 * gets every other member (schema, generated, toolchains …; caller frees).
 * Returns 0, or -1 with *err one line, "file:line: why" (the line left out
 * when the whole document is at fault: an unknown schema, no records). */
typedef void (*matrix_each_fn)(void *ctx, json_t *rec, const char *text, size_t len);
/* flags: MATRIX_NO_EVIDENCE hands each record over with an empty object
 * for its "evidence" (its text is whole): what a view of the records needs,
 * at half the cost. Both readings accept the same documents. */
enum { MATRIX_NO_EVIDENCE = 1 };
int matrix_read(const char *path, unsigned flags, json_t **head, matrix_each_fn each, void *ctx, char **err);
/* The same over text in memory; `name` stands for the file in messages. */
int matrix_read_text(const char *text, size_t len, const char *name, unsigned flags, json_t **head, matrix_each_fn each,
                     void *ctx, char **err);
/* The whole document as one tree, or NULL and *err as matrix_read. */
json_t *matrix_load(const char *path, char **err);
json_t *matrix_parse(const char *text, size_t len, const char *name, char **err);
/* Assemble and write atomically. */
int matrix_write(const char *path, json_t *toolchains, json_t *records, json_t *extra);

#endif
