// Recovered(kind) recovers each kind of panic inside the export and returns
// 1 with the message, 100 times per kind; the Rust host carries on.
#[path = "../../probe/gocompat_probe.rs"]
#[macro_use]
mod gc;
use std::ffi::CStr;
use std::os::raw::c_char;

extern "C" {
    fn Recovered(kind: i32, msg: *mut c_char, n: i32) -> i32;
}

const WANT: [&str; 6] = [
    "gocompat: deliberate panic", "gocompat: deliberate error", "{7}",
    "runtime error: invalid memory address or nil pointer dereference",
    "runtime error: index out of range [5] with length 1", "runtime error: integer divide by zero",
];

fn run() {
    let mut buf = [0 as c_char; 128];
    for (kind, want) in WANT.iter().enumerate() {
        for _ in 0..100 {
            let rc = unsafe { Recovered(kind as i32, buf.as_mut_ptr(), 128) };
            let got = unsafe { CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned();
            if rc != 1 || got != *want {
                gc::fail_at(file!(), line!(), &format!("Recovered({}) returned {} with {:?}, want 1 with {:?}", kind, rc, got, want));
                return;
            }
        }
    }
    gc_expect_eq!("Recovered(-1)", unsafe { Recovered(-1, buf.as_mut_ptr(), 128) }, 0);
    gc::fact("recovered_calls", "600");
    gc::pass();
}

fn main() {
    run();
    gc::finish();
}
