// C code that the crash fixture's exports call. It lives outside the cgo
// preamble so that the generated header declares no C functions.
#include <stdlib.h>

void crashes_segv(void);
void crashes_abort(void);

void crashes_segv(void)
{
	volatile int *volatile p = 0;
	*p = 1;
}

void crashes_abort(void) { abort(); }
