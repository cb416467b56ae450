//! Scanning camera frames passed as bytes.

use std::time::Duration;

use crossqr_core::scan::{self, Frame, PixelFormat, Rotation, ScanOptions};

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
    /// True when a pass was skipped to keep within the budget.
    pub budget_exhausted: bool,
}

/// Scans a frame. `stride` is bytes per row of the first plane; `rotation_degrees` is the clockwise
/// rotation that makes the frame upright (CameraX `rotationDegrees`); `budget_ms` defaults to the
/// camera budget (24 ms).
#[uniffi::export]
pub fn scan_frame(
    pixels: Vec<u8>,
    width: u32,
    height: u32,
    stride: u32,
    format: FrameFormat,
    rotation_degrees: u32,
    budget_ms: Option<u32>,
) -> Result<ScanResult, CrossqrError> {
    let format = match format {
        FrameFormat::Luma8 => PixelFormat::Luma8,
        FrameFormat::Nv21 => PixelFormat::Nv21,
        FrameFormat::Nv12 => PixelFormat::Nv12,
        FrameFormat::Rgba8888 => PixelFormat::Rgba8888,
        FrameFormat::Bgra8888 => PixelFormat::Bgra8888,
    };
    let frame = Frame::new(&pixels, width, height, stride, format, Rotation::from_degrees(rotation_degrees)?)?;
    let options = match budget_ms {
        Some(ms) => ScanOptions { budget: Duration::from_millis(u64::from(ms)), ..ScanOptions::CAMERA },
        None => ScanOptions::CAMERA,
    };
    let report = scan::scan(&frame, options);
    Ok(ScanResult {
        codes: report
            .codes
            .into_iter()
            .map(|c| ScannedCode {
                text: c.text,
                corners: c.corners.iter().map(|p| Corner { x: p.x, y: p.y }).collect(),
            })
            .collect(),
        elapsed_ms: report.elapsed.as_secs_f64() * 1e3,
        budget_exhausted: report.budget_exhausted,
    })
}
