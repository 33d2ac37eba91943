module example.com/libdemo

go 1.19
