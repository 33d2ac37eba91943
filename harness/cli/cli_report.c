/* `gocompat report` and `gocompat diff`: the views of matrix documents. */
#define _GNU_SOURCE
#include "cli.h"
#include "cli_common.h"
#include "datadir.h"
#include "diff.h"
#include "expectations.h"
#include "record.h"
#include "report.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static const char REPORT_HELP[] =
    "Usage: gocompat report [OPTION]...\n"
    "Render every view of a matrix document. Writes, in DIR:\n"
    "  matrix.md     a summary table of counts per Go release, then one table per\n"
    "                area: rows = case x host, columns = releases, a cell = the\n"
    "                status of each build mode of the row\n"
    "  matrix.csv    one row per record\n"
    "  junit.xml     one testsuite per release, one testcase per case x host x\n"
    "                build mode; failures carry the detail and the head of stderr\n"
    "  matrix.tap    TAP version 13, one test point per record\n"
    "  index.html    a self-contained page: the matrix with filters, each cell's\n"
    "                evidence, the claims ledger and the plots found in DIR/bench/\n"
    "  claims.md, claims.json\n"
    "                the claims ledger: each claim's verdict per release (holds,\n"
    "                refuted, partly, n/a, untested) with the records behind it\n"
    "Every file is written to a temporary beside it and renamed into place.\n\n"
    "Options:\n"
    "  -i, --input=FILE      matrix document (default results/matrix.json; when\n"
    "                        there is none here, the source tree's results/)\n"
    "  -o, --out=DIR         where to write the views (default results)\n"
    "      --claims=FILE     the claim list and its rules (default cases/claims.txt\n"
    "                        in the source tree)\n"
    "      --explain=Cnn     write nothing; print every cell behind each verdict of\n"
    "                        claim Cnn, part by part and column by column: the case,\n"
    "                        its expect line, the link's polarity and the rule applied\n"
    "      --srcdir=DIR      the folder with cases/ (default $GOCOMPAT_SRCDIR, else\n"
    "                        where gocompat installed it)\n"
    "      --timing          print the time taken by each view and the peak memory\n"
    "  -q, --quiet           print nothing on success\n"
    "  -h, --help            show this help\n\n"
    "Exit status: 0 written, 2 usage error or unreadable input (the message\n"
    "names the file and line).\n";

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Plots (and the bench documents) in OUT/bench, as page-relative links; an SVG
 * wins over a PNG of the same name. */
static void bench_plots(const char *outdir, strlist *plots)
{
    char *dir = path_join(outdir, "bench");
    DIR *d = opendir(dir);
    free(dir);
    if (!d) return;
    strlist names = { 0 };
    struct dirent *e;
    while ((e = readdir(d)))
        if (str_suffix(e->d_name, ".svg") || str_suffix(e->d_name, ".png") || str_suffix(e->d_name, ".json") ||
            str_suffix(e->d_name, ".md"))
            sl_add(&names, e->d_name);
    closedir(d);
    if (names.n > 1) qsort(names.v, names.n, sizeof *names.v, cmp_str);
    for (size_t i = 0; i < names.n; i++) {
        const char *n = names.v[i];
        if (str_suffix(n, ".png")) {
            char *svg = xasprintf("%.*s.svg", (int)(strlen(n) - 4), n);
            bool has_svg = sl_has(&names, svg);
            free(svg);
            if (has_svg) continue;
        }
        sl_add_owned(plots, xasprintf("bench/%s", n));
    }
    sl_free(&names);
}

typedef void (*model_renderer)(const rmodel *, FILE *);

