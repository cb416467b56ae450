//! A camera loop's steady state allocates nothing: a [`Scanner`] fed frame after frame of the same
//! size, in which nothing code-like is in view (what a camera shows while the user aims), makes no
//! heap allocation once its buffers have grown — counted by this test binary's global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use crossqr_core::scan::{Frame, PixelFormat, Rotation, Scanner, ScannerOptions};
use crossqr_tests::synth::{Scenario, scenario_frames};

/// The system allocator, counting allocations made by each thread.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded unchanged to the system allocator; the count is a thread-local
// `Cell` with a constant initialiser, which itself never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

const W: usize = 1280;
const H: usize = 720;

/// `luma` as NV21 with a row stride wider than the image, chroma after it (CameraX's layout).
fn nv21(luma: &[u8], stride: usize) -> Vec<u8> {
    let mut out = vec![128u8; stride * H * 3 / 2];
    for (row, src) in out.chunks_mut(stride).zip(luma.chunks(W)) {
        row[..W].copy_from_slice(src);
    }
    out
}

#[test]
fn steady_state_scanning_of_frames_without_a_code_allocates_nothing() {
    let scenes: Vec<Vec<u8>> = scenario_frames(Scenario::NoCode, 6, W, H, 41).into_iter().map(|f| f.luma).collect();
    let blank = vec![180u8; W * H];
    let padded: Vec<Vec<u8>> = scenes.iter().map(|l| nv21(l, W + 64)).collect();
    let frames: Vec<Frame<'_>> = scenes
        .iter()
        .chain([&blank])
        .map(|l| Frame::luma(l, W as u32, H as u32).unwrap())
        .chain(
            padded
                .iter()
                .map(|b| Frame::new(b, W as u32, H as u32, (W + 64) as u32, PixelFormat::Nv21, Rotation::R90).unwrap()),
        )
        .collect();

    let mut scanner = Scanner::new(ScannerOptions::CAMERA);
    for frame in &frames {
        let report = scanner.scan_frame(frame);
        assert_eq!(report.candidates, 0, "the scenes hold nothing code-like: {report:?}");
    }
    let before = allocations();
    for _ in 0..3 {
        for frame in &frames {
            let report = scanner.scan_frame(frame);
            // One cheap pass (after converting the padded frames to packed luma), nothing found.
            assert!(report.codes.is_empty() && report.passes.iter().all(|(n, _)| matches!(*n, "convert" | "fast")));
        }
    }
    assert_eq!(allocations() - before, 0, "allocations in {} steady-state frames", 3 * frames.len());
}
