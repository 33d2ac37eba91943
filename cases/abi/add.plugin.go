// A Go host that plugin.Opens the fixture and calls its exported Add. The
// parameter type is the plugin's C.int, which a host cannot name, so the
// call goes through reflect.
package main

import (
	"fmt"
	"os"
	"plugin"
	"reflect"
)

func main() {
	r := os.NewFile(3, "report")
	p, err := plugin.Open(os.Args[1])
	if err != nil {
		fmt.Fprintf(r, "fail plugin.Open: %v\n", err)
		return
	}
	sym, err := p.Lookup("Add")
	if err != nil {
		fmt.Fprintf(r, "fail Lookup(Add): %v\n", err)
		return
	}
	fn := reflect.ValueOf(sym)
	t := fn.Type()
	fmt.Fprintf(r, "fact add_type \"%s\"\n", t)
	out := fn.Call([]reflect.Value{reflect.ValueOf(2).Convert(t.In(0)), reflect.ValueOf(3).Convert(t.In(1))})
	if got := out[0].Convert(reflect.TypeOf(0)).Interface().(int); got != 5 {
		fmt.Fprintf(r, "fail Add(2, 3) == %d, want 5\n", got)
		return
	}
	fmt.Fprintln(r, "pass")
}