static int write_view(const char *dir, const char *name, const rmodel *m, model_renderer fn, const ledger *led,
                      const strlist *bench, bool timing)
{
    char *path = path_join(dir, name);
    afile a;
    double t0 = now_ms();
    if (afile_open(&a, path) < 0) {
        gc_warn("cannot write %s: %s", path, gc_strerror(errno));
        free(path);
        return -1;
    }
    if (fn) fn(m, a.f);
    else if (!strcmp(name, "index.html")) render_html(m, led, bench, a.f);
    else if (!strcmp(name, "claims.md")) render_claims_md(led, a.f);
    else render_claims_json(led, a.f);
    if (afile_commit(&a) < 0) {
        gc_warn("cannot write %s: %s", path, gc_strerror(errno));
        free(path);
        return -1;
    }
    if (timing) fprintf(stderr, "gocompat: %-12s %7.0f ms\n", name, now_ms() - t0);
    free(path);
    return 0;
}

typedef struct {
    const char *in, *out, *claims, *srcdir, *explain;
    bool timing, quiet;
    char *in_own, *out_own; /* the defaults in the source tree, when used */
} report_cli;

/* Options into o; -1 to go on, else the exit status (--help, a bad option). */
static int report_parse(int argc, char **argv, report_cli *o)
{
    static const struct option opts[] = {
        { "input", required_argument, NULL, 'i' }, { "out", required_argument, NULL, 'o' },
        { "claims", required_argument, NULL, 'C' }, { "srcdir", required_argument, NULL, 'S' },
        { "timing", no_argument, NULL, 'T' }, { "quiet", no_argument, NULL, 'q' },
        { "explain", required_argument, NULL, 'E' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
    };
    *o = (report_cli){ .in = "results/matrix.json", .out = "results" };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "i:o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'i': o->in = optarg; break;
        case 'o': o->out = optarg; break;
        case 'C': o->claims = optarg; break;
        case 'S': o->srcdir = optarg; break;
        case 'T': o->timing = true; break;
        case 'q': o->quiet = true; break;
        case 'E': o->explain = optarg; break;
        case 'h': fputs(REPORT_HELP, stdout); return GC_EXIT_OK;
        default: fprintf(stderr, "Try 'gocompat report --help'.\n"); return GC_EXIT_USAGE;
        }
    }
    if (optind < argc) gc_die(GC_EXIT_USAGE, "report takes no arguments ('%s'); name the matrix with -i", argv[optind]);
    if (!strcmp(o->in, "results/matrix.json") && !strcmp(o->out, "results") && !file_exists(o->in)) {
        /* Run from elsewhere (a build folder): the source tree's results. */
        o->out = o->out_own = path_join(data_dir(o->srcdir), "results");
        o->in = o->in_own = path_join(o->out, "matrix.json");
    }
    return -1;
}

/* The records and the claim list; 0, or -1 after saying why on stderr. A
 * missing default claim list is only a warning: the ledger then lists the
 * claims the records name. */
static int report_load(const report_cli *o, rmodel *m, claim_list *cl)
{
    double t0 = now_ms();
    char *err = NULL;
    if (rmodel_load(o->in, m, &err) < 0) {
        fprintf(stderr, "gocompat: %s\n", err);
        free(err);
        return -1;
    }
    if (o->timing) fprintf(stderr, "gocompat: %-12s %7.0f ms (%zu records)\n", "load", now_ms() - t0, m->n);
    memset(cl, 0, sizeof *cl);
    char *cpath = o->claims ? xstrdup(o->claims) : path_join(data_dir(o->srcdir), "cases/claims.txt");
    int rc = 0;
    if (claims_load(cpath, cl, &err) < 0) {
        if (o->claims) {
            fprintf(stderr, "gocompat: %s\n", err);
            rmodel_free(m);
            rc = -1;
        } else
            gc_warn("%s; the ledger lists only the claims the records name", err);
        free(err);
    }
    free(cpath);
    return rc;
}

static int report_explain(const rmodel *m, const claim_list *cl, const char *id)
{
    ledger led;
    ledger_build(m, cl, &led);
    int rc = ledger_explain(&led, id, stdout);
    if (rc < 0) fprintf(stderr, "gocompat: no claim %s in the list or the records\n", id);
    ledger_free(&led);
    return rc < 0 ? GC_EXIT_USAGE : GC_EXIT_OK;
}

