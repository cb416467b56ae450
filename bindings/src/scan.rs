//! Scanning camera frames: one frame at a time ([`scan_frame`]) or a camera session ([`Scanner`]).
//!
//! Pixels arrive as a borrowed `&[u8]`, which UniFFI 0.32 passes without copying: Kotlin hands over a
//! direct `java.nio.ByteBuffer` (a CameraX plane; the generated code takes its native address), Swift a
//! `Data` (read inside `withUnsafeBytes`). The buffer is only read during the call.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossqr_core::scan::{self, Frame, PixelFormat, Rotation, ScanOptions, ScanReport};

use crate::CrossqrError;

/// Pixel layout of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FrameFormat {
    /// 8-bit luma.
    Luma8,
    /// Android camera YUV 4:2:0 (Y plane first).
    Nv21,
    /// iOS bi-planar YUV 4:2:0 (Y plane first).
    Nv12,
    /// RGBA 8888.
    Rgba8888,
    /// BGRA 8888 (iOS `32BGRA`).
    Bgra8888,
}

/// A corner, pixels in the upright frame.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct Corner {
    /// Horizontal.
    pub x: f32,
    /// Vertical.
    pub y: f32,
}

/// A code found in a frame.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ScannedCode {
    /// Payload text.
    pub text: String,
    /// Top-left, top-right, bottom-right, bottom-left.
    pub corners: Vec<Corner>,
}

/// What a scan found.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ScanResult {
    /// Every code found.
    pub codes: Vec<ScannedCode>,
    /// Time spent, milliseconds.
    pub elapsed_ms: f64,
    /// True when a pass was skipped or stopped to keep within the budget.
    pub budget_exhausted: bool,
    /// Finder-pattern candidates seen: zero means nothing code-like in view (a UI may say "hold the
    /// code in the frame" rather than "hold steady").
    pub candidates: u32,
    /// Codes read but held back until another frame confirms them ([`ScannerOptions::confirm`]).
    pub unconfirmed: u32,
}

/// How a [`Scanner`] works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct ScannerOptions {
    /// No frame takes longer; `None` for the camera budget (24 ms).
    #[uniffi(default = None)]
    pub budget_ms: Option<u32>,
    /// Report a code only once two frames have read the same text.
    #[uniffi(default = false)]
    pub confirm: bool,
}

fn budget(ms: Option<u32>) -> Duration {
    ms.map_or(ScanOptions::CAMERA.budget, |ms| Duration::from_millis(u64::from(ms)))
}

/// The frame the arguments describe, checked against the buffer.
fn frame<'a>(
    pixels: &'a [u8],
    width: u32,
    height: u32,
    stride: u32,
    format: FrameFormat,
    rotation_degrees: u32,
) -> Result<Frame<'a>, CrossqrError> {
    let format = match format {
        FrameFormat::Luma8 => PixelFormat::Luma8,
        FrameFormat::Nv21 => PixelFormat::Nv21,
        FrameFormat::Nv12 => PixelFormat::Nv12,
        FrameFormat::Rgba8888 => PixelFormat::Rgba8888,
        FrameFormat::Bgra8888 => PixelFormat::Bgra8888,
    };
    Ok(Frame::new(pixels, width, height, stride, format, Rotation::from_degrees(rotation_degrees)?)?)
}

fn result(report: &ScanReport) -> ScanResult {
    ScanResult {
        codes: report
            .codes
            .iter()
            .map(|c| ScannedCode {
                text: c.text.clone(),
                corners: c.corners.iter().map(|p| Corner { x: p.x, y: p.y }).collect(),
            })
            .collect(),
        elapsed_ms: report.elapsed.as_secs_f64() * 1e3,
        budget_exhausted: report.budget_exhausted,
        candidates: u32::try_from(report.candidates).unwrap_or(u32::MAX),
        unconfirmed: u32::try_from(report.unconfirmed).unwrap_or(u32::MAX),
    }
}

/// Scans one frame with every pass the budget allows. `stride` is bytes per row of the first plane;
/// `rotation_degrees` is the clockwise rotation that makes the frame upright (CameraX
/// `rotationDegrees`); `budget_ms` defaults to the camera budget (24 ms). A camera loop uses a
/// [`Scanner`] instead.
#[uniffi::export]
pub fn scan_frame(
    pixels: &[u8],
    width: u32,
    height: u32,
    stride: u32,
    format: FrameFormat,
    rotation_degrees: u32,
    budget_ms: Option<u32>,
) -> Result<ScanResult, CrossqrError> {
    let frame = frame(pixels, width, height, stride, format, rotation_degrees)?;
    let options = ScanOptions { budget: budget(budget_ms), ..ScanOptions::CAMERA };
    Ok(result(&scan::scan(&frame, options)))
}

/// A camera session: feed it every frame from one analysis thread. It keeps its buffers, remembers
/// what earlier frames showed, spends effort only where something code-like was seen, and keeps every
/// frame within the budget.
#[derive(uniffi::Object)]
pub struct Scanner(Mutex<scan::Scanner>);

#[uniffi::export]
impl Scanner {
    /// A new session.
    #[uniffi::constructor]
    pub fn new(options: ScannerOptions) -> Arc<Scanner> {
        let options = scan::ScannerOptions { budget: budget(options.budget_ms), confirm: options.confirm };
        Arc::new(Scanner(Mutex::new(scan::Scanner::new(options))))
    }

    /// Scans the session's next frame (arguments as for [`scan_frame`]).
    pub fn scan_frame(
        &self,
        pixels: &[u8],
        width: u32,
        height: u32,
        stride: u32,
        format: FrameFormat,
        rotation_degrees: u32,
    ) -> Result<ScanResult, CrossqrError> {
        let frame = frame(pixels, width, height, stride, format, rotation_degrees)?;
        let mut scanner = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(result(scanner.scan_frame(&frame)))
    }

    /// Forgets earlier frames (a new code is expected), keeping the buffers.
    pub fn reset(&self) {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).reset();
    }
}
