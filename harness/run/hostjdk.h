/* JDKs told apart by the version their `release` file states
 * (JAVA_VERSION="25.0.3"): reading it costs no JVM start, where
 * `javac -version` costs one per question. */
#ifndef GOCOMPAT_HOSTJDK_H
#define GOCOMPAT_HOSTJDK_H

#include <stdbool.h>

#define JDK_VERSION_PARTS 4

typedef struct {
    char *home;    /* the JDK's folder, links resolved */
    char *version; /* JAVA_VERSION as written: "25.0.3", "1.8.0_412" */
    int v[JDK_VERSION_PARTS]; /* its numbers, the feature release first: 25,0,3,0; 8,0,412,0 */
} jdk;

/* The JAVA_VERSION of a release file's TEXT into *version and V; false
 * when it states none. */
bool jdk_parse_release(const char *text, char **version, int v[JDK_VERSION_PARTS]);
/* <0, 0, >0 as A is older than, the same as or newer than B. */
int jdk_version_cmp(const int a[JDK_VERSION_PARTS], const int b[JDK_VERSION_PARTS]);

/* The JDK at HOME: it has bin/javac, bin/java and a release file stating
 * its version. NULL with *why (one line, naming HOME) otherwise. */
jdk *jdk_at(const char *home, char **why);
/* The newest JDK in DIR's subfolders (ties: the first real path by name);
 * NULL when there is none. */
jdk *jdk_newest(const char *dir);
void jdk_free(jdk *j);

#endif
