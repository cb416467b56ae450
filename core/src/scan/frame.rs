//! Camera frames as the platforms hand them over (CameraX `ImageProxy`, `CVPixelBuffer`): borrowed
//! pixels with width, height, row stride, pixel format and rotation. Luma formats (Y, NV21, NV12) are
//! read in place; RGBA/BGRA are converted to luma once.

use std::borrow::Cow;

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

    /// The luma plane as a packed grey image: borrowed when the rows are already packed luma.
    pub(crate) fn gray(&self) -> Gray<'a> {
        let (w, h, stride) = (self.width as usize, self.height as usize, self.stride as usize);
        let data = match self.format {
            PixelFormat::Luma8 | PixelFormat::Nv21 | PixelFormat::Nv12 if stride == w => {
                Cow::Borrowed(&self.data[..w * h])
            }
            PixelFormat::Luma8 | PixelFormat::Nv21 | PixelFormat::Nv12 => {
                let mut out = Vec::with_capacity(w * h);
                for row in self.data.chunks(stride).take(h) {
                    out.extend_from_slice(&row[..w]);
                }
                Cow::Owned(out)
            }
            PixelFormat::Rgba8888 | PixelFormat::Bgra8888 => {
                let (r, b) = if self.format == PixelFormat::Rgba8888 { (0, 2) } else { (2, 0) };
                let mut out = Vec::with_capacity(w * h);
                for row in self.data.chunks(stride).take(h) {
                    // BT.601 luma in fixed point: 0.299 R + 0.587 G + 0.114 B.
                    out.extend(row[..w * 4].chunks_exact(4).map(|p| {
                        ((77 * u32::from(p[r]) + 150 * u32::from(p[1]) + 29 * u32::from(p[b]) + 128) >> 8) as u8
                    }));
                }
                Cow::Owned(out)
            }
        };
        Gray { width: w, height: h, data }
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

/// A packed 8-bit grey image.
#[derive(Debug, Clone)]
pub(crate) struct Gray<'a> {
    pub width: usize,
    pub height: usize,
    pub data: Cow<'a, [u8]>,
}

