//! The camera-loop [`Scanner`]: one session fed frame after frame, spending effort where there is
//! evidence (ADR 0010).
//!
//! Every frame gets the cheap pass. A frame in which it finds nothing code-like — not one
//! finder-pattern candidate — and whose recent predecessors showed nothing either ends there. Symbols
//! located but not decoded, this frame or in the last few, are refined (crops: cheap). When there is
//! evidence, the expensive whole-image passes run in rotation: with a located symbol in view as many
//! as the budget allows, starting where the last frame stopped; with weaker evidence (candidates
//! only, or candidates a few frames ago) one per frame, a different one each frame — so a hard code is
//! read within a few frames while a frame with no code costs one cheap pass.

use std::time::Duration;

use super::budget::{Deadline, Interrupted, ModelError, MonotonicClock, ScanClock};
use super::frame::{Frame, Point};
use super::gray::{self, Gray};
use super::passes::{Found, Input, Pass, Place, Work};
use super::rxing_pass::Located;
use super::{ScanOptions, ScanReport, ScannedCode};

/// Frames are reduced for the cheap pass until they hold at most this many pixels (1080p is read at
/// full size).
const WORKING_MAX_PIXELS: usize = 2_200_000;
/// Frames after the last finder-pattern candidate during which the rotation goes on.
const EVIDENCE_FRAMES: u64 = 8;
/// With weak evidence, the expensive pass reads the region this many modules around the finder-pattern
/// candidates seen (a payment code is rarely more than 60 modules across)…
const HINT_MODULES: f32 = 60.0;
/// …unless that region is more than this share of the frame: then the whole frame.
const HINT_MAX_SHARE: f32 = 0.5;
/// Candidate places remembered.
const MAX_HINTS: usize = 16;
/// Frames a located or decoded symbol's place is remembered and refined.
const REGION_FRAMES: u64 = 6;
/// Regions remembered.
const MAX_REGIONS: usize = 3;
/// With confirmation on, a text is reported when it was also read within this many frames before.
const CONFIRM_FRAMES: u64 = 10;

/// How a [`Scanner`] works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScannerOptions {
    /// No frame takes longer than this.
    pub budget: Duration,
    /// Report a code only once it has been read in two frames (the same text within ten frames): a
    /// misread would have to repeat itself.
    pub confirm: bool,
}

impl ScannerOptions {
    /// A camera loop at 30 frames a second: every frame done well inside 33 ms.
    pub const CAMERA: ScannerOptions = ScannerOptions { budget: ScanOptions::CAMERA.budget, confirm: false };
}

impl Default for ScannerOptions {
    fn default() -> Self {
        ScannerOptions::CAMERA
    }
}

/// What the scanner remembers between frames.
#[derive(Debug, Default)]
struct Memory {
    frame: u64,
    size: (u32, u32),
    last_evidence: Option<u64>,
    hints: Vec<(Located, u64)>,
    regions: Vec<(Located, u64)>,
    cursor: usize,
    seen: Vec<(String, u64)>,
}

impl Memory {
    /// Keeps this frame's finder-pattern candidates, forgetting those older than the evidence window.
    fn remember_hints(&mut self, hints: &[Located]) {
        let frame = self.frame;
        self.hints.retain(|(_, f)| frame - f <= EVIDENCE_FRAMES);
        for h in hints.iter().take(MAX_HINTS) {
            if self.hints.len() >= MAX_HINTS {
                self.hints.remove(0);
            }
            self.hints.push((*h, frame));
        }
    }

