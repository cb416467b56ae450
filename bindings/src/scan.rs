//! Scanning camera frames passed as bytes.

use std::time::Duration;

use crossqr_core::scan::{self, Frame, PixelFormat, Rotation, ScanOptions};

use crate::CrossqrError;

/// Frame pixels as they cross the FFI (a Kotlin `ByteArray`, a Swift `Data`). UniFFI's generic `Vec<u8>`
/// lift decodes byte by byte — about 4 ms for a 1280×720 frame — so the buffer the host filled is taken
/// over whole instead: its 4-byte big-endian length, then the bytes.
pub struct Pixels(Vec<u8>);

impl Pixels {
    fn bytes(&self) -> &[u8] {
        &self.0[4..]
    }

    /// The byte count the 4-byte header at the start of `buf` declares, header included.
    fn framed_len(buf: &[u8]) -> uniffi::Result<usize> {
        let header: [u8; 4] = buf
            .get(..4)
            .and_then(|h| h.try_into().ok())
            .ok_or_else(|| uniffi::deps::anyhow::anyhow!("pixel buffer without a length"))?;
        Ok(4 + usize::try_from(i32::from_be_bytes(header))?)
    }

    fn checked(buffer: Vec<u8>) -> uniffi::Result<Pixels> {
        let len = Pixels::framed_len(&buffer)?;
        uniffi::deps::anyhow::ensure!(buffer.len() == len, "pixel buffer of {} bytes says {}", buffer.len(), len);
        Ok(Pixels(buffer))
    }
}

// SAFETY: reads exactly the layout UniFFI's foreign side writes for `bytes` (the metadata says `Vec<u8>`).
unsafe impl uniffi::Lift<crate::UniFfiTag> for Pixels {
    type FfiType = uniffi::RustBuffer;

    fn try_lift(buffer: uniffi::RustBuffer) -> uniffi::Result<Pixels> {
        Pixels::checked(buffer.destroy_into_vec())
    }

    fn try_read(buf: &mut &[u8]) -> uniffi::Result<Pixels> {
        let end = Pixels::framed_len(buf)?;
        let bytes =
            buf.get(..end).ok_or_else(|| uniffi::deps::anyhow::anyhow!("pixel buffer shorter than its length"))?;
        *buf = &buf[end..];
        Ok(Pixels(bytes.to_vec()))
    }
}

impl uniffi::TypeId<crate::UniFfiTag> for Pixels {
    const TYPE_ID_META: uniffi::MetadataBuffer = <Vec<u8> as uniffi::TypeId<crate::UniFfiTag>>::TYPE_ID_META;
}

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
    pixels: Pixels,
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
    let frame = Frame::new(pixels.bytes(), width, height, stride, format, Rotation::from_degrees(rotation_degrees)?)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use uniffi::Lift;

    fn framed(bytes: &[u8]) -> Vec<u8> {
        let mut v = (bytes.len() as i32).to_be_bytes().to_vec();
        v.extend_from_slice(bytes);
        v
    }

    #[test]
    fn pixels_are_taken_over_whole_and_checked() {
        let lifted =
            <Pixels as Lift<crate::UniFfiTag>>::try_lift(uniffi::RustBuffer::from_vec(framed(&[1, 2, 3]))).unwrap();
        assert_eq!(lifted.bytes(), &[1, 2, 3]);
        let mut wrong = framed(&[1, 2, 3]);
        wrong.push(4);
        assert!(<Pixels as Lift<crate::UniFfiTag>>::try_lift(uniffi::RustBuffer::from_vec(wrong)).is_err());
        assert!(<Pixels as Lift<crate::UniFfiTag>>::try_lift(uniffi::RustBuffer::from_vec(vec![0, 0])).is_err());
        assert!(
            <Pixels as Lift<crate::UniFfiTag>>::try_lift(uniffi::RustBuffer::from_vec(vec![0xff; 4])).is_err(),
            "negative length"
        );
        // Inside a larger buffer, the reader stops at the end of the pixels.
        let mut both = framed(&[9, 8]);
        both.extend_from_slice(&[7, 7]);
        let mut cursor = both.as_slice();
        assert_eq!(<Pixels as Lift<crate::UniFfiTag>>::try_read(&mut cursor).unwrap().bytes(), &[9, 8]);
        assert_eq!(cursor, &[7, 7]);
    }
}
