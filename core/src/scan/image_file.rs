//! Image files (PNG, JPEG) to frames, for the CLI and tests.

use super::{Frame, ScanError, ScanOptions, ScanReport, scan};

/// An image file decoded to packed luma.
#[derive(Debug, Clone)]
pub struct LumaImage {
    /// Packed 8-bit luma.
    pub luma: Vec<u8>,
    /// Width, pixels.
    pub width: u32,
    /// Height, pixels.
    pub height: u32,
}

impl LumaImage {
    /// Decodes PNG or JPEG bytes.
    pub fn decode(bytes: &[u8]) -> Result<LumaImage, ScanError> {
        let img = image::load_from_memory(bytes)
            .map_err(|e| ScanError {
                code: crate::error::ErrorCode::ImageUnreadable,
                message: format!("not a readable PNG or JPEG: {e}"),
            })?
            .to_luma8();
        let (width, height) = img.dimensions();
        Ok(LumaImage { luma: img.into_raw(), width, height })
    }

    /// Reads and decodes a file.
    pub fn open(path: &std::path::Path) -> Result<LumaImage, ScanError> {
        let bytes = std::fs::read(path).map_err(|e| ScanError {
            code: crate::error::ErrorCode::ImageUnreadable,
            message: format!("cannot read {}: {e}", path.display()),
        })?;
        LumaImage::decode(&bytes)
    }

    /// The image as a frame.
    pub fn frame(&self) -> Result<Frame<'_>, ScanError> {
        Frame::luma(&self.luma, self.width, self.height)
    }

    /// Scans the image with `options`.
    pub fn scan(&self, options: ScanOptions) -> Result<ScanReport, ScanError> {
        Ok(scan(&self.frame()?, options))
    }
}
