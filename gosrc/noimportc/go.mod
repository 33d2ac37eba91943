module gocompat/noimportc

go 1.19
