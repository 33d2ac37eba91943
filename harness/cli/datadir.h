/* Where the data the program reads at run time lives: the cases, the
 * generic checks of `gocompat check`, the Go fixtures, the probe SDK, the
 * benchmark probes and the expected-failure baseline. */
#ifndef GOCOMPAT_DATADIR_H
#define GOCOMPAT_DATADIR_H

/* The data folder: GIVEN (--srcdir) when not empty, else $GOCOMPAT_SRCDIR,
 * else the source tree for a binary run from its build tree, else the
 * installation the binary belongs to ($(pkgdatadir), also when the whole
 * installation was staged under DESTDIR or moved). Never NULL. */
const char *data_dir(const char *given);

/* This process's executable (/proc/self/exe), or NULL. */
const char *self_exe(void);

/* Where TARGET is now, if the installation that had a folder WAS now has it
 * at NOW (the common prefix of WAS and TARGET moved, the rest did not);
 * NULL when NOW does not end like WAS below that prefix. Newly allocated. */
char *path_relocate(const char *was, const char *target, const char *now);

#endif
