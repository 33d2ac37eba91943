#define _GNU_SOURCE
#include "hostjdk.h"
#include "util.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

/* "25.0.3" -> 25,0,3; JDK 8 and older wrote "1.8.0_412": the feature
 * release is the second number there. */
static bool split_version(const char *s, int v[JDK_VERSION_PARTS])
{
    memset(v, 0, JDK_VERSION_PARTS * sizeof *v);
    int n = 0;
    for (const char *p = s; *p && n < JDK_VERSION_PARTS;) {
        if (*p < '0' || *p > '9') break;
        char *end;
        long x = strtol(p, &end, 10);
        v[n++] = x > 99999 ? 99999 : (int)x;
        if (*end != '.' && *end != '_') break;
        p = end + 1;
    }
    if (n == 0) return false;
    if (v[0] == 1 && n > 1) {
        memmove(v, v + 1, (JDK_VERSION_PARTS - 1) * sizeof *v);
        v[JDK_VERSION_PARTS - 1] = 0;
    }
    return true;
}

/* The value of the line "JAVA_VERSION=..." (quotes dropped), or NULL. */
static char *release_value(const char *text)
{
    static const char key[] = "JAVA_VERSION=";
    for (const char *line = text; line;) {
        const char *nl = strchr(line, '\n');
        if (!strncmp(line, key, sizeof key - 1)) {
            const char *val = line + sizeof key - 1;
            size_t n = nl ? (size_t)(nl - val) : strlen(val);
            while (n > 0 && (val[n - 1] == '\r' || val[n - 1] == ' ')) n--;
            if (n >= 2 && val[0] == '"' && val[n - 1] == '"') return xstrndup(val + 1, n - 2);
            return xstrndup(val, n);
        }
        line = nl ? nl + 1 : NULL;
    }
    return NULL;
}

bool jdk_parse_release(const char *text, char **version, int v[JDK_VERSION_PARTS])
{
    char *s = release_value(text);
    bool ok = s && split_version(s, v);
    *version = ok ? s : NULL;
    if (!ok) free(s);
    return ok;
}

int jdk_version_cmp(const int a[JDK_VERSION_PARTS], const int b[JDK_VERSION_PARTS])
{
    for (int i = 0; i < JDK_VERSION_PARTS; i++)
        if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
}

/* What makes HOME a JDK a host can compile and run with, or why not. */
static char *lacks(const char *home)
{
    const char *const need[] = { "bin/javac", "bin/java", NULL };
    for (const char *const *f = need; *f; f++) {
        char *p = path_join(home, *f);
        bool ok = is_executable(p);
        free(p);
        if (!ok) return xasprintf("%s is not a JDK: no %s", home, *f);
    }
    return NULL;
}

jdk *jdk_at(const char *home, char **why)
{
    if ((*why = lacks(home))) return NULL;
    char *rel = path_join(home, "release");
    char *text = read_file(rel, NULL);
    jdk *j = xcalloc(1, sizeof *j);
    if (!text || !jdk_parse_release(text, &j->version, j->v)) {
        *why = xasprintf("%s states no JAVA_VERSION in %s", home, text ? "its release file" : "a release file");
        free(j);
        j = NULL;
    } else {
        char *real = realpath(home, NULL);
        j->home = real ? real : xstrdup(home);
    }
    free(text);
    free(rel);
    return j;
}

void jdk_free(jdk *j)
{
    if (!j) return;
    free(j->home);
    free(j->version);
    free(j);
}

/* Whether C should replace BEST: newer, or as new under a smaller path
 * (readdir's order is no order). */
static bool better(const jdk *c, const jdk *best)
{
    if (!best) return true;
    int r = jdk_version_cmp(c->v, best->v);
    return r > 0 || (r == 0 && strcmp(c->home, best->home) < 0);
}

jdk *jdk_newest(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return NULL;
    jdk *best = NULL;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        char *home = path_join(dir, e->d_name), *why = NULL;
        jdk *j = jdk_at(home, &why);
        if (j && better(j, best)) {
            jdk_free(best);
            best = j;
        } else
            jdk_free(j);
        free(why);
        free(home);
    }
    closedir(d);
    return best;
}
