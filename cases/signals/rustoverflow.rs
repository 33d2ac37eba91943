// A Rust thread overflows its stack in a host linked against a Go library.
// Rust's std installs a SIGSEGV handler at start-up that reports "has
// overflowed its stack" and aborts, but only where the handler is still
// SIG_DFL; the linked library's initialisers run first, and the Go runtime
// installs its own. The facts name who owns SIGSEGV when main starts.
#[path = "../../probe/gocompat_probe.rs"]
mod gc;
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};

#[repr(C)]
struct SigAction { handler: usize, mask: [u64; 16], flags: c_int, restorer: usize }
#[repr(C)]
struct DlInfo { fname: *const c_char, fbase: *mut c_void, sname: *const c_char, saddr: *mut c_void }

extern "C" {
    fn sigaction(sig: c_int, act: *const SigAction, old: *mut SigAction) -> c_int;
    fn dladdr(addr: *const c_void, info: *mut DlInfo) -> c_int;
    fn Mix(x: u64) -> u64;
}

/// Which file the SIGSEGV handler lives in ("SIG_DFL" if none).
fn segv_owner() -> String {
    let mut old = SigAction { handler: 0, mask: [0; 16], flags: 0, restorer: 0 };
    unsafe { sigaction(11, std::ptr::null(), &mut old) };
    if old.handler == 0 {
        return "SIG_DFL".into();
    }
    let mut info = DlInfo { fname: std::ptr::null(), fbase: std::ptr::null_mut(), sname: std::ptr::null(), saddr: std::ptr::null_mut() };
    if unsafe { dladdr(old.handler as *const c_void, &mut info) } == 0 || info.fname.is_null() {
        return "unknown".into();
    }
    let f = unsafe { CStr::from_ptr(info.fname) }.to_string_lossy().into_owned();
    f.rsplit('/').next().unwrap_or("").to_string()
}

fn recurse(n: u64) -> u64 {
    let buf = [n as u8; 4096];
    let x = unsafe { std::ptr::read_volatile(&buf[(n % 4096) as usize]) };
    recurse(n + 1).wrapping_add(x as u64)
}

fn main() {
    let owner = segv_owner();
    gc::fact("segv_handler_at_main", &format!("{:?}", owner));
    gc::fact("mix", &unsafe { Mix(1) }.to_string());
    let lib = gc::library();
    let lib = lib.rsplit('/').next().unwrap_or("");
    if owner != lib {
        gc::fail_at(file!(), line!(), &format!("SIGSEGV belongs to {:?} at main, not to the library {:?}", owner, lib));
        return;
    }
    // The verdict is given now; the outcome (SIGSEGV, not Rust's SIGABRT)
    // is the rest of the check.
    gc::pass();
    gc::mark("before_overflow");
    let t = std::thread::Builder::new().name("overflow".into()).stack_size(256 << 10).spawn(|| recurse(0));
    match t.map(|h| h.join()) {
        Ok(_) => gc::fail_at(file!(), line!(), "the overflowing thread returned"),
        Err(e) => gc::fail_at(file!(), line!(), &format!("spawn failed: {}", e)),
    }
    gc::finish();
}
