module gocompat/articlemain

go 1.19
