module gocompat/exportparams

go 1.19