    /// The rectangle (x0, y0, w, h) of the frame around the remembered candidates and symbols, if it is
    /// a small enough part of it.
    fn hint_rect(&self, width: usize, height: usize) -> Option<(usize, usize, usize, usize)> {
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        let pattern = self.hints.iter().map(|(h, _)| (h.centre, (h.module * HINT_MODULES).max(96.0)));
        let recent = self.regions.iter().filter(|(_, f)| self.frame - f <= REGION_FRAMES);
        for (c, r) in pattern.chain(recent.map(|(l, _)| (l.centre, l.side))) {
            (x0, y0) = (x0.min(c.x - r), y0.min(c.y - r));
            (x1, y1) = (x1.max(c.x + r), y1.max(c.y + r));
        }
        let (x0, y0) = (x0.max(0.0), y0.max(0.0));
        let (x1, y1) = (x1.min(width as f32), y1.min(height as f32));
        let small = x1 > x0 && y1 > y0 && (x1 - x0) * (y1 - y0) <= HINT_MAX_SHARE * (width * height) as f32;
        small.then_some((x0 as usize, y0 as usize, (x1 - x0) as usize, (y1 - y0) as usize))
    }

    fn remember(&mut self, region: Located) {
        let frame = self.frame;
        self.regions.retain(|(l, f)| frame - f <= REGION_FRAMES && !overlaps(l, &region));
        if self.regions.len() >= MAX_REGIONS {
            self.regions.remove(0);
        }
        self.regions.push((region, frame));
    }
}

fn overlaps(a: &Located, b: &Located) -> bool {
    (a.centre.x - b.centre.x).hypot(a.centre.y - b.centre.y) < (a.side + b.side) / 4.0
}

/// A scanning session for a camera loop: feed it every frame with [`Scanner::scan_frame`].
///
/// It keeps its buffers (no allocation per frame once they have grown to the frame size, for frames
/// in which nothing decodes), remembers where symbols were located and whether anything code-like
/// was seen, and keeps every frame within its budget.
///
/// ```
/// use crossqr_core::scan::{Frame, Scanner, ScannerOptions};
///
/// # #[cfg(feature = "image")] {
/// # let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/assets/jpqr-osaka-1280x720.png");
/// # let image = crossqr_core::scan::image_file::LumaImage::open(&path).unwrap();
/// let mut scanner = Scanner::new(ScannerOptions::CAMERA);
/// # let camera_frames = std::iter::repeat_n(&image.luma[..], 3);
/// for y_plane in camera_frames {
///     let frame = Frame::luma(y_plane, 1280, 720).expect("a valid frame");
///     let report = scanner.scan_frame(&frame);
///     if let Some(code) = report.codes.first() {
///         assert!(code.text.starts_with("000201"));
///         break;
///     }
/// }
/// # }
/// ```
pub struct Scanner {
    options: ScannerOptions,
    /// Run every pass on every frame (a photo, a single frame) instead of following the evidence.
    exhaustive: bool,
    second_opinion: bool,
    clock: Box<dyn ScanClock>,
    working: Vec<u8>,
    roi: Vec<u8>,
    work: Work,
    memory: Memory,
    symbols: Vec<Located>,
    report: ScanReport,
}

impl std::fmt::Debug for Scanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scanner").field("options", &self.options).field("frame", &self.memory.frame).finish()
    }
}

impl Scanner {
    /// A session on the system's monotonic clock.
    pub fn new(options: ScannerOptions) -> Scanner {
        Scanner::with_clock(options, Box::new(MonotonicClock::default()))
    }

    /// A session reading time from `clock`.
    pub fn with_clock(options: ScannerOptions, clock: Box<dyn ScanClock>) -> Scanner {
        Scanner {
            options,
            exhaustive: false,
            second_opinion: true,
            clock,
            working: Vec::new(),
            roi: Vec::new(),
            work: Work::default(),
            memory: Memory::default(),
            symbols: Vec::new(),
            report: ScanReport::default(),
        }
    }

    /// A scanner for one frame read as thoroughly as `options` allow: every pass, in order.
    pub(crate) fn single_shot(options: ScanOptions) -> Scanner {
        let mut s = Scanner::new(ScannerOptions { budget: options.budget, confirm: false });
        s.exhaustive = true;
        s.second_opinion = options.second_opinion;
        s
    }

