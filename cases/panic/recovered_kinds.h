/* The failures of the panics fixture that panic on the calling goroutine,
 * by the fixture's names, and the text recover gets from each: what the C
 * and C++ recovered probes expect. */
#ifndef GOCOMPAT_RECOVERED_KINDS_H
#define GOCOMPAT_RECOVERED_KINDS_H

static const struct recovered_kind { const char *name, *want; } RECOVERED_KINDS[] = {
    { "string", "gocompat: deliberate panic" },
    { "error", "gocompat: deliberate error" },
    { "custom", "{7}" },
    { "nil", "runtime error: invalid memory address or nil pointer dereference" },
    { "index", "runtime error: index out of range [5] with length 1" },
    { "divide", "runtime error: integer divide by zero" },
};
enum { N_RECOVERED_KINDS = sizeof RECOVERED_KINDS / sizeof *RECOVERED_KINDS };

#endif
