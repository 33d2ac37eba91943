#define _GNU_SOURCE
#include "casefile.h"
#include "arch.h"
#include "goversion.h"

#include <ctype.h>
#include <dirent.h>
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
        if (k >= 1 && strcmp(word, "exit") == 0) {
            w.kind = OUT_EXIT;
            char *end;
            if (k < 2) rc = -1;
            else if (strcmp(arg, "nonzero") == 0) w.code = -1;
            else {
                long c = strtol(arg, &end, 10);
                if (*end || c < 0 || c > 255) rc = -1;
                w.code = (int)c;
            }
        } else if (k >= 1 && strcmp(word, "signal") == 0) {
            w.kind = OUT_SIGNAL;
            if (k < 2 || strcmp(arg, "any") == 0) w.sig = 0;
            else if ((w.sig = parse_signal(arg)) < 0) rc = -1;
        } else if (k == 1 && strcmp(word, "timeout") == 0) w.kind = OUT_TIMEOUT;
        else if (k == 1 && strcmp(word, "build-fail") == 0) w.kind = OUT_BUILD_FAIL;
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
        case OUT_EXIT: w->code < 0 ? sb_add(&b, "exit nonzero") : sb_addf(&b, "exit %d", w->code); break;
        case OUT_SIGNAL: w->sig ? sb_addf(&b, "signal SIG%s", sigabbrev_np(w->sig)) : sb_add(&b, "signal any"); break;
        case OUT_TIMEOUT: sb_add(&b, "timeout"); break;
        case OUT_ANY: sb_add(&b, "any"); break;
        case OUT_BUILD_FAIL: sb_add(&b, "build-fail"); break;
        }
    }
    return sb_take(&b);
}

static bool valid_claim(const char *s)
{
    if (*s == '!') s++;
    return s[0] == 'C' && isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2]) && !s[3];
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

/* Errors name the file and, where there is one, the line. */
#define FAIL(...) do { *err = located(path, lineno, __VA_ARGS__); goto bad; } while (0)

