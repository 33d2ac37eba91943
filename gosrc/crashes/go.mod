module gocompat/crashes

go 1.19
