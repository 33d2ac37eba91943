// A Go host built with -linkshared: golib and the runtime come from shared
// libraries built by the same toolchain.
package main

import (
	"fmt"
	"os"

	"gocompat/golib"
)

func main() {
	r := os.NewFile(3, "report")
	if got := golib.Add(2, 3); got != 5 {
		fmt.Fprintf(r, "fail golib.Add(2, 3) == %d, want 5\n", got)
		return
	}
	if n := golib.Calls(); n != 1 {
		fmt.Fprintf(r, "fail golib.Calls() == %d after one call\n", n)
		return
	}
	fmt.Fprintln(r, "pass")
}
