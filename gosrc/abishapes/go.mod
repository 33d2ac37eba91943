module gocompat/abishapes

go 1.19
