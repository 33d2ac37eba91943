// The one-file package of the articles: `go build -buildmode=shared -o
// libgo.so main.go`, or CGO_ENABLED=0 with -buildmode=c-shared.
package main

import "C"

//export Add
func Add(a, b C.int) C.int { return a + b }

func main() {}
