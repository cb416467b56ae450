//! Reading QR codes from camera frames and photos.
//!
//! Two pure-Rust decoders, one pipeline of passes, one time budget per frame that is a hard bound:
//! - the cheap pass — our hybrid binarisation and finder-pattern scan, rxing's port of the ZXing-C++
//!   reader decoding what the patterns frame, both polarities;
//! - refinement of symbols located but not decoded: crops, enlarged when modules are small,
//!   re-binarised, read by rxing and by rqrr;
//! - the expensive whole-image passes: a 3×3 median, half size, local-mean binarisation for faint
//!   codes at two window sizes, full size for reduced frames, rqrr's own detector.
//!
//! [`Scanner`] is the camera loop's session: it reuses its buffers, remembers what earlier frames
//! showed and spends the expensive passes only where there is evidence (ADR 0010). [`scan`] reads one
//! frame or photo with every pass, as far as its budget allows.
//!
//! The budget holds because our own loops check the deadline every few rows and the decoder steps
//! that cannot be interrupted start only when a cost model that is never optimistic about them says
//! they fit. Every decoder call runs under `catch_unwind`: a decoder panic (rqrr has known ones) loses
//! that step, never the process.

mod binarize;
mod budget;
mod finder;
pub mod frame;
mod gray;
mod guard;
#[cfg(feature = "image")]
pub mod image_file;
mod passes;
mod rqrr_pass;
mod rxing_pass;
mod session;
mod text;

use std::fmt;
use std::time::Duration;

pub use budget::{ModelError, MonotonicClock, ScanClock};
pub use frame::{Frame, PixelFormat, Point, Rotation};
pub use session::{Scanner, ScannerOptions};

use crate::error::{Coded, ErrorCode};

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
    /// True when a pass was skipped or stopped for lack of time.
    pub budget_exhausted: bool,
    /// How far past its budget the frame ended, by the scanner's clock (zero when within it).
    pub overrun: Duration,
    /// Decoder panics contained.
    pub contained_panics: u32,
    /// Finder-pattern candidates the cheap pass saw: zero means nothing code-like in view.
    pub candidates: usize,
    /// Symbols located but not decoded.
    pub located: usize,
    /// Codes read but not reported yet because they await confirmation in another frame.
    pub unconfirmed: usize,
}

/// How hard to look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanOptions {
    /// The scan ends within this time from its start.
    pub budget: Duration,
    /// Let rqrr read what rxing could not (the last step of refinement, and its own pass).
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

/// Scans one frame (or photo) with `options`: every pass in order until a code decodes or the budget
/// is spent. A camera loop uses a [`Scanner`] instead.
///
/// ```
/// use crossqr_core::scan::{Frame, ScanOptions, scan};
///
/// # #[cfg(feature = "image")] {
/// # let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/assets/jpqr-osaka-1280x720.png");
/// # let image = crossqr_core::scan::image_file::LumaImage::open(&path).unwrap();
/// # let (y_plane, width, height) = (&image.luma[..], image.width, image.height);
/// // The luma plane, borrowed as it is: nothing is copied. A photo gets the photo budget.
/// let frame = Frame::luma(y_plane, width, height).expect("a valid frame");
/// let report = scan(&frame, ScanOptions::PHOTO);
/// assert_eq!(report.codes.len(), 1);
/// let code = crossqr_core::parse_at(&report.codes[0].text, 1_763_769_600_000).expect("a JPQR code");
/// assert_eq!(code.scheme.as_str(), "jpqr");
/// # }
/// ```
pub fn scan(frame: &Frame<'_>, options: ScanOptions) -> ScanReport {
    Scanner::single_shot(options).scan_frame(frame).clone()
}