    /// Forgets earlier frames (a new scanning session), keeping the buffers.
    pub fn reset(&mut self) {
        self.memory = Memory::default();
    }

    /// How far the cost model's predictions have been from what the steps it admitted then cost, over
    /// this session.
    pub fn cost_model_error(&self) -> ModelError {
        self.work.model.error()
    }

    /// Scans the next frame of the session.
    pub fn scan_frame(&mut self, frame: &Frame<'_>) -> &ScanReport {
        let clock: &dyn ScanClock = &*self.clock;
        let mut deadline = Deadline::new(clock, self.options.budget);
        if self.memory.size != (frame.width(), frame.height()) {
            self.memory = Memory { size: (frame.width(), frame.height()), ..Memory::default() };
        }
        self.memory.frame += 1;
        self.work.clear();
        let look = look(
            frame,
            (&mut self.working, &mut self.roi),
            &mut self.work,
            &mut self.memory,
            &mut self.symbols,
            (self.exhaustive, self.second_opinion),
            &mut deadline,
        );
        finish(frame, &mut self.work, &mut self.memory, &mut self.report, self.options.confirm);
        let r = &mut self.report;
        r.budget_exhausted = look.is_err() || self.work.skipped || deadline.passed();
        r.elapsed = deadline.elapsed();
        r.overrun = r.elapsed.saturating_sub(self.options.budget);
        &self.report
    }
}

/// The frame's passes, following the evidence (or all of them when `exhaustive`).
fn look(
    frame: &Frame<'_>,
    (working, roi): (&mut Vec<u8>, &mut Vec<u8>),
    work: &mut Work,
    memory: &mut Memory,
    symbols: &mut Vec<Located>,
    (exhaustive, second_opinion): (bool, bool),
    d: &mut Deadline<'_>,
) -> Result<(), Interrupted> {
    let (fw, fh) = (frame.width() as usize, frame.height() as usize);
    let k = (1..).find(|k| (fw / k) * (fh / k) <= WORKING_MAX_PIXELS).unwrap_or(1);
    let image = match frame.packed_luma() {
        Some(data) if k == 1 => Gray { width: fw, height: fh, data },
        _ => work.timed("convert", d, |w, d| gray::reduce(frame, k, working, w.rows(), d))?,
    };
    let input = Input { frame, image, place: Place { scale: k as f32, origin: Point::default() } };

    work.fast(&input, d)?;
    if work.candidates > 0 {
        memory.last_evidence = Some(memory.frame);
    }
    memory.remember_hints(&work.hints);
    if !work.found.is_empty() {
        return Ok(());
    }
    // Located symbols, this frame's and remembered ones: cheap, targeted.
    symbols.clear();
    symbols.extend_from_slice(&work.located);
    let located_now = !symbols.is_empty();
    for (region, seen) in &memory.regions {
        if memory.frame - seen <= REGION_FRAMES && !symbols.iter().any(|s| overlaps(s, region)) {
            symbols.push(*region);
        }
    }
    let strong = exhaustive || located_now;
    if !symbols.is_empty() {
        work.refine(frame, symbols, second_opinion, d)?;
        if !work.found.is_empty() {
            return Ok(());
        }
    }
    let recent = memory.last_evidence.is_some_and(|f| memory.frame - f <= EVIDENCE_FRAMES);
    if !(exhaustive || recent || located_now) {
        return Ok(()); // nothing code-like: one cheap pass
    }
    // With weak evidence, the region around the candidates (at full size) rather than the whole frame.
    let region = match memory.hint_rect(fw, fh) {
        Some(rect) if !strong && k == 1 => {
            let image = gray::crop(frame, rect, roi, work.rows(), d)?;
            let origin = Point { x: rect.0 as f32, y: rect.1 as f32 };
            Some(Input { frame, image, place: Place { scale: 1.0, origin } })
        }
        _ => None,
    };
    let input = region.as_ref().unwrap_or(&input);
    let rotation = Pass::ROTATION.len();
    let start = if exhaustive { 0 } else { memory.cursor };
    for i in 0..rotation {
        let pass = Pass::ROTATION[(start + i) % rotation];
        if pass == Pass::Rqrr && !second_opinion {
            continue;
        }
        if d.remaining() <= work.symbol_cost() {
            work.skipped = true;
            return Ok(());
        }
        let before = work.located.len();
        if !exhaustive {
            memory.cursor = (start + i + 1) % rotation;
        }
        let ran = work.expensive(pass, input, d)?;
        if work.located.len() > before && work.found.is_empty() {
            symbols.clear();
            symbols.extend_from_slice(&work.located[before..]);
            work.refine(frame, symbols, second_opinion, d)?;
        }
        if !work.found.is_empty() || (ran && !strong) {
            break;
        }
    }
    Ok(())
}

