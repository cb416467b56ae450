//! Camera frames as the platforms hand them over (CameraX `ImageProxy`, `CVPixelBuffer`): borrowed
//! pixels with width, height, row stride, pixel format and rotation. Luma formats (Y, NV21, NV12) are
//! read in place; RGBA/BGRA are converted to luma once.

use super::ScanError;

/// Largest frame accepted, in pixels (a 24-megapixel photo): bounds memory on hostile input.
pub const MAX_PIXELS: usize = 24_000_000;
/// Largest side accepted, in pixels.
pub const MAX_SIDE: u32 = 16_384;

/// How the pixels are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PixelFormat {
    /// 8-bit luma, one byte per pixel.
    Luma8,
    /// YUV 4:2:0, Y plane then interleaved V/U (Android camera default).
    Nv21,
    /// YUV 4:2:0, Y plane then interleaved U/V (iOS `420YpCbCr8BiPlanar`).
    Nv12,
    /// 8-bit R, G, B, A.
    Rgba8888,
    /// 8-bit B, G, R, A (iOS `32BGRA`).
    Bgra8888,
}

impl PixelFormat {
    /// Bytes per pixel of the plane that carries luma (or colour).
    pub fn bytes_per_pixel(self) -> usize {
        match self {
            PixelFormat::Luma8 | PixelFormat::Nv21 | PixelFormat::Nv12 => 1,
            PixelFormat::Rgba8888 | PixelFormat::Bgra8888 => 4,
        }
    }
}

/// Clockwise rotation that turns the frame upright (CameraX `rotationDegrees`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Rotation {
    /// Already upright.
    #[default]
    R0,
    /// Rotate 90° clockwise to display.
    R90,
    /// Rotate 180°.
    R180,
    /// Rotate 270° clockwise to display.
    R270,
}

impl Rotation {
    /// From degrees (0, 90, 180, 270; other values are refused).
    pub fn from_degrees(degrees: u32) -> Result<Rotation, ScanError> {
        match degrees % 360 {
            0 => Ok(Rotation::R0),
            90 => Ok(Rotation::R90),
            180 => Ok(Rotation::R180),
            270 => Ok(Rotation::R270),
            _ => Err(ScanError::invalid_frame(format!("rotation must be 0, 90, 180 or 270 degrees, not {degrees}"))),
        }
    }
}

/// A point in upright frame coordinates (pixels, origin top-left).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    /// Horizontal, pixels.
    pub x: f32,
    /// Vertical, pixels.
    pub y: f32,
}

/// Borrowed camera pixels.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    data: &'a [u8],
    width: u32,
    height: u32,
    stride: u32,
    format: PixelFormat,
    rotation: Rotation,
}