/* The folder for the views, made when missing; dies (exit 2) when it is
 * not a writable folder. */
static void out_folder_or_die(const char *out)
{
    struct stat st;
    if (mkdir_p(out, 0755) < 0 || stat(out, &st) < 0) gc_die(GC_EXIT_USAGE, "cannot create %s: %s", out, strerror(errno));
    if (!S_ISDIR(st.st_mode)) gc_die(GC_EXIT_USAGE, "%s is not a folder; -o names the folder for the views", out);
    if (access(out, W_OK) != 0) gc_die(GC_EXIT_USAGE, "cannot write to %s: %s", out, strerror(errno));
}

/* Every view into o->out; the exit status. t0: when loading began. */
static int report_write(const report_cli *o, const rmodel *m, const claim_list *cl, double t0)
{
    out_folder_or_die(o->out);
    double t1 = now_ms();
    ledger led;
    ledger_build(m, cl, &led);
    if (o->timing) fprintf(stderr, "gocompat: %-12s %7.0f ms\n", "ledger", now_ms() - t1);
    strlist bench = { 0 };
    bench_plots(o->out, &bench);
    static const struct { const char *name; model_renderer fn; } views[] = {
        { "matrix.md", render_md }, { "matrix.csv", render_csv }, { "junit.xml", render_junit }, { "matrix.tap", render_tap },
        { "claims.md", NULL }, { "claims.json", NULL }, { "index.html", NULL },
    };
    int bad = 0;
    for (size_t i = 0; i < GC_ARRAY_LEN(views); i++)
        bad |= write_view(o->out, views[i].name, m, views[i].fn, &led, &bench, o->timing);
    if (o->timing) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        fprintf(stderr, "gocompat: %-12s %7.0f ms, peak RSS %ld MB\n", "total", now_ms() - t0, ru.ru_maxrss / 1024);
    }
    if (!bad && !o->quiet)
        printf("%zu records, %zu claims: matrix.md matrix.csv junit.xml matrix.tap index.html claims.md claims.json in %s\n",
               m->n, led.n, o->out);
    ledger_free(&led);
    sl_free(&bench);
    return bad ? GC_EXIT_USAGE : GC_EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
    report_cli o;
    int rc = report_parse(argc, argv, &o);
    if (rc >= 0) return rc;
    double t0 = now_ms();
    rmodel m;
    claim_list cl;
    if (report_load(&o, &m, &cl) < 0) rc = GC_EXIT_USAGE;
    else {
        rc = o.explain ? report_explain(&m, &cl, o.explain) : report_write(&o, &m, &cl, t0);
        claims_free(&cl);
        rmodel_free(&m);
    }
    free(o.in_own);
    free(o.out_own);
    return rc;
}

/* ---- diff ---- */

static const char DIFF_HELP[] =
    "Usage: gocompat diff [OPTION]... OLD.json NEW.json\n"
    "Compare two matrix documents and list what changed: cells whose status\n"
    "changed (regressions first), new and removed cells, and changed evidence\n"
    "(exported symbol lists, ELF flags, header declarations and other probe\n"
    "facts; time_to_death_ms only beyond the tolerance) of cells that ran on\n"
    "both sides. Build paths, resource use, timings, rates and iteration\n"
    "counts are not compared, and the Go version string itself is ignored\n"
    "inside facts.\n\n"
    "When both documents hold the same releases, cells are matched by release,\n"
    "goarch, build mode, host and case. When each holds one (different)\n"
    "release, or --from and --to pick one release of each, cells are matched\n"
    "across releases by case, host, build mode and goarch: that is the check\n"
    "for moving from one Go release to the next.\n\n"
    "A regression is a cell that passed (or passed against an expected\n"
    "failure) in OLD and fails, fails as expected or errors in NEW, or a new\n"
    "cell that fails or errors.\n\n"
    "Options:\n"
    "  -f, --format=FMT      md (default), json or junit\n"
    "  -o, --out=FILE        write the report there (atomically) instead of stdout\n"
    "      --from=GO         the release of OLD to compare (1.22, go1.22, go1.22.12)\n"
    "      --to=GO           the release of NEW to compare\n"
    "      --ttd-tolerance=MS  time_to_death_ms changes smaller than MS, or than the\n"
    "                        old value itself, are noise (default 250)\n"
    "  -h, --help            show this help\n\n"
    "Exit status: 0 no regression, 1 at least one regression, 2 usage error or\n"
    "unreadable input.\n";

