/* The data folder: one place decides where the cases, checks, fixtures and
 * probe SDK are read from, for every command. */
#define _GNU_SOURCE
#include "datadir.h"
#include "config.h"
#include "installdirs.h"
#include "util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *self_exe(void)
{
    static char self[PATH_MAX];
    static int state; /* 0 unknown, 1 known, -1 unreadable */
    if (!state) {
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        state = n > 0 ? 1 : -1;
        if (n > 0) self[n] = 0;
    }
    return state > 0 ? self : NULL;
}

/* Length of S without trailing slashes (a lone "/" keeps none: the root
 * is the empty prefix). */
static size_t trimmed_len(const char *s)
{
    size_t n = strlen(s);
    while (n && s[n - 1] == '/') n--;
    return n;
}

char *path_relocate(const char *was, const char *target, const char *now)
{
    size_t wn = trimmed_len(was), tn = trimmed_len(target), nn = trimmed_len(now);
    /* The common prefix, ending at a folder boundary. */
    size_t i = 0, p = 0;
    while (i < wn && i < tn && was[i] == target[i]) {
        if (was[i] == '/') p = i;
        i++;
    }
    if ((i == wn && (i == tn || target[i] == '/')) || (i == tn && was[i] == '/')) p = i;
    size_t rel = wn - p; /* WAS below the prefix: "" or "/bin" */
    if (rel > nn || memcmp(now + nn - rel, was + p, rel) != 0) return NULL;
    return xasprintf("%.*s%.*s", (int)(nn - rel), now, (int)(tn - p), target + p);
}

static bool has_cases(const char *dir)
{
    char *c = path_join(dir, "cases");
    bool ok = file_exists(c);
    free(c);
    return ok;
}

/* The default when neither --srcdir nor GOCOMPAT_SRCDIR says: a binary in
 * its build tree reads the source tree it was configured from, so edits to
 * cases show without installing; an installed one reads its own data. */
static const char *default_dir(void)
{
    static const char *found;
    if (found) return found;
    found = GC_PKGDATADIR;
    const char *exe = self_exe();
    if (!exe) return found;
    char *exedir = path_dirname(exe);
    char *build = realpath(GC_BUILDDIR, NULL);
    if (build && !strcmp(build, exedir)) {
        found = GC_SRCDIR;
    } else {
        char *moved = path_relocate(GC_BINDIR, GC_PKGDATADIR, exedir);
        if (moved && has_cases(moved)) found = moved; /* kept for the process's life */
        else free(moved);
    }
    free(build);
    free(exedir);
    return found;
}

const char *data_dir(const char *given)
{
    if (given && *given) return given;
    const char *env = getenv("GOCOMPAT_SRCDIR");
    return env && *env ? env : default_dir();
}