impl Gray<'_> {
    /// Pixel at (x, y); callers keep x < width, y < height.
    pub fn at(&self, x: usize, y: usize) -> u8 {
        self.data[y * self.width + x]
    }

    /// Half size, each pixel the mean of a 2×2 block.
    pub fn half(&self) -> Gray<'static> {
        let (w, h) = (self.width / 2, self.height / 2);
        let mut out = Vec::with_capacity(w * h);
        for y in 0..h {
            let (r0, r1) = (&self.data[2 * y * self.width..], &self.data[(2 * y + 1) * self.width..]);
            out.extend((0..w).map(|x| {
                ((u16::from(r0[2 * x])
                    + u16::from(r0[2 * x + 1])
                    + u16::from(r1[2 * x])
                    + u16::from(r1[2 * x + 1])
                    + 2)
                    >> 2) as u8
            }));
        }
        Gray { width: w, height: h, data: Cow::Owned(out) }
    }

    /// 3×3 median (edges copied): removes one-pixel scratches and speckle noise. Each column's
    /// vertical triple is sorted, then the median is med(max of lows, med of mids, min of highs) over
    /// three columns: only min and max, so it vectorises.
    pub fn median3(&self) -> Gray<'static> {
        let (w, h) = (self.width, self.height);
        let mut out = self.data.to_vec();
        if w < 3 || h < 3 {
            return Gray { width: w, height: h, data: Cow::Owned(out) };
        }
        let (mut lo, mut mid, mut hi) = (vec![0u8; w], vec![0u8; w], vec![0u8; w]);
        for y in 1..h - 1 {
            let (a, b, c) = (&self.data[(y - 1) * w..][..w], &self.data[y * w..][..w], &self.data[(y + 1) * w..][..w]);
            for x in 0..w {
                let (p, q, r) = (a[x], b[x], c[x]);
                let (p, q) = (p.min(q), p.max(q));
                let (q, r) = (q.min(r), q.max(r));
                let (p, q) = (p.min(q), p.max(q));
                (lo[x], mid[x], hi[x]) = (p, q, r);
            }
            let row = &mut out[y * w..][..w];
            for x in 1..w - 1 {
                let l = lo[x - 1].max(lo[x]).max(lo[x + 1]);
                let h = hi[x - 1].min(hi[x]).min(hi[x + 1]);
                let (m0, m1, m2) = (mid[x - 1], mid[x], mid[x + 1]);
                let m = m0.min(m1).max(m0.max(m1).min(m2));
                row[x] = l.min(m).max(l.max(m).min(h));
            }
        }
        Gray { width: w, height: h, data: Cow::Owned(out) }
    }

    /// Unsharp mask: `2·p − mean3×3(p)`, clamped. Steepens the edges a blurred lens leaves.
    pub fn sharpen(&self) -> Gray<'static> {
        let (w, h) = (self.width, self.height);
        let mut out = self.data.to_vec();
        for y in 1..h.saturating_sub(1) {
            let (a, b, c) = (&self.data[(y - 1) * w..][..w], &self.data[y * w..][..w], &self.data[(y + 1) * w..][..w]);
            for x in 1..w - 1 {
                let sum: i32 =
                    [a, b, c].iter().map(|r| i32::from(r[x - 1]) + i32::from(r[x]) + i32::from(r[x + 1])).sum();
                out[y * w + x] = (2 * i32::from(b[x]) - sum / 9).clamp(0, 255) as u8;
            }
        }
        Gray { width: w, height: h, data: Cow::Owned(out) }
    }

    /// The rectangle `[x0, x0+w) × [y0, y0+h)` (clamped to the image), scaled by `scale` (bilinear).
    pub fn crop_scaled(&self, x0: usize, y0: usize, w: usize, h: usize, scale: f32) -> Gray<'static> {
        let (x1, y1) = ((x0 + w).min(self.width), (y0 + h).min(self.height));
        let (cw, ch) = (x1.saturating_sub(x0), y1.saturating_sub(y0));
        let (ow, oh) = (((cw as f32) * scale) as usize, ((ch as f32) * scale) as usize);
        let mut out = Vec::with_capacity(ow * oh);
        for oy in 0..oh {
            let sy = ((oy as f32 + 0.5) / scale - 0.5).clamp(0.0, (ch.max(1) - 1) as f32);
            let (iy, fy) = (sy as usize, sy.fract());
            let iy1 = (iy + 1).min(ch.max(1) - 1);
            for ox in 0..ow {
                let sx = ((ox as f32 + 0.5) / scale - 0.5).clamp(0.0, (cw.max(1) - 1) as f32);
                let (ix, fx) = (sx as usize, sx.fract());
                let ix1 = (ix + 1).min(cw.max(1) - 1);
                let p = |x: usize, y: usize| f32::from(self.at(x0 + x, y0 + y));
                let top = p(ix, iy) * (1.0 - fx) + p(ix1, iy) * fx;
                let bottom = p(ix, iy1) * (1.0 - fx) + p(ix1, iy1) * fx;
                out.push((top * (1.0 - fy) + bottom * fy).round() as u8);
            }
        }
        Gray { width: ow, height: oh, data: Cow::Owned(out) }
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
        let luma = [10u8, 20, 0, 30, 40, 0];
        let f = Frame::new(&luma, 2, 2, 3, PixelFormat::Nv21, Rotation::R0).unwrap();
        assert_eq!(&*f.gray().data, &[10, 20, 30, 40]);
        let rgba = [10, 10, 10, 255, 20, 20, 20, 255, 0, 0, 0, 0, 30, 30, 30, 255, 255, 0, 0, 255, 0, 0, 0, 0];
        let f = Frame::new(&rgba, 2, 2, 12, PixelFormat::Rgba8888, Rotation::R0).unwrap();
        assert_eq!(&*f.gray().data, &[10, 20, 30, 77]);
        let f = Frame::new(&rgba, 2, 2, 12, PixelFormat::Bgra8888, Rotation::R0).unwrap();
        assert_eq!(&*f.gray().data, &[10, 20, 30, 29]);
        let packed = [1u8, 2, 3, 4];
        assert!(matches!(Frame::luma(&packed, 2, 2).unwrap().gray().data, Cow::Borrowed(_)));
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

    #[test]
    fn median_removes_thin_lines() {
        let (w, h) = (8, 8);
        let mut data = vec![200u8; w * h];
        for x in 0..w {
            data[3 * w + x] = 20; // a one-pixel dark scratch
        }
        data[6 * w + 6] = 0; // a speck
        let m = Gray { width: w, height: h, data: Cow::Owned(data) }.median3();
        assert!(
            m.data
                .iter()
                .skip(w)
                .take(w * (h - 2))
                .enumerate()
                .all(|(i, &v)| v == 200 || (i + w) % w == 0 || (i + w) % w == w - 1)
        );
        let mut rng = 12345u32;
        let noisy: Vec<u8> = (0..64 * 64)
            .map(|_| {
                rng = rng.wrapping_mul(1_103_515_245).wrapping_add(12345);
                (rng >> 24) as u8
            })
            .collect();
        let g = Gray { width: 64, height: 64, data: Cow::Owned(noisy.clone()) };
        let m = g.median3();
        for (x, y) in [(1usize, 1usize), (30, 17), (62, 62)] {
            let mut window: Vec<u8> = (0..9).map(|i| noisy[(y + i / 3 - 1) * 64 + x + i % 3 - 1]).collect();
            window.sort_unstable();
            assert_eq!(m.at(x, y), window[4], "({x}, {y})");
        }
    }

    #[test]
    fn resamples() {
        let g = Gray { width: 4, height: 2, data: Cow::Owned(vec![0, 100, 200, 255, 0, 100, 200, 255]) };
        let half = g.half();
        assert_eq!((half.width, half.height, &*half.data), (2, 1, &[50u8, 228][..]));
        let up = g.crop_scaled(1, 0, 2, 2, 2.0);
        assert_eq!((up.width, up.height), (4, 4));
        assert_eq!(up.at(0, 0), 100);
        assert_eq!(up.at(3, 3), 200);
    }
}
