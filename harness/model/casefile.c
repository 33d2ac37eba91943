#define _GNU_SOURCE
#include "casefile.h"
#include "arch.h"
#include "goversion.h"
#include "status.h"

#include <ctype.h>
#include <dirent.h>
#include <sys/stat.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const HOSTS[][2] = {
    { "c-dlopen", "c-shared" },   { "c-linked", "c-shared" },   { "c-threads", "c-shared" },
    { "c-archive", "c-archive" }, { "python-ctypes", "c-shared" }, { "go-linkshared", "shared" },
    { "go-plugin", "plugin" },    { "inspect", "c-shared" }, { "none", NULL },
    { "cxx-dlopen", "c-shared" }, { "cxx-linked", "c-shared" }, { "rust-linked", "c-shared" },
    { "python-cffi", "c-shared" }, { "java-jna", "c-shared" },  { "java-jna-jsig", "c-shared" },
    { "python-cffi-api", "c-shared" }, { "python313-ctypes", "c-shared" }, { "python313-cffi", "c-shared" },
    { "node-koffi", "c-shared" }, { "java-ffm", "c-shared" },
};
static const char *const MODES[] = { "c-shared", "c-archive", "shared", "plugin", "pie", "exe" };

bool host_known(const char *h)
{
    for (size_t i = 0; i < GC_ARRAY_LEN(HOSTS); i++)
        if (strcmp(HOSTS[i][0], h) == 0) return true;
    return false;
}

const char *host_default_buildmode(const char *h)
{
    for (size_t i = 0; i < GC_ARRAY_LEN(HOSTS); i++)
        if (strcmp(HOSTS[i][0], h) == 0) return HOSTS[i][1];
    return NULL;
}

bool buildmode_known(const char *m)
{
    for (size_t i = 0; i < GC_ARRAY_LEN(MODES); i++)
        if (strcmp(MODES[i], m) == 0) return true;
    return false;
}

/* A bound "go1.21" (no patch) covers every go1.21.x. */
static int bound_cmp(const char *v, const char *bound)
{
    int dots = 0;
    for (const char *p = bound; *p; p++) dots += *p == '.';
    if (dots < 2) {
        char *m = go_version_minor(v);
        int r = go_version_cmp(m ? m : v, bound + (str_prefix(bound, "go") ? 2 : 0));
        free(m);
        return r;
    }
    return go_version_cmp(v, bound);
}

bool version_in_range(const char *v, const char *lo, const char *hi)
{
    if (lo && bound_cmp(v, lo) < 0) return false;
    if (hi && bound_cmp(v, hi) > 0) return false;
    return true;
}

static bool valid_version(const char *s)
{
    return str_prefix(s, "go") && isdigit((unsigned char)s[2]) && strspn(s + 2, "0123456789.rcbeta") == strlen(s + 2);
}

/* "go1.19..go1.22", "go1.22..", "..go1.21", "go1.21", "*" */
static int parse_range(const char *s, char **lo, char **hi)
{
    *lo = *hi = NULL;
    if (strcmp(s, "*") == 0) return 0;
    const char *dd = strstr(s, "..");
    if (!dd) {
        if (!valid_version(s)) return -1;
        *lo = xstrdup(s);
        *hi = xstrdup(s);
        return 0;
    }
    char *a = xstrndup(s, (size_t)(dd - s)), *b = xstrdup(dd + 2);
    if ((*a && !valid_version(a)) || (*b && !valid_version(b)) || (!*a && !*b)) {
        free(a);
        free(b);
        return -1;
    }
    if (*a) *lo = a; else free(a);
    if (*b) *hi = b; else free(b);
    return 0;
}

static int parse_signal(const char *s)
{
    if (str_prefix(s, "SIG")) s += 3;
    for (int i = 1; i < NSIG; i++) {
        const char *a = sigabbrev_np(i);
        if (a && strcmp(a, s) == 0) return i;
    }
    return -1;
}

