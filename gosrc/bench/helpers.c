/* C side of the bench fixture: the targets of its Go→C calls. */
typedef int (*gcb_fn)(int);

int gcb_noop(int x) { return x + 1; }

int gcb_invoke(gcb_fn f, int x) { return f(x); }
