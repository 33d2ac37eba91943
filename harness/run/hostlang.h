/* The launchers of hosts in other languages than C and Go, each a value of
 * the host axis with its own probe file beside the case. A host whose
 * compiler, interpreter or module is not installed is a skip with the
 * reason, never an error.
 *
 * hostlang.c: the compiled ones, C++ (cxx-dlopen, cxx-linked: NAME.cc),
 * Rust (rust-linked: NAME.rs), Java through JNA (java-jna,
 * java-jna-jsig: the same with the JVM's libjsig preloaded; NAME.java) and
 * Java through the FFM API (java-ffm: NAME.ffm.java, on a JDK 22 or later
 * found by hostjdk.c).
 *
 * hostinterp.c: the interpreted ones, Python 3.13 through ctypes
 * (python313-ctypes: NAME.py), Python cffi in ABI mode (python-cffi,
 * python313-cffi) and in API mode (python-cffi-api: an extension module
 * cffi compiles against the cgo header at host-build time, cached; all
 * NAME.cffi.py), and Node.js through the koffi FFI module (node-koffi:
 * NAME.js). */
#ifndef GOCOMPAT_HOSTLANG_H
#define GOCOMPAT_HOSTLANG_H

#include <jansson.h>
#include <stdbool.h>

#include "cellctx.h"

/* Whether HOST is one of the hosts hostlang.c (hostinterp.c) launches. */
bool hostlang_owns(const char *host);
bool hostinterp_owns(const char *host);

/* Same contract as host_prepare() (hostbuild.h). */
char **hostlang_prepare(const run_ctx *ctx, const cell *x, const fixture_build *fb, json_t *evidence, char **why,
                        bool *is_harness, bool *skip);
char **hostinterp_prepare(const run_ctx *ctx, const cell *x, const fixture_build *fb, json_t *evidence, char **why,
                          bool *is_harness, bool *skip);

#endif
