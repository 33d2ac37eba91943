module gocompat/panics

go 1.19
