//! Reading QR codes from camera frames and photos.
//!
//! Two pure-Rust decoders, one pipeline, one time budget per frame:
//! 1. fast pass — rxing's port of the ZXing-C++ QR reader on our local-threshold binarisation, at half
//!    size first on large frames;
//! 2. a 3×3 median against scratches and speckle, then light-on-dark; full size; a low-contrast
//!    (local-mean) binarisation;
//! 3. refinement of symbols the fast pass located but could not decode: the region is cropped,
//!    enlarged when modules are small, re-binarised and read by rxing and by rqrr;
//! 4. rqrr's own detector over the whole (reduced) frame, dark-on-light and light-on-dark.
//!
//! A pass starts only if the time spent so far plus its expected cost fits the budget, so a camera
//! loop never stalls. Every decoder call runs under `catch_unwind`: a decoder panic (rqrr has known
//! ones) loses that pass, never the process.

mod binarize;
pub mod frame;
#[cfg(feature = "image")]
pub mod image_file;
mod rqrr_pass;
mod rxing_pass;
mod text;

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

pub use frame::{Frame, PixelFormat, Point, Rotation};

use crate::error::{Coded, ErrorCode};
use binarize::{MEAN_OFFSET, NORMAL_RANGE, binarize, binarize_mean, mean_radius};
use frame::Gray;
use rxing::common::BitMatrix;
use rxing_pass::{Decoded, Located};

/// Why a frame could not be scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError {
    /// Stable code: `invalid_frame` or `image_unreadable`.
    pub code: ErrorCode,
    /// For a human.
    pub message: String,
}

impl ScanError {
    pub(crate) fn invalid_frame(message: impl Into<String>) -> Self {
        ScanError { code: ErrorCode::InvalidFrame, message: message.into() }
    }
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ScanError {}

impl Coded for ScanError {
    fn code(&self) -> ErrorCode {
        self.code
    }
}

/// One code found in a frame.
#[derive(Debug, Clone, PartialEq)]
pub struct ScannedCode {
    /// The payload text.
    pub text: String,
    /// Top-left, top-right, bottom-right, bottom-left of the symbol, in upright frame coordinates.
    pub corners: [Point; 4],
}

/// What a scan found and what it cost.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScanReport {
    /// Every distinct code found.
    pub codes: Vec<ScannedCode>,
    /// Wall time spent.
    pub elapsed: Duration,
    /// Passes that ran, in order, with the milliseconds each took.
    pub passes: Vec<(&'static str, f32)>,
    /// True when a pass was skipped for lack of time.
    pub budget_exhausted: bool,
    /// Decoder panics contained.
    pub contained_panics: u32,
}

/// How hard to look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanOptions {
    /// No pass starts unless it is expected to finish within this time from the start of the scan.
    pub budget: Duration,
    /// Run the refinement and rqrr passes when the fast passes find nothing.
    pub second_opinion: bool,
}

impl ScanOptions {
    /// For a camera loop at 30 frames a second: every frame done well inside 33 ms.
    pub const CAMERA: ScanOptions = ScanOptions { budget: Duration::from_millis(24), second_opinion: true };
    /// For a photo or a file: take the time it needs.
    pub const PHOTO: ScanOptions = ScanOptions { budget: Duration::from_millis(1500), second_opinion: true };
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions::CAMERA
    }
}

/// Frames of more pixels than this are first read at half size.
const HALF_FIRST_PIXELS: usize = 1_200_000;
/// rqrr's whole-frame pass works on at most this many pixels.
const RQRR_MAX_PIXELS: usize = 400_000;
/// Located-but-undecoded symbols refined per frame.
const MAX_REFINEMENTS: usize = 3;
/// Refinement crops are at most this many pixels after enlarging.
const MAX_CROP_PIXELS: usize = 250_000;

/// A decoded symbol with the mapping from its working image to full-size buffer pixels.
type Found = (Decoded, f32, Point);

/// Which detector reads a binarised image.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Detector {
    /// rxing, dark-on-light.
    Rxing,
    /// rxing, then light-on-dark if nothing decoded.
    RxingBothWays,
    /// rqrr both ways round.
    Rqrr,
}

/// rqrr costs this many times rxing per transition.
const RQRR_COST: f64 = 3.0;

