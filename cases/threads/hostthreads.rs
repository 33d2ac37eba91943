// Eight std::threads call Mix 500 times each (checked against the same
// function in Rust), then meet inside Go at Barrier(8).
#[path = "../../probe/gocompat_probe.rs"]
#[macro_use]
mod gc;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;

extern "C" {
    fn Mix(x: u64) -> u64;
    fn Barrier(n: i32) -> i32;
}

fn mix_ref(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
    z ^ (z >> 31)
}

fn run() {
    const K: i32 = 8;
    const CALLS: u64 = 500;
    let wrong = Arc::new(AtomicI32::new(0));
    let arrived = Arc::new(AtomicI32::new(0));
    gc::mark("threads_start");
    let ts: Vec<_> = (0..K as u64)
        .map(|i| {
            let (wrong, arrived) = (wrong.clone(), arrived.clone());
            std::thread::spawn(move || {
                for j in 0..CALLS {
                    let x = ((i + 1) << 32) | j;
                    if unsafe { Mix(x) } != mix_ref(x) {
                        wrong.fetch_add(1, Ordering::SeqCst);
                    }
                }
                if unsafe { Barrier(K) } > 0 {
                    arrived.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    for t in ts {
        if t.join().is_err() {
            gc::fail_at(file!(), line!(), "a thread panicked");
            return;
        }
    }
    gc::fact("host_threads", &K.to_string());
    gc_expect_eq!("wrong results", wrong.load(Ordering::SeqCst), 0);
    gc_expect_eq!("threads through Barrier", arrived.load(Ordering::SeqCst), K);
    gc::pass();
}

fn main() {
    run();
    gc::finish();
}
