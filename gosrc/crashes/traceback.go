//go:build gocompat_cgotraceback

package main

/*
void crashes_tb_traceback(void *arg);
void crashes_tb_context(void *arg);
void crashes_tb_symbolize(void *arg);
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// Built with -tags=gocompat_cgotraceback the library registers C
// traceback, context and symbolizer functions at load (traceback.c), as a
// library that wants C frames in its crash reports does.
func init() {
	runtime.SetCgoTraceback(0, unsafe.Pointer(C.crashes_tb_traceback),
		unsafe.Pointer(C.crashes_tb_context), unsafe.Pointer(C.crashes_tb_symbolize))
}
