/* Hosts written in other languages than C and Go: C++ (cxx-dlopen,
 * cxx-linked), Rust (rust-linked), Python cffi (python-cffi) and Java
 * through JNA (java-jna, java-jna-jsig: the same with the JVM's libjsig
 * preloaded). Each is a value of the host axis with its own probe file
 * beside the case (NAME.cc, NAME.rs, NAME.cffi.py, NAME.java); a host whose
 * compiler or module is not installed is a skip with the reason, never an
 * error. */
#ifndef GOCOMPAT_HOSTLANG_H
#define GOCOMPAT_HOSTLANG_H

#include <jansson.h>
#include <stdbool.h>

#include "cellctx.h"

/* Whether HOST is one of the hosts this file launches. */
bool hostlang_owns(const char *host);

/* Same contract as host_prepare() (hostbuild.h). */
char **hostlang_prepare(const run_ctx *ctx, const cell *x, const fixture_build *fb, json_t *evidence, char **why,
                        bool *is_harness, bool *skip);

#endif