/// Scans `frame` with `options`.
///
/// ```
/// use crossqr_core::scan::{Frame, ScanOptions, scan};
///
/// # #[cfg(feature = "image")] {
/// # let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/assets/jpqr-osaka-1280x720.png");
/// # let image = crossqr_core::scan::image_file::LumaImage::open(&path).unwrap();
/// # let (y_plane, width, height) = (&image.luma[..], image.width, image.height);
/// // The camera's luma plane, borrowed as it is: nothing is copied.
/// let frame = Frame::luma(y_plane, width, height).expect("a valid frame");
/// let report = scan(&frame, ScanOptions::CAMERA);
/// assert_eq!(report.codes.len(), 1);
/// let code = crossqr_core::parse_at(&report.codes[0].text, 1_763_769_600_000).expect("a JPQR code");
/// assert_eq!(code.scheme.as_str(), "jpqr");
/// # }
/// ```
pub fn scan(frame: &Frame<'_>, options: ScanOptions) -> ScanReport {
    let mut run = Run {
        started: Instant::now(),
        options,
        report: ScanReport::default(),
        prep_ms_per_mpx: None,
        detect_ms_per_mrun: None,
    };
    let full = frame.gray();
    let half = (full.width * full.height > HALF_FIRST_PIXELS).then(|| full.half());
    let (work, scale) = match &half {
        Some(h) => (h, 2.0),
        None => (&full, 1.0),
    };
    let origin = Point::default();
    let mut found: Vec<Found> = Vec::new();
    let mut located: Vec<(Located, f32)> = Vec::new();
    let keep =
        |r: Option<(Vec<Decoded>, Vec<Located>)>, s: f32, found: &mut Vec<Found>, located: &mut Vec<(Located, f32)>| {
            if let Some((d, l)) = r {
                found.extend(d.into_iter().map(|d| (d, s, origin)));
                located.extend(l.into_iter().map(|l| (l, s)));
            }
        };

    // 1. Fast pass.
    let r = run.read("fast", work, Detector::Rxing, |g| binarize(g, NORMAL_RANGE));
    keep(r, scale, &mut found, &mut located);
    // 2. A 3×3 median against scratches and speckle, dark-on-light then light-on-dark.
    if found.is_empty() {
        let r = run.read("median", work, Detector::RxingBothWays, |g| binarize(&g.median3(), NORMAL_RANGE));
        keep(r, scale, &mut found, &mut located);
    }
    // 3. Full size, for small modules.
    if found.is_empty() && half.is_some() {
        let r = run.read("full_size", &full, Detector::Rxing, |g| binarize(&g.median3(), NORMAL_RANGE));
        keep(r, 1.0, &mut found, &mut located);
    }
    // 4. Symbols located but not decoded: refine them (cheap, targeted) before the costly
    //    whole-frame low-contrast pass, then refine what that pass locates.
    if found.is_empty() && options.second_opinion {
        refine(&mut run, &full, &located, &mut found);
    }
    let before = located.len();
    for radius in [mean_radius(work), 2 * mean_radius(work)] {
        if found.is_empty() {
            let r = run.read("low_contrast", work, Detector::RxingBothWays, |g| binarize_mean(g, radius, MEAN_OFFSET));
            keep(r, scale, &mut found, &mut located);
        }
    }
    if found.is_empty() && options.second_opinion {
        refine(&mut run, &full, &located[before..], &mut found);
    }
    // 5. rqrr's own detector over the whole reduced frame.
    if found.is_empty() && options.second_opinion {
        let mut reduced = work.clone();
        let mut reduced_scale = scale;
        while reduced.width * reduced.height > RQRR_MAX_PIXELS {
            reduced = reduced.half();
            reduced_scale *= 2.0;
        }
        let r = run.read("rqrr", &reduced, Detector::Rqrr, |g| binarize(g, NORMAL_RANGE));
        keep(r, reduced_scale, &mut found, &mut located);
    }

    for (decoded, s, o) in found {
        let corners = decoded.corners.map(|p| frame.upright(Point { x: o.x + p.x * s, y: o.y + p.y * s }));
        let duplicate = run.report.codes.iter().any(|c| c.text == decoded.text && close(&c.corners, &corners));
        if !duplicate {
            run.report.codes.push(ScannedCode { text: decoded.text, corners });
        }
    }
    run.report.elapsed = run.started.elapsed();
    run.report
}

/// Refines up to [`MAX_REFINEMENTS`] located symbols: crop, enlarge small modules, read with rxing
/// (local mean, then sharpened), then rqrr.
fn refine(run: &mut Run, full: &Gray<'_>, located: &[(Located, f32)], found: &mut Vec<Found>) {
    let mean = |g: &Gray<'_>| binarize_mean(g, mean_radius(g), MEAN_OFFSET);
    let sharp = |g: &Gray<'_>| binarize(&g.sharpen(), NORMAL_RANGE);
    for (l, s) in located.iter().take(MAX_REFINEMENTS) {
        let (crop, crop_scale, crop_origin) = refinement_crop(full, l, *s);
        let mut d = run.read("refine", &crop, Detector::RxingBothWays, mean).map(|r| r.0).unwrap_or_default();
        if d.is_empty() {
            d = run.read("refine_sharp", &crop, Detector::Rxing, sharp).map(|r| r.0).unwrap_or_default();
        }
        if d.is_empty() {
            d = run.read("refine_rqrr", &crop, Detector::Rqrr, mean).map(|r| r.0).unwrap_or_default();
        }
        if !d.is_empty() {
            found.extend(d.into_iter().map(|d| (d, 1.0 / crop_scale, crop_origin)));
            return;
        }
    }
}

