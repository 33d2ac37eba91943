// GoString and GoSlice by value from Rust: #[repr(C)] structs through
// extern "C" declarations of the exports (the host is linked against the
// library).
#[path = "../../probe/gocompat_probe.rs"]
#[macro_use]
mod gc;
use gc::{GoSlice, GoString};

extern "C" {
    fn StrLen(s: GoString) -> i64;
    fn SliceLen(s: GoSlice) -> i64;
}

fn run() {
    let s = "h\u{e9}llo, \u{4e16}\u{754c}";
    gc_expect_eq!("StrLen(s)", unsafe { StrLen(GoString::of(s)) }, s.len() as i64);
    let v = vec![7i64; 5];
    let sl = GoSlice { data: v.as_ptr() as *const u8, len: v.len() as i64, cap: v.capacity() as i64 };
    gc_expect_eq!("SliceLen(v)", unsafe { SliceLen(sl) }, 5);
    gc_expect_eq!("StrLen(nil)", unsafe { StrLen(GoString { p: std::ptr::null(), n: 0 }) }, 0);
    gc::fact("strlen", &s.len().to_string());
    gc::pass();
}

fn main() {
    run();
    gc::finish();
}
