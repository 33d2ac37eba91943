module gocompat/basic

go 1.19