/// The square around a located symbol, enlarged so modules are at least ~4 px (within
/// [`MAX_CROP_PIXELS`]), in full-size pixels.
fn refinement_crop(full: &Gray<'_>, l: &Located, scale: f32) -> (Gray<'static>, f32, Point) {
    let (cx, cy, side, module) = (l.centre.x * scale, l.centre.y * scale, l.side * scale * 1.3, l.module * scale);
    let x0 = (cx - side / 2.0).max(0.0) as usize;
    let y0 = (cy - side / 2.0).max(0.0) as usize;
    let wanted = if module < 4.0 { (4.0 / module.max(1.0)).min(3.0) } else { 1.0 };
    let enlarge = wanted.min((MAX_CROP_PIXELS as f32).sqrt() / side.max(1.0)).max(1.0);
    let crop = full.crop_scaled(x0, y0, side as usize, side as usize, enlarge);
    (crop, enlarge, Point { x: x0 as f32, y: y0 as f32 })
}

fn close(a: &[Point; 4], b: &[Point; 4]) -> bool {
    let centre = |p: &[Point; 4]| (p.iter().map(|q| q.x).sum::<f32>() / 4.0, p.iter().map(|q| q.y).sum::<f32>() / 4.0);
    let ((ax, ay), (bx, by)) = (centre(a), centre(b));
    (ax - bx).hypot(ay - by) < 20.0
}

/// Black/white transitions along the rows of `m`: what the detectors' cost follows (a busy, noisy
/// image has many; a clean one few), counted a machine word at a time.
fn transitions(m: &BitMatrix) -> usize {
    (0..m.height())
        .map(|y| {
            let row = m.getRow(y);
            let words = row.getBitArray();
            let mut carry = 0usize;
            words
                .iter()
                .map(|&w| {
                    let shifted = (w << 1) | carry;
                    carry = w >> (usize::BITS - 1);
                    (w ^ shifted).count_ones() as usize
                })
                .sum::<usize>()
        })
        .sum()
}

/// The state of one scan: its clock, budget, cost model and report.
struct Run {
    started: Instant,
    options: ScanOptions,
    report: ScanReport,
    /// Binarisation cost seen so far, milliseconds per megapixel (the highest).
    prep_ms_per_mpx: Option<f64>,
    /// Detection cost seen so far, milliseconds per million transitions (the highest).
    detect_ms_per_mrun: Option<f64>,
}

impl Run {
    fn remaining_ms(&self) -> f64 {
        self.options.budget.as_secs_f64() * 1e3 - self.started.elapsed().as_secs_f64() * 1e3
    }

    /// Whether `expected` milliseconds fit; the first measurement of a kind always runs.
    fn fits(&mut self, expected: Option<f64>) -> bool {
        let fits = expected.is_none_or(|e| e <= self.remaining_ms());
        self.report.budget_exhausted |= !fits;
        fits
    }

    /// Runs `f` with panics contained, timing it into pass `name`.
    fn timed<T>(&mut self, name: &'static str, f: impl FnOnce() -> T) -> (Option<T>, f64) {
        let start = Instant::now();
        let out = catch_unwind(AssertUnwindSafe(f));
        let ms = start.elapsed().as_secs_f64() * 1e3;
        match self.report.passes.last_mut() {
            Some((last, spent)) if *last == name => *spent += ms as f32,
            _ => self.report.passes.push((name, ms as f32)),
        }
        (out.map_err(|_| self.report.contained_panics += 1).ok(), ms)
    }

    /// Pass `name`: binarise `gray` with `binarizer`, then read it with `detector` — each step only if
    /// its expected cost fits the budget.
    fn read(
        &mut self,
        name: &'static str,
        gray: &Gray<'_>,
        detector: Detector,
        binarizer: impl FnOnce(&Gray<'_>) -> Option<BitMatrix>,
    ) -> Option<(Vec<Decoded>, Vec<Located>)> {
        let mpx = (gray.width * gray.height) as f64 / 1e6;
        if mpx == 0.0 || !self.fits(self.prep_ms_per_mpx.map(|r| r * mpx)) {
            return None;
        }
        let (matrix, ms) = self.timed(name, || binarizer(gray));
        self.prep_ms_per_mpx = Some(self.prep_ms_per_mpx.unwrap_or(0.0).max(ms / mpx));
        let mut matrix = matrix.flatten()?;
        let mrun = transitions(&matrix).max(1) as f64 / 1e6;
        let cost = if detector == Detector::Rqrr { RQRR_COST } else { 1.0 };
        let attempts = if detector == Detector::Rxing { 1 } else { 2 };
        let mut out: (Vec<Decoded>, Vec<Located>) = (Vec::new(), Vec::new());
        for attempt in 0..attempts {
            if !self.fits(self.detect_ms_per_mrun.map(|r| r * mrun * cost)) {
                break;
            }
            if attempt == 1 {
                matrix.flip_self();
            }
            let (result, ms) = self.timed(name, || match detector {
                Detector::Rqrr => (rqrr_pass::detect(&matrix, false), Vec::new()),
                _ => rxing_pass::detect(&matrix, true),
            });
            self.detect_ms_per_mrun = Some(self.detect_ms_per_mrun.unwrap_or(0.0).max(ms / (mrun * cost)));
            if let Some((d, l)) = result {
                out.1.extend(l);
                if !d.is_empty() {
                    out.0 = d;
                    break;
                }
            }
        }
        Some(out)
    }
}
