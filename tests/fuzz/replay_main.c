/* Runs a fuzz target over the files of a corpus, without libFuzzer, so the
 * corpus is replayed by every `make check` (under any compiler). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    size_t n = 0;
    for (int i = 1; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        if (!d) {
            fprintf(stderr, "replay: cannot open corpus %s\n", argv[i]);
            return 2;
        }
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.') continue;
            char *p = path_join(argv[i], e->d_name);
            size_t len;
            char *data = read_file(p, &len);
            if (data) {
                LLVMFuzzerTestOneInput((const uint8_t *)data, len);
                n++;
            }
            free(data);
            free(p);
        }
        closedir(d);
    }
    printf("replayed %zu inputs\n", n);
    return n ? 0 : 1;
}
