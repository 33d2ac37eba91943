/* A record's text fields as a run of labels and values, each value written
 * through the escape of the view (XML, TAP, YAML): the one loop the views
 * that print several fields of a record share. */
#ifndef GOCOMPAT_LABELLED_H
#define GOCOMPAT_LABELLED_H

#include <stddef.h>
#include <stdio.h>

typedef struct {
    const char *label; /* written as it is */
    const char *value; /* written through the escape; NULL leaves the pair out */
} labelled;

void put_labelled(FILE *f, void (*escape)(FILE *, const char *), const labelled *v, size_t n);

#endif
