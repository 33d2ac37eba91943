/* gocompat merge: assemble the matrix documents of sharded runs into one. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_common.h"
#include "record.h"
#include "util.h"

static const char MERGE_HELP[] =
    "Usage: gocompat merge [-o OUT] FILE...\n"
    "Assemble matrix documents (for example the outputs of `gocompat matrix\n"
    "--shard K/N` run as separate CI jobs) into one document in canonical\n"
    "order. The same cell may appear in several inputs only with the same\n"
    "status and outcome; any other overlap, a different schema, or an\n"
    "unreadable input is refused and nothing is written.\n\n"
    "Options:\n"
    "  -o, --out=FILE   where to write (default: standard output)\n"
    "  -h, --help       show this help\n\n"
    "Exit status: 0 merged, 2 usage error or inconsistent inputs.\n";

static const char *sget(json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* What must agree when two inputs both carry a cell. Timings may differ. */
static bool same_result(json_t *a, json_t *b)
{
    return json_equal(json_object_get(a, "status"), json_object_get(b, "status")) &&
           json_equal(json_object_get(a, "outcome"), json_object_get(b, "outcome"));
}

int cmd_merge(int argc, char **argv)
{
    static const struct option opts[] = {
        { "out", required_argument, NULL, 'o' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
    const char *out = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        if (c == 'o') out = optarg;
        else if (c == 'h') { fputs(MERGE_HELP, stdout); return GC_EXIT_OK; }
        else { fputs("Try 'gocompat merge --help'.\n", stderr); return GC_EXIT_USAGE; }
    }
    if (optind >= argc) gc_die(GC_EXIT_USAGE, "merge needs at least one matrix document; see --help");
    if (out) output_or_die(out);
    json_t *bykey = json_object(), *origin = json_object(), *records = json_array();
    json_t *toolchains = json_array(), *tckeys = json_object();
    int rc = GC_EXIT_OK;
    for (int i = optind; i < argc && rc == GC_EXIT_OK; i++) {
        char *err = NULL;
        json_t *m = matrix_load(argv[i], &err);
        if (!m) {
            gc_warn("%s", err);
            free(err);
            rc = GC_EXIT_USAGE;
            break;
        }
        size_t k;
        json_t *r;
        json_array_foreach(json_object_get(m, "records"), k, r) {
            char *key = record_cell_key(r);
            json_t *prev = json_object_get(bykey, key);
            if (!prev) {
                json_object_set(bykey, key, r);
                json_object_set_new(origin, key, json_string(argv[i]));
                json_array_append(records, r);
            } else if (!same_result(prev, r)) {
                gc_warn("%s: cell %s is %s there but %s in %s; refusing to merge", argv[i], key, sget(r, "status"),
                        sget(prev, "status"), sget(origin, key));
                rc = GC_EXIT_USAGE;
            }
            free(key);
            if (rc) break;
        }
        json_t *t;
        json_array_foreach(json_object_get(m, "toolchains"), k, t) {
            char *key = xasprintf("%s|%s|%s", sget(t, "path") ? sget(t, "path") : "", sget(t, "version") ? sget(t, "version") : "",
                                  sget(t, "goarch") ? sget(t, "goarch") : "");
            if (!json_object_get(tckeys, key)) {
                json_object_set_new(tckeys, key, json_true());
                json_array_append(toolchains, t);
            }
            free(key);
        }
        json_decref(m);
    }
    if (rc == GC_EXIT_OK) {
        records_sort_canonical(records);
        json_t *extra = json_pack("{s:{s:i}}", "merged", "inputs", argc - optind);
        if (out) {
            if (matrix_write(out, toolchains, records, extra) < 0) {
                gc_warn("cannot write %s: %s", out, gc_strerror(errno));
                rc = GC_EXIT_USAGE;
            }
        } else {
            json_t *m = json_pack("{s:s, s:O, s:O}", "schema", MATRIX_SCHEMA, "toolchains", toolchains, "records", records);
            json_object_update(m, extra);
            char *ts = utc_timestamp();
            json_object_set_new(m, "generated", json_string(ts));
            free(ts);
            json_dumpf(m, stdout, JSON_INDENT(1) | JSON_SORT_KEYS);
            putchar('\n');
            json_decref(m);
        }
        json_decref(extra);
        if (rc == GC_EXIT_OK) gc_warn("merged %zu records from %d documents", json_array_size(records), argc - optind);
    }
    json_decref(bykey);
    json_decref(origin);
    json_decref(records);
    json_decref(toolchains);
    json_decref(tckeys);
    return rc;
}