bool diff_option(int c, const char *arg, diff_cli *o)
{
    switch (c) {
    case 'f':
        if (strcmp(arg, "md") && strcmp(arg, "json") && strcmp(arg, "junit"))
            gc_die(GC_EXIT_USAGE, "--format wants md, json or junit, not '%s'", arg);
        o->format = arg;
        return true;
    case 'F': o->d.from = arg; return true;
    case 'U': o->d.to = arg; return true;
    case 'D':
        o->d.ttd_abs_ms = opt_double("--ttd-tolerance (milliseconds)", arg, 0, 86400000);
        return true;
    }
    return false;
}

int emit_diff(const rmodel *a, const rmodel *b, const diff_cli *o)
{
    char *err = NULL;
    json_t *d = matrix_diff(a, b, &o->d, &err);
    if (!d) {
        fprintf(stderr, "gocompat: %s\n", err);
        free(err);
        return GC_EXIT_USAGE;
    }
    afile af = { 0 };
    FILE *f = stdout;
    if (o->out) {
        if (afile_open(&af, o->out) < 0) gc_die(GC_EXIT_USAGE, "cannot write %s: %s", o->out, gc_strerror(errno));
        f = af.f;
    }
    if (!strcmp(o->format, "json")) {
        json_dumpf(d, f, JSON_INDENT(1));
        fputc('\n', f);
    } else if (!strcmp(o->format, "junit"))
        diff_render_junit(d, f);
    else
        diff_render_md(d, f);
    if (o->out && afile_commit(&af) < 0) gc_die(GC_EXIT_USAGE, "cannot write %s: %s", o->out, gc_strerror(errno));
    json_int_t reg = json_integer_value(json_object_get(json_object_get(d, "counts"), "regressions"));
    json_decref(d);
    return reg ? GC_EXIT_UNEXPECTED : GC_EXIT_OK;
}

int cmd_diff(int argc, char **argv)
{
    static const struct option opts[] = {
        { "format", required_argument, NULL, 'f' }, { "out", required_argument, NULL, 'o' },
        { "from", required_argument, NULL, 'F' }, { "to", required_argument, NULL, 'U' },
        { "ttd-tolerance", required_argument, NULL, 'D' }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    diff_cli o = DIFF_CLI_INIT;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
        if (c == 'o') o.out = output_or_die(optarg);
        else if (c == 'h') {
            fputs(DIFF_HELP, stdout);
            return GC_EXIT_OK;
        } else if (!diff_option(c, optarg, &o)) {
            fprintf(stderr, "Try 'gocompat diff --help'.\n");
            return GC_EXIT_USAGE;
        }
    }
    if (argc - optind != 2) {
        fprintf(stderr, "gocompat: diff wants two matrix documents, OLD.json NEW.json\nTry 'gocompat diff --help'.\n");
        return GC_EXIT_USAGE;
    }
    rmodel a, b;
    char *err = NULL;
    if (rmodel_load(argv[optind], &a, &err) < 0) {
        fprintf(stderr, "gocompat: %s\n", err);
        free(err);
        return GC_EXIT_USAGE;
    }
    if (rmodel_load(argv[optind + 1], &b, &err) < 0) {
        fprintf(stderr, "gocompat: %s\n", err);
        free(err);
        rmodel_free(&a);
        return GC_EXIT_USAGE;
    }
    int rc = emit_diff(&a, &b, &o);
    rmodel_free(&a);
    rmodel_free(&b);
    return rc;
}
