module gocompat/nomain

go 1.19
