package main

// A c-shared or c-archive library: main is never called.
func main() {}
