//! The Rust side of the FFI benchmark (`scripts/bench-ffi.sh`): the calls the Kotlin `Bench.kt` makes
//! through the bindings (a parse, a stateless frame scan, a frame of a camera session, the handover of a
//! 1280×720 buffer from which a 1×1 frame is read), made directly
//! on the core with the same inputs and the same method (warm-up, then the median of 15 batches), so the
//! difference is the cost of crossing the FFI. Times are the calling thread's CPU time on both sides.
//! Build it with `--profile release-smaller`, the profile of the shipped library.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use crossqr_core::clock::system_now_ms;
use crossqr_core::scan::image_file::LumaImage;
use crossqr_core::scan::{Frame, PixelFormat, Rotation, ScanOptions, Scanner, ScannerOptions, scan};
use crossqr_tests::cpu_clock::CpuClock;

/// Median CPU time of this thread per call in ns over 15 batches of `calls`, after a one-second
/// warm-up (CPU time, so a shared machine's other work does not inflate it).
fn median_ns(calls: u32, mut body: impl FnMut()) -> f64 {
    let warm = Instant::now();
    while warm.elapsed() < Duration::from_secs(1) {
        body();
    }
    let mut batches: Vec<f64> = (0..15)
        .map(|_| {
            let start = CpuClock::thread_time();
            for _ in 0..calls {
                body();
            }
            (CpuClock::thread_time() - start).as_nanos() as f64 / f64::from(calls)
        })
        .collect();
    batches.sort_by(f64::total_cmp);
    batches[batches.len() / 2]
}

fn main() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/assets/jpqr-osaka-1280x720.png");
    let image = LumaImage::open(&path).expect("tests/fixtures/assets/jpqr-osaka-1280x720.png");
    let frame = || Frame::new(&image.luma, 1280, 720, 1280, PixelFormat::Luma8, Rotation::R0).expect("frame");
    let payload = scan(&frame(), ScanOptions::PHOTO).codes.pop().expect("the frame holds a code").text;
    let now = system_now_ms();

    let parse = median_ns(2000, || {
        black_box(crossqr_core::parse_at(black_box(&payload), now).expect("JPQR parses").summary());
    });
    let scan_720p = median_ns(20, || {
        black_box(scan(&frame(), ScanOptions::CAMERA));
    });
    let mut session = Scanner::new(ScannerOptions::CAMERA);
    let scanner_720p = median_ns(20, || {
        black_box(session.scan_frame(&frame()).codes.len());
    });
    let handover = median_ns(2000, || {
        let one = Frame::new(&image.luma, 1, 1, 1280, PixelFormat::Luma8, Rotation::R0).expect("frame");
        black_box(scan(&one, ScanOptions::CAMERA));
    });
    println!("rust parse {parse:.0}");
    println!("rust scan_1280x720 {scan_720p:.0}");
    println!("rust scanner_1280x720 {scanner_720p:.0}");
    println!("rust handover_1280x720 {handover:.0}");
}
