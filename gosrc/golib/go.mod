module gocompat/golib

go 1.19
