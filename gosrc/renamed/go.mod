module gocompat/renamed

go 1.19
