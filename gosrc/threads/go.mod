module gocompat/threads

go 1.19
