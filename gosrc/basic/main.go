package main

import (
	"fmt"
	"os"
)

// Built as a program (exe, pie), the fixture runs the self-test named by
// its first argument and reports on fd 3 like every other probe. As a
// c-shared or c-archive library, main is never called.
func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: basic SELFTEST")
		os.Exit(2)
	}
	r := os.NewFile(3, "report")
	report := func(line string) { fmt.Fprintln(r, line) }
	switch os.Args[1] {
	case "add":
		if got := Add(2, 3); got != 5 {
			report(fmt.Sprintf("fail Add(2, 3) == %d, want 5", got))
			return
		}
		if got := ByteSum("a\x00b"); got != 'a'+'b' {
			report(fmt.Sprintf("fail ByteSum(\"a\\x00b\") == %d", got))
			return
		}
		report("pass")
	case "panic":
		report("fact reached Panicky")
		report(fmt.Sprintf("mark call %d", monotonicNanos()))
		Panicky()
		report("fail Panicky returned")
	default:
		report("fail unknown self-test " + os.Args[1])
	}
}