static int parse_outcome(const char *s, outcome_want **v, size_t *n)
{
    strlist alts = { 0 };
    sl_split(&alts, s, "|");
    int rc = alts.n ? 0 : -1;
    for (size_t i = 0; i < alts.n && rc == 0; i++) {
        char *a = trim(alts.v[i]);
        outcome_want w = { 0 };
        char word[32] = "", arg[32] = "";
        int k = sscanf(a, "%31s %31s", word, arg);
        rec_outcome named = k >= 1 ? rec_outcome_parse(word) : OUTCOME_UNKNOWN;
        if (named == OUTCOME_EXIT) {
            w.kind = OUT_EXIT;
            char *end;
            if (k < 2) rc = -1;
            else if (strcmp(arg, "nonzero") == 0) w.code = -1;
            else {
                long c = strtol(arg, &end, 10);
                if (*end || c < 0 || c > 255) rc = -1;
                w.code = (int)c;
            }
        } else if (named == OUTCOME_SIGNAL) {
            w.kind = OUT_SIGNAL;
            if (k < 2 || strcmp(arg, "any") == 0) w.sig = 0;
            else if ((w.sig = parse_signal(arg)) < 0) rc = -1;
        } else if (k == 1 && named == OUTCOME_TIMEOUT) w.kind = OUT_TIMEOUT;
        else if (k == 1 && named == OUTCOME_BUILD_FAIL) w.kind = OUT_BUILD_FAIL;
        else if (k == 1 && strcmp(word, "any") == 0) w.kind = OUT_ANY;
        else rc = -1;
        if (rc == 0) {
            *v = xrealloc(*v, (*n + 1) * sizeof **v);
            (*v)[(*n)++] = w;
        }
    }
    sl_free(&alts);
    return rc;
}

char *outcome_want_text(const case_desc *c)
{
    strbuf b;
    sb_init(&b);
    for (size_t i = 0; i < c->nwant; i++) {
        const outcome_want *w = &c->want[i];
        if (i) sb_add(&b, " | ");
        switch (w->kind) {
        case OUT_EXIT: w->code < 0 ? sb_addf(&b, "%s nonzero", rec_outcome_name(OUTCOME_EXIT)) : sb_addf(&b, "%s %d", rec_outcome_name(OUTCOME_EXIT), w->code); break;
        case OUT_SIGNAL: w->sig ? sb_addf(&b, "%s SIG%s", rec_outcome_name(OUTCOME_SIGNAL), sigabbrev_np(w->sig)) : sb_addf(&b, "%s any", rec_outcome_name(OUTCOME_SIGNAL)); break;
        case OUT_TIMEOUT: sb_add(&b, rec_outcome_name(OUTCOME_TIMEOUT)); break;
        case OUT_ANY: sb_add(&b, "any"); break;
        case OUT_BUILD_FAIL: sb_add(&b, rec_outcome_name(OUTCOME_BUILD_FAIL)); break;
        }
    }
    return sb_take(&b);
}

static bool valid_claim(const char *s)
{
    if (*s == '!') s++;
    if (!(s[0] == 'C' && isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2]))) return false;
    if (!s[3]) return true;
    if (s[3] != '.' || !s[4]) return false; /* C10.args: one part of the claim */
    for (s += 4; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_') return false;
    return true;
}

static bool valid_word(const char *s)
{
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.') return false;
    return true;
}

