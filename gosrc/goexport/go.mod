module gocompat/goexport

go 1.19