int case_parse(const char *path, const char *text, case_desc *c, char **err)
{
    memset(c, 0, sizeof *c);
    *err = NULL;
    c->path = xstrdup(path);
    c->dir = path_dirname(path);
    c->timeout_s = 30;
    char *copy = xstrdup(text);
    int lineno = 0;
    bool seen_kind = false;
    strlist modes = { 0 };
    strlist hs = { 0 }; /* scratch for split values; freed on every exit */
    char *next = copy;
    while (next) {
        char *line = next;
        char *nl = strchr(line, '\n');
        if (nl) { *nl = 0; next = nl + 1; } else next = NULL;
        lineno++;
        char *l = trim(line);
        if (!*l || *l == '#') continue;
        char *colon = strchr(l, ':');
        if (!colon) FAIL("expected `key: value`, got `%.60s`", l);
        *colon = 0;
        char *key = trim(l), *val = trim(colon + 1);
        if (strcmp(key, "kind") == 0) {
            if (strcmp(val, "build") == 0) c->build_only = true;
            else if (strcmp(val, "run") != 0) FAIL("kind must be `run` or `build`, not `%s`", val);
            seen_kind = true;
        } else if (strcmp(key, "fixture") == 0) {
            if (!valid_word(val) || !*val) FAIL("bad fixture name `%s`", val);
            free(c->fixture);
            c->fixture = xstrdup(val);
        } else if (strcmp(key, "hosts") == 0) {
            sl_free(&hs);
            sl_split(&hs, val, " \t");
            for (size_t i = 0; i < hs.n; i++) {
                char *at = strchr(hs.v[i], '@');
                const char *mode;
                if (at) *at = 0;
                if (!host_known(hs.v[i])) FAIL("unknown host `%s`", hs.v[i]);
                mode = at ? at + 1 : host_default_buildmode(hs.v[i]);
                if (!mode) FAIL("host `%s` needs a build mode (`%s@exe`)", hs.v[i], hs.v[i]);
                if (!buildmode_known(mode)) FAIL("unknown build mode `%s`", mode);
                c->runs = xrealloc(c->runs, (c->nruns + 1) * sizeof *c->runs);
                c->runs[c->nruns++] = (host_run){ xstrdup(hs.v[i]), xstrdup(mode) };
            }
        } else if (strcmp(key, "buildmodes") == 0) {
            sl_split(&modes, val, " \t");
            for (size_t i = 0; i < modes.n; i++)
                if (!buildmode_known(modes.v[i])) FAIL("unknown build mode `%s`", modes.v[i]);
        } else if (strcmp(key, "probe") == 0) {
            if (!valid_word(val) || !*val) FAIL("bad probe name `%s`", val);
            free(c->probe);
            c->probe = xstrdup(val);
        } else if (strcmp(key, "expect") == 0) {
            free(c->expect);
            c->expect = xstrdup(val);
        } else if (strcmp(key, "outcome") == 0) {
            free(c->want);
            c->want = NULL;
            c->nwant = 0;
            if (parse_outcome(val, &c->want, &c->nwant) < 0)
                FAIL("bad outcome `%s` (want `exit N`, `exit nonzero`, `signal SIGNAME`, `timeout`, `any`, `build-fail`, joined by |)", val);
        } else if (strcmp(key, "timeout") == 0) {
            char *end;
            long t = strtol(val, &end, 10);
            if (*end || t <= 0 || t > 3600) FAIL("timeout must be 1..3600 seconds, not `%s`", val);
            c->timeout_s = (int)t;
        } else if (strcmp(key, "claims") == 0) {
            sl_free(&hs);
            sl_split(&hs, val, " \t,");
            for (size_t i = 0; i < hs.n; i++) {
                if (!valid_claim(hs.v[i])) FAIL("bad claim id `%s` (want C01, or !C01 when a pass refutes it)", hs.v[i]);
                sl_add(&c->claims, hs.v[i]);
            }
        } else if (strcmp(key, "xfail") == 0) {
            sl_free(&hs);
            sl_split(&hs, val, " \t");
            if (hs.n < 4) FAIL("xfail wants `GO-RANGE BUILDMODE HOST ISSUE-URL`");
            xfail_rule r = { .line = lineno };
            if (parse_range(hs.v[0], &r.lo, &r.hi) < 0) FAIL("bad Go version range `%s`", hs.v[0]);
            if ((strcmp(hs.v[1], "*") && !buildmode_known(hs.v[1])) || (strcmp(hs.v[2], "*") && !host_known(hs.v[2])) ||
                !str_prefix(hs.v[3], "https://")) {
                free(r.lo);
                free(r.hi);
                if (strcmp(hs.v[1], "*") && !buildmode_known(hs.v[1])) FAIL("unknown build mode `%s`", hs.v[1]);
                if (strcmp(hs.v[2], "*") && !host_known(hs.v[2])) FAIL("unknown host `%s`", hs.v[2]);
                FAIL("xfail needs an upstream https:// link, got `%s`", hs.v[3]);
            }
            r.buildmode = xstrdup(hs.v[1]);
            r.host = xstrdup(hs.v[2]);
            r.link = xstrdup(hs.v[3]);
            c->xfails = xrealloc(c->xfails, (c->nxfails + 1) * sizeof *c->xfails);
            c->xfails[c->nxfails++] = r;
        } else if (strcmp(key, "hostflag") == 0) {
            sl_add(&c->hostflags, val);
        } else if (strcmp(key, "buildflag") == 0) {
            sl_add(&c->buildflags, val);
        } else if (strcmp(key, "buildenv") == 0 || strcmp(key, "env") == 0) {
            if (!strchr(val, '=') || val[0] == '=') FAIL("%s wants NAME=VALUE", key);
            sl_add(key[0] == 'b' ? &c->buildenv : &c->env, val);
        } else if (strcmp(key, "go") == 0) {
            free(c->go_lo);
            free(c->go_hi);
            if (parse_range(val, &c->go_lo, &c->go_hi) < 0) FAIL("bad Go version range `%s`", val);
        } else if (strcmp(key, "arch") == 0) {
            sl_free(&hs);
            sl_split(&hs, val, " \t");
            for (size_t i = 0; i < hs.n; i++) {
                if (!arch_lookup(hs.v[i])) FAIL("unknown architecture `%s` (known: %s)", hs.v[i], arch_known_list());
                sl_add(&c->arches, hs.v[i]);
            }
        } else if (strcmp(key, "note") == 0) {
            free(c->note);
            c->note = xstrdup(val);
        } else
            FAIL("unknown key `%s`", key);
    }
    lineno = 0;
    (void)seen_kind;
    if (!c->fixture) FAIL("missing `fixture:`");
    if (!c->expect) FAIL("missing `expect:` (say in words what the case requires)");
    if (c->build_only) {
        if (c->nruns) FAIL("a build case takes `buildmodes:`, not `hosts:`");
        if (!modes.n) FAIL("a build case needs `buildmodes:`");
        for (size_t i = 0; i < modes.n; i++) {
            c->runs = xrealloc(c->runs, (c->nruns + 1) * sizeof *c->runs);
            c->runs[c->nruns++] = (host_run){ xstrdup("none"), xstrdup(modes.v[i]) };
        }
    } else {
        if (modes.n) FAIL("`buildmodes:` is for build cases; a run case names `hosts:` (host@mode)");
        if (!c->nruns) FAIL("missing `hosts:`");
        if (!c->probe) FAIL("missing `probe:`");
    }
    if (!c->nwant) parse_outcome("exit 0", &c->want, &c->nwant);
    sl_free(&modes);
    sl_free(&hs);
    free(copy);
    return 0;
bad:
    sl_free(&modes);
    sl_free(&hs);
    free(copy);
    case_free(c);
    return -1;
}
#undef FAIL

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
        DIR *d = opendir(adir);
        if (!d) { free(adir); continue; }
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!str_suffix(e->d_name, ".case")) continue;
            char *p = path_join(adir, e->d_name);
            char *text = read_file(p, NULL);
            case_desc c;
            char *err = NULL;
            if (!text) {
                sl_add_owned(errs, xasprintf("%s: %s", p, strerror(errno)));
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
