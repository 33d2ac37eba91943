module gocompat/bench

go 1.19
