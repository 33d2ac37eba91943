package main

import "C"

import (
	"errors"
	"net"
	"os"
	"syscall"
)

// errnoOf is the negated errno inside err (found through *PathError,
// *OpError and the like), -1000 for an error without one, 0 for nil.
func errnoOf(err error) C.int {
	var e syscall.Errno
	switch {
	case err == nil:
		return 0
	case errors.As(err, &e):
		return -C.int(e)
	}
	return -1000
}

// ReadVia blocks reading one byte from the host's fd the way kind says:
// 0 through an *os.File (a blocking pipe: the read(2) runs on the
// caller's thread), 1 with a bare syscall.Read, 2 through a net.Conn (a
// socket: the goroutine parks on the poller). It returns the byte read,
// or the negated errno of the first error that reached this code. The
// host's fd stays open: kinds 0 and 2 read a duplicate.
//
//export ReadVia
func ReadVia(kind, fd C.int) C.int {
	buf := make([]byte, 1)
	if kind == 1 {
		n, err := syscall.Read(int(fd), buf)
		if err != nil {
			return errnoOf(err)
		}
		if n != 1 {
			return -1000
		}
		return C.int(buf[0])
	}
	dup, err := syscall.Dup(int(fd))
	if err != nil {
		return errnoOf(err)
	}
	f := os.NewFile(uintptr(dup), "host-fd")
	defer f.Close()
	var n int
	if kind == 2 {
		c, cerr := net.FileConn(f)
		if cerr != nil {
			return errnoOf(cerr)
		}
		defer c.Close()
		n, err = c.Read(buf)
	} else {
		n, err = f.Read(buf)
	}
	if err != nil {
		return errnoOf(err)
	}
	if n != 1 {
		return -1000
	}
	return C.int(buf[0])
}
