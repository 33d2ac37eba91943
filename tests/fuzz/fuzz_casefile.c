/* Fuzz target: the case descriptor parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "casefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xstrndup((const char *)data, size);
    case_desc c;
    char *err = NULL;
    if (case_parse("fuzz.case", text, &c, &err) == 0) {
        /* Exercise what the runner does with a parsed case. */
        char *w = outcome_want_text(&c);
        free(w);
        case_xfail(&c, "go1.22.12", "c-shared", "c-dlopen");
        case_free(&c);
    } else if (!err) {
        abort(); /* a refusal must always say why */
    }
    free(err);
    free(text);
    return 0;
}
