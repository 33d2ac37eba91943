// What a Rust probe (rust-linked host) is written against: std only. A
// probe is one file, `NAME.rs` beside its case, that declares the exports it
// calls in an `extern "C"` block (the host is linked against the library),
// brings this module in with
//
//     #[path = "../../probe/gocompat_probe.rs"] mod gc;
//
// and reports on fd 3 with the line protocol of every host: `fact`,
// `mark`, and one verdict (`pass`, `fail DETAIL`, `skip REASON`).
#![allow(dead_code)]

use std::fs::File;
use std::io::Write;
use std::os::unix::io::FromRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

static VERDICT_SENT: AtomicBool = AtomicBool::new(false);

/// One write(2) per line, so the runner reads whole lines even if we die next.
fn emit(line: &str) {
    let mut data = line.replace('\n', " ");
    data.push('\n');
    // fd 3 belongs to the runner: never close it.
    let mut f = std::mem::ManuallyDrop::new(unsafe { File::from_raw_fd(3) });
    let _ = f.write_all(data.as_bytes());
}

pub fn fact(key: &str, value: &str) { emit(&format!("fact {} {}", key, value)); }

#[repr(C)]
struct Timespec { sec: i64, nsec: i64 }
extern "C" { fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32; }

/// A CLOCK_MONOTONIC timestamp in ns, as the C hosts send it.
pub fn mark(name: &str) {
    let mut ts = Timespec { sec: 0, nsec: 0 };
    unsafe { clock_gettime(1, &mut ts) };
    emit(&format!("mark {} {}", name, ts.sec * 1_000_000_000 + ts.nsec));
}

fn verdict(line: &str) {
    if !VERDICT_SENT.swap(true, Ordering::SeqCst) { emit(line); }
}

pub fn pass() { verdict("pass"); }
pub fn skip(reason: &str) { verdict(&format!("skip {}", reason)); }
pub fn fail_at(file: &str, line: u32, detail: &str) { verdict(&format!("fail {}:{}: {}", file, line, detail)); }

/// Fails with file:line and the observed value unless got == want.
#[macro_export]
macro_rules! gc_expect_eq {
    ($what:expr, $got:expr, $want:expr) => {{
        let (g, w) = ($got, $want);
        if g != w {
            gc::fail_at(file!(), line!(), &format!("{} == {:?}, want {:?}", $what, g, w));
            return;
        }
    }};
}

/// The library the host is linked against.
pub fn library() -> String { std::env::var("GOCOMPAT_ARTIFACT").unwrap_or_default() }

/// Call at the end of main: a probe that never decided is a failure.
pub fn finish() { verdict("fail probe ended without a verdict"); }

pub fn now_ns() -> u128 { SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0) }

/// cgo's GoString and GoSlice, passed by value.
#[repr(C)]
pub struct GoString { pub p: *const u8, pub n: isize }
#[repr(C)]
pub struct GoSlice { pub data: *const u8, pub len: i64, pub cap: i64 }

impl GoString {
    pub fn of(s: &str) -> GoString { GoString { p: s.as_ptr(), n: s.len() as isize } }
}