/// Turns the frame's findings into the report and remembers them.
fn finish(frame: &Frame<'_>, work: &mut Work, memory: &mut Memory, report: &mut ScanReport, confirm: bool) {
    report.codes.clear();
    report.unconfirmed = 0;
    report.passes.clear();
    report.passes.extend_from_slice(&work.passes);
    report.contained_panics = work.guard.panics;
    report.candidates = work.candidates;
    report.located = work.located.len();
    for l in &work.located {
        memory.remember(*l);
    }
    let now = memory.frame;
    memory.seen.retain(|(_, f)| now - f <= CONFIRM_FRAMES);
    for Found { text, corners } in work.found.drain(..) {
        memory.remember(region(&corners));
        let corners = corners.map(|p| frame.upright(p));
        if report.codes.iter().any(|c| c.text == text && close(&c.corners, &corners)) {
            continue;
        }
        let confirmed = !confirm || memory.seen.iter().any(|(t, f)| *t == text && *f < now);
        match memory.seen.iter_mut().find(|(t, _)| *t == text) {
            Some(entry) if entry.1 < now => entry.1 = now,
            Some(_) => {}
            None => memory.seen.push((text.clone(), now)),
        }
        if confirmed {
            report.codes.push(ScannedCode { text, corners });
        } else {
            report.unconfirmed += 1;
        }
    }
}

/// The square a decoded symbol occupies, as a located symbol to refine in the next frames.
fn region(corners: &[Point; 4]) -> Located {
    let cx = corners.iter().map(|p| p.x).sum::<f32>() / 4.0;
    let cy = corners.iter().map(|p| p.y).sum::<f32>() / 4.0;
    let side = (corners[0].x - corners[1].x).hypot(corners[0].y - corners[1].y).max(21.0);
    // Modules unknown: a version-5 symbol (37 modules) is typical of payment codes.
    Located { centre: Point { x: cx, y: cy }, side, module: side / 37.0 }
}

