/* Where a JSON object ends, found without building it, for a reader that
 * then decodes only part of it with jansson.
 *
 * It is conservative: it answers only for text jansson certainly decodes,
 * and says "unsure" (NULL) for anything else, syntax errors but also rare
 * valid text (an escaped NUL or surrogate, a number near the limits of a
 * double or a 64-bit integer, deep nesting). The caller then hands the
 * text to jansson, which decides and words the error. The text must be
 * UTF-8 without NUL bytes (text_problem), as jansson also checks that. */
#ifndef GOCOMPAT_JSKIM_H
#define GOCOMPAT_JSKIM_H

typedef struct { const char *start, *end; } json_span;

/* The object at p (its '{'): returns the position after its '}', or NULL
 * when unsure. *member is the span of the value of its member `name` when
 * that appears once, unescaped, and is an object; else {NULL, NULL}. */
const char *json_skim_object(const char *p, const char *end, const char *name, json_span *member);

#endif
