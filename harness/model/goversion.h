/* Go release names ("go1.22.12", "go1.21rc1", "devel ..."): ordering and
 * the minor release. Pure string work, so parsers and views use it without
 * the toolchain discovery that spawns processes. */
#ifndef GOCOMPAT_GOVERSION_H
#define GOCOMPAT_GOVERSION_H

/* Compare two Go version strings ("go1.9" < "go1.19.2" < "go1.21rc1" < "go1.21.0"). */
int go_version_cmp(const char *a, const char *b);
/* "go1.22.12" -> "1.22" (caller frees); NULL when not a Go version. */
char *go_version_minor(const char *v);

#endif
