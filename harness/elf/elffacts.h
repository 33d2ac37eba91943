/* ELF facts with libelf/gelf: what a library or program links against, how
 * it is hardened, and which dynamic symbols it defines and imports. Used by
 * `gocompat elf` and, through it, by the symbols and build cases. */
#ifndef GOCOMPAT_ELFFACTS_H
#define GOCOMPAT_ELFFACTS_H

#include <jansson.h>

#include "util.h"

#define ELF_FACTS_SCHEMA "gocompat.elf/1"

/* Read the facts of the ELF file (or ar archive of ELF objects) at path.
 * `exports` names the functions the caller expects to be exported (the
 * //export names, or those declared in the generated header); NULL or empty
 * means "guess": every defined dynamic symbol that is not a Go/cgo runtime
 * internal. Returns a new object, or NULL with *err set to one line
 * ("PATH: truncated: …") for unreadable, truncated or corrupt input. */
json_t *elf_facts(const char *path, const strlist *exports, unsigned flags, char **err);
/* flags: only count the dynamic symbols of an ELF file (the symbols lists
 * stay empty; counts, missing exports, fortify and SSP are still right). */
#define ELF_COUNTS_ONLY 1u

/* The function declarations of a cgo-generated header (`extern T Name(…);`
 * lines between the prologue and the end): names into `names`, the whole
 * declaration text into `decls` (either may be NULL). Returns 0, or -1 with
 * *err set when the file cannot be read. */
int elf_header_exports(const char *path, strlist *names, strlist *decls, char **err);

/* Is `name` one of the Go/cgo runtime's own symbols (_cgo_*, x_cgo_*,
 * crosscall2, _cgoexp_*, Go-qualified names such as runtime.main, …)? */
bool elf_is_go_internal(const char *name);

/* The `--fail-if` conditions of `gocompat elf`. */
typedef struct {
    const char *name;
    const char *help;
    bool (*holds)(json_t *facts);
} elf_condition;

extern const elf_condition ELF_CONDITIONS[];
extern const size_t ELF_NCONDITIONS;
const elf_condition *elf_condition_find(const char *name);

#endif
