// An export panics and nobody recovers: std::panic::catch_unwind around the
// call must not see it; the process ends as the runtime decides.
#[path = "../../probe/gocompat_probe.rs"]
mod gc;
use std::os::raw::c_char;

extern "C" {
    fn FailNamed(name: *const c_char) -> i32;
}

fn main() {
    gc::mark("before_panic");
    let r = std::panic::catch_unwind(|| unsafe { FailNamed(b"string\0".as_ptr() as *const c_char) });
    match r {
        Ok(rc) => gc::fail_at(file!(), line!(), &format!("FailNamed(\"string\") returned {}", rc)),
        Err(_) => gc::fail_at(file!(), line!(), "a Go panic reached catch_unwind"),
    }
    gc::finish();
}
