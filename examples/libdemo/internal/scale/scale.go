// Package scale holds the constants the exported functions are built on,
// in a subpackage so that a change here must rebuild the library.
package scale

// Factor multiplies every value Scale returns.
const Factor = 3

// Major is the library's major version.
const Major = 1
