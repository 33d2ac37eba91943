module gocompat/signals

go 1.19
