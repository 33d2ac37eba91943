// A Rust extern "C" fn called back from Go through CallThrough, 1000
// times, from the main thread; the argument is a pointer to a Rust counter.
#[path = "../../probe/gocompat_probe.rs"]
#[macro_use]
mod gc;
use std::os::raw::c_void;

extern "C" {
    fn CallThrough(cb: extern "C" fn(*mut c_void), arg: *mut c_void, recover_it: i32) -> i32;
}

extern "C" fn bump(arg: *mut c_void) {
    unsafe { *(arg as *mut i64) += 1 };
}

fn run() {
    let mut n: i64 = 0;
    for i in 0..1000 {
        let rc = unsafe { CallThrough(bump, &mut n as *mut i64 as *mut c_void, 0) };
        if rc != 0 {
            gc::fail_at(file!(), line!(), &format!("CallThrough returned {} at call {}", rc, i));
            return;
        }
    }
    gc_expect_eq!("callbacks", n, 1000);
    gc::fact("callbacks", &n.to_string());
    gc::pass();
}

fn main() {
    run();
    gc::finish();
}