static char *located(const char *path, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static char *located(const char *path, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = xvasprintf(fmt, ap);
    va_end(ap);
    char *r = line ? xasprintf("%s:%d: %s", path, line, m) : xasprintf("%s: %s", path, m);
    free(m);
    return r;
}

/* The parser's state across lines; `hs` is scratch for split values. */
typedef struct {
    case_desc *c;
    strlist modes, hs;
    bool seen_hosts, seen_modes;
} case_parser;

#define REFUSE(...) return xasprintf(__VA_ARGS__)

static char *parse_hosts(case_parser *ps, const char *val)
{
    case_desc *c = ps->c;
    if (ps->seen_hosts) REFUSE("`hosts:` given twice; name every host on one line");
    ps->seen_hosts = true;
    sl_free(&ps->hs);
    sl_split(&ps->hs, val, " \t");
    for (size_t i = 0; i < ps->hs.n; i++) {
        char *h = ps->hs.v[i], *at = strchr(h, '@');
        if (at) *at = 0;
        if (!host_known(h)) REFUSE("unknown host `%s`", h);
        const char *mode = at ? at + 1 : host_default_buildmode(h);
        if (!mode) REFUSE("host `%s` needs a build mode (`%s@exe`)", h, h);
        if (!buildmode_known(mode)) REFUSE("unknown build mode `%s`", mode);
        for (size_t k = 0; k < c->nruns; k++) /* one cell, one record */
            if (!strcmp(c->runs[k].host, h) && !strcmp(c->runs[k].buildmode, mode)) REFUSE("host `%s@%s` listed twice", h, mode);
        c->runs = xrealloc(c->runs, (c->nruns + 1) * sizeof *c->runs);
        c->runs[c->nruns++] = (host_run){ xstrdup(h), xstrdup(mode) };
    }
    return NULL;
}

static char *parse_buildmodes(case_parser *ps, const char *val)
{
    if (ps->seen_modes) REFUSE("`buildmodes:` given twice; name every build mode on one line");
    ps->seen_modes = true;
    sl_split(&ps->modes, val, " \t");
    for (size_t i = 0; i < ps->modes.n; i++) {
        if (!buildmode_known(ps->modes.v[i])) REFUSE("unknown build mode `%s`", ps->modes.v[i]);
        for (size_t k = 0; k < i; k++)
            if (!strcmp(ps->modes.v[k], ps->modes.v[i])) REFUSE("build mode `%s` listed twice", ps->modes.v[i]);
    }
    return NULL;
}

static char *parse_xfail(case_parser *ps, const char *val, int lineno)
{
    case_desc *c = ps->c;
    strlist *hs = &ps->hs;
    sl_free(hs);
    sl_split(hs, val, " \t");
    if (hs->n < 4) REFUSE("xfail wants `GO-RANGE BUILDMODE HOST ISSUE-URL`");
    if (strcmp(hs->v[1], "*") && !buildmode_known(hs->v[1])) REFUSE("unknown build mode `%s`", hs->v[1]);
    if (strcmp(hs->v[2], "*") && !host_known(hs->v[2])) REFUSE("unknown host `%s`", hs->v[2]);
    if (!str_prefix(hs->v[3], "https://")) REFUSE("xfail needs an upstream https:// link, got `%s`", hs->v[3]);
    xfail_rule r = { .line = lineno };
    if (parse_range(hs->v[0], &r.lo, &r.hi) < 0) REFUSE("bad Go version range `%s`", hs->v[0]);
    r.buildmode = xstrdup(hs->v[1]);
    r.host = xstrdup(hs->v[2]);
    r.link = xstrdup(hs->v[3]);
    c->xfails = xrealloc(c->xfails, (c->nxfails + 1) * sizeof *c->xfails);
    c->xfails[c->nxfails++] = r;
    return NULL;
}

static char *parse_words(case_parser *ps, const char *key, const char *val)
{
    case_desc *c = ps->c;
    sl_free(&ps->hs);
    if (!strcmp(key, "claims")) {
        sl_split(&ps->hs, val, " \t,");
        for (size_t i = 0; i < ps->hs.n; i++) {
            if (!valid_claim(ps->hs.v[i])) REFUSE("bad claim id `%s` (want C01, !C01 when a pass refutes it, C01.part for one part)", ps->hs.v[i]);
            sl_add(&c->claims, ps->hs.v[i]);
        }
        return NULL;
    }
    sl_split(&ps->hs, val, " \t"); /* arch */
    for (size_t i = 0; i < ps->hs.n; i++) {
        if (strcmp(ps->hs.v[i], "native") && !arch_lookup(ps->hs.v[i]))
            REFUSE("unknown architecture `%s` (known: %s, native)", ps->hs.v[i], arch_known_list());
        sl_add(&c->arches, ps->hs.v[i]);
    }
    return NULL;
}

static char *replace_str(char **slot, const char *val)
{
    free(*slot);
    *slot = xstrdup(val);
    return NULL;
}

static char *parse_key(case_parser *ps, const char *key, const char *val, int lineno)
{
    case_desc *c = ps->c;
    if (!strcmp(key, "kind")) {
        if (!strcmp(val, "build")) c->build_only = true;
        else if (strcmp(val, "run")) REFUSE("kind must be `run` or `build`, not `%s`", val);
        return NULL;
    }
    if (!strcmp(key, "fixture")) {
        if (!valid_word(val) || !*val) REFUSE("bad fixture name `%s`", val);
        return replace_str(&c->fixture, val);
    }
    if (!strcmp(key, "probe")) {
        if (!valid_word(val) || !*val) REFUSE("bad probe name `%s`", val);
        return replace_str(&c->probe, val);
    }
    if (!strcmp(key, "hosts")) return parse_hosts(ps, val);
    if (!strcmp(key, "buildmodes")) return parse_buildmodes(ps, val);
    if (!strcmp(key, "expect")) return replace_str(&c->expect, val);
    if (!strcmp(key, "note")) return replace_str(&c->note, val);
    if (!strcmp(key, "outcome")) {
        free(c->want);
        c->want = NULL;
        c->nwant = 0;
        if (parse_outcome(val, &c->want, &c->nwant) < 0)
            REFUSE("bad outcome `%s` (want `exit N`, `exit nonzero`, `signal SIGNAME`, `timeout`, `any`, `build-fail`, joined by |)", val);
        return NULL;
    }
    if (!strcmp(key, "timeout")) {
        long long t;
        if (parse_llong(val, 1, 3600, &t)) REFUSE("timeout must be 1..3600 seconds, not `%s`", val);
        c->timeout_s = (int)t;
        return NULL;
    }
    if (!strcmp(key, "trials")) {
        long long t;
        if (parse_llong(val, 1, 1000, &t)) REFUSE("trials must be 1..1000, not `%s`", val);
        c->trials = (int)t;
        return NULL;
    }
    if (!strcmp(key, "waits")) {
        if (strcmp(val, "yes") && strcmp(val, "no")) REFUSE("waits must be yes or no, not `%s`", val);
        c->waits = !strcmp(val, "yes");
        return NULL;
    }
    if (!strcmp(key, "claims") || !strcmp(key, "arch")) return parse_words(ps, key, val);
    if (!strcmp(key, "xfail")) return parse_xfail(ps, val, lineno);
    if (!strcmp(key, "hostflag")) { sl_add(&c->hostflags, val); return NULL; }
    if (!strcmp(key, "buildflag")) { sl_add(&c->buildflags, val); return NULL; }
    if (!strcmp(key, "buildenv") || !strcmp(key, "env")) {
        if (!strchr(val, '=') || val[0] == '=') REFUSE("%s wants NAME=VALUE", key);
        sl_add(key[0] == 'b' ? &c->buildenv : &c->env, val);
        return NULL;
    }
    if (!strcmp(key, "go")) {
        free(c->go_lo);
        free(c->go_hi);
        c->go_lo = c->go_hi = NULL;
        if (parse_range(val, &c->go_lo, &c->go_hi) < 0) REFUSE("bad Go version range `%s`", val);
        return NULL;
    }
    REFUSE("unknown key `%s`", key);
}

/* What the whole descriptor must hold, once every line is read. */
static char *parse_finish(case_parser *ps)
{
    case_desc *c = ps->c;
    if (!c->fixture) REFUSE("missing `fixture:`");
    if (!c->expect) REFUSE("missing `expect:` (say in words what the case requires)");
    if (c->build_only) {
        if (c->nruns) REFUSE("a build case takes `buildmodes:`, not `hosts:`");
        if (!ps->modes.n) REFUSE("a build case needs `buildmodes:`");
        for (size_t i = 0; i < ps->modes.n; i++) {
            c->runs = xrealloc(c->runs, (c->nruns + 1) * sizeof *c->runs);
            c->runs[c->nruns++] = (host_run){ xstrdup("none"), xstrdup(ps->modes.v[i]) };
        }
    } else {
        if (ps->modes.n) REFUSE("`buildmodes:` is for build cases; a run case names `hosts:` (host@mode)");
        if (!c->nruns) REFUSE("missing `hosts:`");
        if (!c->probe) REFUSE("missing `probe:`");
    }
    if (!c->nwant) parse_outcome("exit 0", &c->want, &c->nwant);
    return NULL;
}
#undef REFUSE

/* Errors name the file and, where there is one, the line. */
int case_parse(const char *path, const char *text, case_desc *c, char **err)
{
    memset(c, 0, sizeof *c);
    *err = NULL;
    c->path = xstrdup(path);
    c->dir = path_dirname(path);
    c->timeout_s = 30;
    c->trials = 1;
    case_parser ps = { .c = c };
    char *copy = xstrdup(text), *next = copy, *why = NULL;
    int lineno = 0;
    while (next && !why) {
        char *line = next;
        char *nl = strchr(line, '\n');
        if (nl) { *nl = 0; next = nl + 1; } else next = NULL;
        lineno++;
        char *l = trim(line);
        if (!*l || *l == '#') continue;
        char *colon = strchr(l, ':');
        if (!colon) {
            why = xasprintf("expected `key: value`, got `%.60s`", l);
            break;
        }
        *colon = 0;
        why = parse_key(&ps, trim(l), trim(colon + 1), lineno);
    }
    if (!why) {
        lineno = 0;
        why = parse_finish(&ps);
    }
    if (why) *err = located(path, lineno, "%s", why);
    free(why);
    sl_free(&ps.modes);
    sl_free(&ps.hs);
    free(copy);
    if (*err) case_free(c);
    return *err ? -1 : 0;
}

void case_free(case_desc *c)
{
    free(c->id); free(c->area); free(c->name); free(c->path); free(c->dir);
    free(c->fixture); free(c->probe); free(c->expect); free(c->want);
    free(c->go_lo); free(c->go_hi); free(c->note);
    sl_free(&c->arches);
    for (size_t i = 0; i < c->nruns; i++) { free(c->runs[i].host); free(c->runs[i].buildmode); }
    free(c->runs);
    for (size_t i = 0; i < c->nxfails; i++) {
        xfail_rule *r = &c->xfails[i];
        free(r->lo); free(r->hi); free(r->buildmode); free(r->host); free(r->link);
    }
    free(c->xfails);
    sl_free(&c->claims);
    sl_free(&c->buildflags);
    sl_free(&c->buildenv);
    sl_free(&c->env);
    sl_free(&c->hostflags);
    memset(c, 0, sizeof *c);
}

void case_set_free(case_set *s)
{
    for (size_t i = 0; i < s->n; i++) case_free(&s->v[i]);
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

static int cmp_case(const void *a, const void *b)
{
    return strcmp(((const case_desc *)a)->id, ((const case_desc *)b)->id);
}

int case_load_dir(const char *root, case_set *set, strlist *errs)
{
    int nerr = 0;
    DIR *top = opendir(root);
    if (!top) {
        sl_add_owned(errs, xasprintf("%s: %s", root, strerror(errno)));
        return 1;
    }
    struct dirent *a;
    while ((a = readdir(top))) {
        if (a->d_name[0] == '.') continue;
        char *adir = path_join(root, a->d_name);
        struct stat st;
        if (stat(adir, &st) == 0 && !S_ISDIR(st.st_mode)) { free(adir); continue; } /* cases/README.md */
        DIR *d = opendir(adir);
        if (!d) { /* an area that cannot be read is not an area with no cases */
            sl_add_owned(errs, xasprintf("%s: %s", adir, strerror(errno)));
            nerr++;
            free(adir);
            continue;
        }
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!str_suffix(e->d_name, ".case")) continue;
            char *p = path_join(adir, e->d_name);
            case_desc c;
            char *err = NULL;
            char *text = read_input(p, NULL, true, &err);
            if (!text) {
                sl_add_owned(errs, err);
                nerr++;
            } else if (case_parse(p, text, &c, &err) < 0) {
                sl_add_owned(errs, err);
                nerr++;
            } else {
                c.area = xstrdup(a->d_name);
                c.name = xstrndup(e->d_name, strlen(e->d_name) - 5);
                c.id = xasprintf("%s/%s", c.area, c.name);
                set->v = xrealloc(set->v, (set->n + 1) * sizeof *set->v);
                set->v[set->n++] = c;
            }
            free(text);
            free(p);
        }
        closedir(d);
        free(adir);
    }
    closedir(top);
    if (set->n > 1) qsort(set->v, set->n, sizeof *set->v, cmp_case);
    return nerr;
}

const xfail_rule *case_xfail(const case_desc *c, const char *go, const char *mode, const char *host)
{
    for (size_t i = 0; i < c->nxfails; i++) {
        const xfail_rule *r = &c->xfails[i];
        if (!version_in_range(go, r->lo, r->hi)) continue;
        if (strcmp(r->buildmode, "*") && strcmp(r->buildmode, mode)) continue;
        if (strcmp(r->host, "*") && strcmp(r->host, host)) continue;
        return r;
    }
    return NULL;
}

int go_range_parse(const char *s, char **lo, char **hi) { return parse_range(s, lo, hi); }
