// A Rust panic in an extern "C" callback that Go called (CallThrough, no
// recover), with catch_unwind in the host above the export. Unwinding out
// of an extern "C" fn is not allowed; the verdict is how the process ends.
#[path = "../../probe/gocompat_probe.rs"]
mod gc;
use std::os::raw::c_void;

extern "C" {
    fn CallThrough(cb: extern "C" fn(*mut c_void), arg: *mut c_void, recover_it: i32) -> i32;
}

extern "C" fn panics(_: *mut c_void) {
    panic!("from a Rust callback");
}

fn main() {
    gc::mark("before_panic");
    let r = std::panic::catch_unwind(|| unsafe { CallThrough(panics, std::ptr::null_mut(), 0) });
    match r {
        Ok(rc) => gc::fail_at(file!(), line!(), &format!("CallThrough returned {} after the callback panicked", rc)),
        Err(_) => gc::fail_at(file!(), line!(), "the Rust panic unwound through Go to catch_unwind"),
    }
    gc::finish();
}