impl<'a> Frame<'a> {
    /// A frame over `data`. `stride` is the bytes from one row of the first plane to the next. Refuses
    /// sizes that do not fit the buffer, exceed [`MAX_PIXELS`]/[`MAX_SIDE`], or overflow.
    pub fn new(
        data: &'a [u8],
        width: u32,
        height: u32,
        stride: u32,
        format: PixelFormat,
        rotation: Rotation,
    ) -> Result<Frame<'a>, ScanError> {
        if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
            return Err(ScanError::invalid_frame(format!(
                "frame {width}×{height} is empty or larger than {MAX_SIDE} a side"
            )));
        }
        let pixels = width as usize * height as usize;
        if pixels > MAX_PIXELS {
            return Err(ScanError::invalid_frame(format!("frame of {pixels} pixels exceeds {MAX_PIXELS}")));
        }
        let row = width as usize * format.bytes_per_pixel();
        if (stride as usize) < row {
            return Err(ScanError::invalid_frame(format!("stride {stride} is shorter than a row of {row} bytes")));
        }
        // Only the first plane is read: (height - 1) full strides and one row.
        let needed = (stride as usize).checked_mul(height as usize - 1).and_then(|n| n.checked_add(row));
        match needed {
            Some(n) if n <= data.len() => {}
            _ => {
                return Err(ScanError::invalid_frame(format!(
                    "{} bytes do not hold {width}×{height} at stride {stride}",
                    data.len()
                )));
            }
        }
        Ok(Frame { data, width, height, stride, format, rotation })
    }

    /// A tightly packed luma frame.
    pub fn luma(data: &'a [u8], width: u32, height: u32) -> Result<Frame<'a>, ScanError> {
        Frame::new(data, width, height, width, PixelFormat::Luma8, Rotation::R0)
    }

    /// Width of the pixel buffer (before rotation).
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height of the pixel buffer (before rotation).
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Rotation to upright.
    pub fn rotation(&self) -> Rotation {
        self.rotation
    }

    /// The luma plane itself when it is packed 8-bit luma (stride = width): read in place.
    pub(crate) fn packed_luma(&self) -> Option<&'a [u8]> {
        let (w, h) = (self.width as usize, self.height as usize);
        let luma = matches!(self.format, PixelFormat::Luma8 | PixelFormat::Nv21 | PixelFormat::Nv12);
        (luma && self.stride as usize == w).then(|| &self.data[..w * h])
    }

    /// Luma of row `y`, columns `x0..x1` (callers keep them inside the frame): borrowed from a luma
    /// plane, converted into `scratch` (at least `x1 - x0` long) from colour.
    pub(crate) fn luma_row<'s>(&'s self, y: usize, x0: usize, x1: usize, scratch: &'s mut [u8]) -> &'s [u8] {
        let start = y * self.stride as usize;
        match self.format {
            PixelFormat::Luma8 | PixelFormat::Nv21 | PixelFormat::Nv12 => &self.data[start + x0..start + x1],
            PixelFormat::Rgba8888 | PixelFormat::Bgra8888 => {
                let (r, b) = if self.format == PixelFormat::Rgba8888 { (0, 2) } else { (2, 0) };
                let out = &mut scratch[..x1 - x0];
                for (o, p) in out.iter_mut().zip(self.data[start + 4 * x0..start + 4 * x1].chunks_exact(4)) {
                    // BT.601 luma in fixed point: 0.299 R + 0.587 G + 0.114 B.
                    *o = ((77 * u32::from(p[r]) + 150 * u32::from(p[1]) + 29 * u32::from(p[b]) + 128) >> 8) as u8;
                }
                out
            }
        }
    }

    /// Maps a point in buffer coordinates to upright coordinates.
    pub(crate) fn upright(&self, p: Point) -> Point {
        let (w, h) = (self.width as f32, self.height as f32);
        match self.rotation {
            Rotation::R0 => p,
            Rotation::R90 => Point { x: h - p.y, y: p.x },
            Rotation::R180 => Point { x: w - p.x, y: h - p.y },
            Rotation::R270 => Point { x: p.y, y: w - p.x },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_frames_that_do_not_fit() {
        let buf = vec![0u8; 100];
        assert!(Frame::new(&buf, 10, 10, 10, PixelFormat::Luma8, Rotation::R0).is_ok());
        assert!(Frame::new(&buf, 10, 10, 9, PixelFormat::Luma8, Rotation::R0).is_err());
        assert!(Frame::new(&buf, 10, 11, 10, PixelFormat::Luma8, Rotation::R0).is_err());
        assert!(Frame::new(&buf, 5, 5, 20, PixelFormat::Rgba8888, Rotation::R0).is_ok());
        assert!(Frame::new(&buf, 5, 6, 20, PixelFormat::Rgba8888, Rotation::R0).is_err());
        assert!(Frame::new(&buf, 0, 10, 10, PixelFormat::Luma8, Rotation::R0).is_err());
        assert!(Frame::new(&buf, u32::MAX, 1, u32::MAX, PixelFormat::Luma8, Rotation::R0).is_err());
        assert!(Frame::new(&buf, 10_000, 10_000, 10_000, PixelFormat::Luma8, Rotation::R0).is_err());
        assert!(Rotation::from_degrees(45).is_err());
        assert_eq!(Rotation::from_degrees(450).unwrap(), Rotation::R90);
    }

    #[test]
    fn reads_luma_from_every_format() {
        // 2×2 pixels with a padded stride of 3 (luma) / 12 (colour).
        let row = |f: &Frame<'_>, y| f.luma_row(y, 0, 2, &mut [0u8; 2]).to_vec();
        let luma = [10u8, 20, 0, 30, 40, 0];
        let f = Frame::new(&luma, 2, 2, 3, PixelFormat::Nv21, Rotation::R0).unwrap();
        assert_eq!((row(&f, 0), row(&f, 1)), (vec![10, 20], vec![30, 40]));
        assert!(f.packed_luma().is_none(), "padded rows are not packed");
        let rgba = [10, 10, 10, 255, 20, 20, 20, 255, 0, 0, 0, 0, 30, 30, 30, 255, 255, 0, 0, 255, 0, 0, 0, 0];
        let f = Frame::new(&rgba, 2, 2, 12, PixelFormat::Rgba8888, Rotation::R0).unwrap();
        assert_eq!((row(&f, 0), row(&f, 1)), (vec![10, 20], vec![30, 77]));
        let f = Frame::new(&rgba, 2, 2, 12, PixelFormat::Bgra8888, Rotation::R0).unwrap();
        assert_eq!(row(&f, 1), vec![30, 29]);
        assert_eq!(f.luma_row(1, 1, 2, &mut [0u8; 1]), &[29]);
        let packed = [1u8, 2, 3, 4];
        assert_eq!(Frame::luma(&packed, 2, 2).unwrap().packed_luma(), Some(&packed[..]));
    }

    #[test]
    fn maps_points_upright() {
        let buf = vec![0u8; 200];
        let at = |r| Frame::new(&buf, 20, 10, 20, PixelFormat::Luma8, r).unwrap().upright(Point { x: 2.0, y: 3.0 });
        assert_eq!(at(Rotation::R0), Point { x: 2.0, y: 3.0 });
        assert_eq!(at(Rotation::R90), Point { x: 7.0, y: 2.0 });
        assert_eq!(at(Rotation::R180), Point { x: 18.0, y: 7.0 });
        assert_eq!(at(Rotation::R270), Point { x: 3.0, y: 18.0 });
    }
}