fn close(a: &[Point; 4], b: &[Point; 4]) -> bool {
    let centre = |p: &[Point; 4]| (p.iter().map(|q| q.x).sum::<f32>() / 4.0, p.iter().map(|q| q.y).sum::<f32>() / 4.0);
    let ((ax, ay), (bx, by)) = (centre(a), centre(b));
    (ax - bx).hypot(ay - by) < 20.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::budget::tests::ManualClock;

    const W: usize = 960;
    const H: usize = 540;

    /// A light frame with a finder pattern (7×7 modules of `module` px) centred at each of `at`.
    fn with_finders(at: &[(usize, usize)], module: usize) -> Vec<u8> {
        let mut luma = vec![200u8; W * H];
        for &(cx, cy) in at {
            for dy in 0..7 * module {
                for dx in 0..7 * module {
                    let (mx, my) = ((dx / module) as i32 - 3, (dy / module) as i32 - 3);
                    let ring = mx.abs().max(my.abs());
                    if ring != 2 {
                        luma[(cy + dy - 7 * module / 2) * W + cx + dx - 7 * module / 2] = 30;
                    }
                }
            }
        }
        luma
    }

    fn names(report: &ScanReport) -> Vec<&'static str> {
        report.passes.iter().map(|(n, _)| *n).collect()
    }

    fn generous() -> Scanner {
        Scanner::new(ScannerOptions { budget: Duration::from_secs(30), confirm: false })
    }

    #[test]
    fn a_frame_with_nothing_code_like_gets_one_cheap_pass() {
        let mut scanner = generous();
        let blank = vec![200u8; W * H];
        let report = scanner.scan_frame(&Frame::luma(&blank, W as u32, H as u32).unwrap());
        assert_eq!(names(report), ["fast"]);
        assert_eq!((report.candidates, report.located, report.budget_exhausted), (0, 0, false));
    }

    #[test]
    fn weak_evidence_rotates_one_expensive_pass_per_frame_then_fades() {
        let mut scanner = generous();
        let one = with_finders(&[(300, 200)], 5);
        let blank = vec![200u8; W * H];
        let report = scanner.scan_frame(&Frame::luma(&one, W as u32, H as u32).unwrap());
        assert_eq!((report.candidates, report.located), (1, 0));
        assert_eq!(names(report), ["fast", "median"]);
        // Nothing in view now, but something was a moment ago: the next pass of the rotation.
        let frame = Frame::luma(&blank, W as u32, H as u32).unwrap();
        assert_eq!(names(scanner.scan_frame(&frame)), ["fast", "low_contrast"]);
        assert_eq!(names(scanner.scan_frame(&frame)), ["fast", "downscale"]);
        for _ in 3..=EVIDENCE_FRAMES {
            assert_eq!(scanner.scan_frame(&frame).passes.len(), 2);
        }
        assert_eq!(names(scanner.scan_frame(&frame)), ["fast"], "the evidence has faded");
        scanner.scan_frame(&Frame::luma(&one, W as u32, H as u32).unwrap());
        scanner.reset();
        assert_eq!(names(scanner.scan_frame(&frame)), ["fast"], "reset forgets");
    }

    #[test]
    fn a_located_symbol_is_refined_and_gets_every_pass_the_budget_allows() {
        let mut scanner = generous();
        let three = with_finders(&[(300, 150), (500, 150), (300, 350)], 5);
        let report = scanner.scan_frame(&Frame::luma(&three, W as u32, H as u32).unwrap());
        assert!(report.located >= 1 && report.codes.is_empty(), "{report:?}");
        let passes = names(report);
        assert_eq!(passes[..2], ["fast", "refine"]);
        for pass in Pass::ROTATION.iter().filter(|p| !matches!(p, Pass::FullSize)) {
            assert!(passes.contains(&pass.name()), "{passes:?} lacks {}", pass.name());
        }
        // The next frame without it still refines where it was.
        let blank = vec![200u8; W * H];
        let report = scanner.scan_frame(&Frame::luma(&blank, W as u32, H as u32).unwrap());
        assert_eq!(names(report)[..2], ["fast", "refine"]);
    }

    #[test]
    fn the_deadline_stops_every_pass_whatever_the_frame() {
        // Time moves only when the scanner reads the clock: 50 µs a reading. The scanner must stop
        // within a few readings of its deadline however much work the frame offers.
        let noise: Vec<u8> = (0..W * H).map(|i| ((i as u64 * 2_654_435_761) >> 13) as u8).collect();
        let three = with_finders(&[(300, 150), (500, 150), (300, 350)], 5);
        for (luma, budget_ms) in [(&noise, 3), (&three, 3), (&three, 40)] {
            let clock = Box::new(ManualClock::stepping(Duration::from_micros(50)));
            let budget = Duration::from_millis(budget_ms);
            let mut scanner = Scanner::with_clock(ScannerOptions { budget, confirm: false }, clock);
            for _ in 0..3 {
                let report = scanner.scan_frame(&Frame::luma(luma, W as u32, H as u32).unwrap());
                assert!(report.overrun <= Duration::from_micros(200), "{budget_ms} ms: {report:?}");
            }
        }
    }
}
