// RecoveredNamed(name) recovers each kind of panic (by the fixture's names)
// inside the export and returns 1 with the message, 100 times per kind; the
// Rust host carries on.
#[path = "../../probe/gocompat_probe.rs"]
#[macro_use]
mod gc;
use std::ffi::CStr;
use std::os::raw::c_char;

extern "C" {
    fn RecoveredNamed(name: *const c_char, msg: *mut c_char, n: i32) -> i32;
}

// Names NUL-terminated for C (Debian's rustc predates c"" literals).
const KINDS: [(&str, &str); 6] = [
    ("string\0", "gocompat: deliberate panic"),
    ("error\0", "gocompat: deliberate error"),
    ("custom\0", "{7}"),
    ("nil\0", "runtime error: invalid memory address or nil pointer dereference"),
    ("index\0", "runtime error: index out of range [5] with length 1"),
    ("divide\0", "runtime error: integer divide by zero"),
];

fn run() {
    let mut buf = [0 as c_char; 128];
    for (name, want) in KINDS.iter() {
        for _ in 0..100 {
            let rc = unsafe { RecoveredNamed(name.as_ptr() as *const c_char, buf.as_mut_ptr(), 128) };
            let got = unsafe { CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned();
            if rc != 1 || got != *want {
                gc::fail_at(file!(), line!(), &format!("RecoveredNamed({}) returned {} with {:?}, want 1 with {:?}", name.trim_end_matches('\0'), rc, got, want));
                return;
            }
        }
    }
    gc_expect_eq!("RecoveredNamed(none)", unsafe { RecoveredNamed("none\0".as_ptr() as *const c_char, buf.as_mut_ptr(), 128) }, 0);
    gc::fact("recovered_calls", &(100 * KINDS.len()).to_string());
    gc::pass();
}

fn main() {
    run();
    gc::finish();
}
