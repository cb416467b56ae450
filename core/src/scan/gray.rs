//! Packed 8-bit grey images and the filters the passes use, each writing into a buffer the scanner
//! keeps (no allocation once the buffers have grown to the frame size) and checking the deadline
//! every few rows.

use super::budget::{Deadline, Interrupted};
use super::frame::Frame;

/// A packed 8-bit grey image, borrowed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Gray<'a> {
    pub width: usize,
    pub height: usize,
    pub data: &'a [u8],
}

impl Gray<'_> {
    /// Pixel at (x, y); callers keep x < width, y < height.
    #[cfg(test)]
    pub fn at(&self, x: usize, y: usize) -> u8 {
        self.data[y * self.width + x]
    }

    fn row(&self, y: usize) -> &[u8] {
        &self.data[y * self.width..][..self.width]
    }

    /// Pixels.
    pub fn pixels(&self) -> usize {
        self.width * self.height
    }
}

/// Row buffers the filters share.
#[derive(Debug, Default)]
pub(crate) struct RowScratch {
    luma: Vec<u8>,
    sums: Vec<u32>,
    lo: Vec<u8>,
    mid: Vec<u8>,
    hi: Vec<u8>,
}

/// `out` resized to `len` without shrinking its capacity.
fn sized(out: &mut Vec<u8>, len: usize) -> &mut [u8] {
    out.resize(len, 0);
    &mut out[..len]
}

/// The frame's luma reduced `k` times (each pixel the mean of a k×k block; `k = 1` copies), into `out`.
/// Colour frames are converted row by row, so the whole frame is never held as luma.
pub(crate) fn reduce<'o>(
    frame: &Frame<'_>,
    k: usize,
    out: &'o mut Vec<u8>,
    scratch: &mut RowScratch,
    deadline: &mut Deadline<'_>,
) -> Result<Gray<'o>, Interrupted> {
    let k = k.max(1);
    let (fw, fh) = (frame.width() as usize, frame.height() as usize);
    let (w, h) = (fw / k, fh / k);
    let data = sized(out, w * h);
    scratch.luma.resize(fw, 0);
    scratch.sums.resize(w, 0);
    let area = (k * k) as u32;
    for y in 0..h {
        deadline.check_row(y)?;
        let dst = &mut data[y * w..][..w];
        if k == 1 {
            dst.copy_from_slice(frame.luma_row(y, 0, w, &mut scratch.luma));
            continue;
        }
        scratch.sums.fill(0);
        for r in 0..k {
            let src = frame.luma_row(y * k + r, 0, w * k, &mut scratch.luma);
            for (s, block) in scratch.sums.iter_mut().zip(src.chunks_exact(k)) {
                *s += block.iter().map(|&p| u32::from(p)).sum::<u32>();
            }
        }
        for (d, &s) in dst.iter_mut().zip(&scratch.sums) {
            *d = ((s + area / 2) / area) as u8;
        }
    }
    Ok(Gray { width: w, height: h, data })
}

/// `src` reduced `k` times (each pixel the mean of a k×k block), into `out`.
pub(crate) fn shrink<'o>(
    src: Gray<'_>,
    k: usize,
    out: &'o mut Vec<u8>,
    scratch: &mut RowScratch,
    deadline: &mut Deadline<'_>,
) -> Result<Gray<'o>, Interrupted> {
    match Frame::luma(src.data, src.width as u32, src.height as u32) {
        Ok(frame) => reduce(&frame, k, out, scratch, deadline),
        Err(_) => Ok(Gray { width: 0, height: 0, data: &sized(out, 0)[..] }),
    }
}

/// 3×3 median (edges copied) into `out`: removes one-pixel scratches and speckle noise. Each column's
/// vertical triple is sorted, then the median is med(max of lows, med of mids, min of highs) over
/// three columns: only min and max, so it vectorises.
pub(crate) fn median3<'o>(
    src: Gray<'_>,
    out: &'o mut Vec<u8>,
    scratch: &mut RowScratch,
    deadline: &mut Deadline<'_>,
) -> Result<Gray<'o>, Interrupted> {
    let (w, h) = (src.width, src.height);
    let data = sized(out, w * h);
    data.copy_from_slice(&src.data[..w * h]);
    if w < 3 || h < 3 {
        return Ok(Gray { width: w, height: h, data });
    }
    for v in [&mut scratch.lo, &mut scratch.mid, &mut scratch.hi] {
        v.resize(w, 0);
    }
    let (lo, mid, hi) = (&mut scratch.lo, &mut scratch.mid, &mut scratch.hi);
    for y in 1..h - 1 {
        deadline.check_row(y)?;
        let (a, b, c) = (src.row(y - 1), src.row(y), src.row(y + 1));
        for x in 0..w {
            let (p, q, r) = (a[x], b[x], c[x]);
            let (p, q) = (p.min(q), p.max(q));
            let (q, r) = (q.min(r), q.max(r));
            let (p, q) = (p.min(q), p.max(q));
            (lo[x], mid[x], hi[x]) = (p, q, r);
        }
        let row = &mut data[y * w..][..w];
        for x in 1..w - 1 {
            let l = lo[x - 1].max(lo[x]).max(lo[x + 1]);
            let h = hi[x - 1].min(hi[x]).min(hi[x + 1]);
            let (m0, m1, m2) = (mid[x - 1], mid[x], mid[x + 1]);
            let m = m0.min(m1).max(m0.max(m1).min(m2));
            row[x] = l.min(m).max(l.max(m).min(h));
        }
    }
    Ok(Gray { width: w, height: h, data })
}

/// Unsharp mask `2·p − mean3×3(p)`, clamped, into `out`: steepens the edges a blurred lens leaves.
pub(crate) fn sharpen<'o>(
    src: Gray<'_>,
    out: &'o mut Vec<u8>,
    deadline: &mut Deadline<'_>,
) -> Result<Gray<'o>, Interrupted> {
    let (w, h) = (src.width, src.height);
    let data = sized(out, w * h);
    data.copy_from_slice(&src.data[..w * h]);
    for y in 1..h.saturating_sub(1) {
        deadline.check_row(y)?;
        let (a, b, c) = (src.row(y - 1), src.row(y), src.row(y + 1));
        for x in 1..w - 1 {
            let sum: i32 = [a, b, c].iter().map(|r| i32::from(r[x - 1]) + i32::from(r[x]) + i32::from(r[x + 1])).sum();
            data[y * w + x] = (2 * i32::from(b[x]) - sum / 9).clamp(0, 255) as u8;
        }
    }
    Ok(Gray { width: w, height: h, data })
}

/// The frame's luma in the rectangle `[x0, x0+w) × [y0, y0+h)` (clamped to the frame), into `out`.
pub(crate) fn crop<'o>(
    frame: &Frame<'_>,
    (x0, y0, w, h): (usize, usize, usize, usize),
    out: &'o mut Vec<u8>,
    scratch: &mut RowScratch,
    deadline: &mut Deadline<'_>,
) -> Result<Gray<'o>, Interrupted> {
    let (fw, fh) = (frame.width() as usize, frame.height() as usize);
    let (x0, y0) = (x0.min(fw), y0.min(fh));
    let (cw, ch) = ((x0 + w).min(fw) - x0, (y0 + h).min(fh) - y0);
    let data = sized(out, cw * ch);
    scratch.luma.resize(fw, 0);
    for y in 0..ch {
        deadline.check_row(y)?;
        data[y * cw..][..cw].copy_from_slice(frame.luma_row(y0 + y, x0, x0 + cw, &mut scratch.luma));
    }
    Ok(Gray { width: cw, height: ch, data })
}

/// [`crop`] scaled by `scale` (bilinear) into `out`; `region` holds the unscaled crop.
pub(crate) fn crop_scaled<'o>(
    frame: &Frame<'_>,
    rect: (usize, usize, usize, usize),
    scale: f32,
    region: &mut Vec<u8>,
    out: &'o mut Vec<u8>,
    scratch: &mut RowScratch,
    deadline: &mut Deadline<'_>,
) -> Result<Gray<'o>, Interrupted> {
    let Gray { width: cw, height: ch, data: src } = crop(frame, rect, region, scratch, deadline)?;
    let (ow, oh) = (((cw as f32) * scale) as usize, ((ch as f32) * scale) as usize);
    let data = sized(out, ow * oh);
    if cw == 0 || ch == 0 {
        return Ok(Gray { width: 0, height: 0, data: &data[..0] });
    }
    let p = |x: usize, y: usize| f32::from(src[y * cw + x]);
    for oy in 0..oh {
        deadline.check_row(oy)?;
        let sy = ((oy as f32 + 0.5) / scale - 0.5).clamp(0.0, (ch - 1) as f32);
        let (iy, fy) = (sy as usize, sy.fract());
        let iy1 = (iy + 1).min(ch - 1);
        for ox in 0..ow {
            let sx = ((ox as f32 + 0.5) / scale - 0.5).clamp(0.0, (cw - 1) as f32);
            let (ix, fx) = (sx as usize, sx.fract());
            let ix1 = (ix + 1).min(cw - 1);
            let top = p(ix, iy) * (1.0 - fx) + p(ix1, iy) * fx;
            let bottom = p(ix, iy1) * (1.0 - fx) + p(ix1, iy1) * fx;
            data[oy * ow + ox] = (top * (1.0 - fy) + bottom * fy).round() as u8;
        }
    }
    Ok(Gray { width: ow, height: oh, data })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::budget::MonotonicClock;
    use crate::scan::frame::{PixelFormat, Rotation};
    use std::time::Duration;

    fn deadline(clock: &MonotonicClock) -> Deadline<'_> {
        Deadline::new(clock, Duration::from_secs(60))
    }

    #[test]
    fn median_removes_thin_lines() {
        let clock = MonotonicClock::default();
        let (w, h) = (8, 8);
        let mut data = vec![200u8; w * h];
        for x in 0..w {
            data[3 * w + x] = 20; // a one-pixel dark scratch
        }
        data[6 * w + 6] = 0; // a speck
        let (mut out, mut scratch) = (Vec::new(), RowScratch::default());
        let m =
            median3(Gray { width: w, height: h, data: &data }, &mut out, &mut scratch, &mut deadline(&clock)).unwrap();
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
        let g = Gray { width: 64, height: 64, data: &noisy };
        let m = median3(g, &mut out, &mut scratch, &mut deadline(&clock)).unwrap();
        for (x, y) in [(1usize, 1usize), (30, 17), (62, 62)] {
            let mut window: Vec<u8> = (0..9).map(|i| noisy[(y + i / 3 - 1) * 64 + x + i % 3 - 1]).collect();
            window.sort_unstable();
            assert_eq!(m.at(x, y), window[4], "({x}, {y})");
        }
    }

    #[test]
    fn resamples_frames_and_images() {
        let clock = MonotonicClock::default();
        let (mut out, mut region, mut scratch) = (Vec::new(), Vec::new(), RowScratch::default());
        let luma = [0u8, 100, 200, 255, 0, 100, 200, 255];
        let g = Gray { width: 4, height: 2, data: &luma };
        let h = shrink(g, 2, &mut out, &mut scratch, &mut deadline(&clock)).unwrap();
        assert_eq!((h.width, h.height, h.data), (2, 1, &[50u8, 228][..]));
        // An RGBA frame reduced 2×: converted row by row, then averaged.
        let rgba: Vec<u8> = (0..2).flat_map(|_| [10u8, 20, 30, 40].iter().flat_map(|&v| [v, v, v, 255])).collect();
        let f = Frame::new(&rgba, 4, 2, 16, PixelFormat::Rgba8888, Rotation::R0).unwrap();
        let r = reduce(&f, 2, &mut out, &mut scratch, &mut deadline(&clock)).unwrap();
        assert_eq!((r.width, r.height, r.data), (2, 1, &[15u8, 35][..]));
        let f = Frame::luma(&luma, 4, 2).unwrap();
        let up =
            crop_scaled(&f, (1, 0, 2, 2), 2.0, &mut region, &mut out, &mut scratch, &mut deadline(&clock)).unwrap();
        assert_eq!((up.width, up.height), (4, 4));
        assert_eq!((up.at(0, 0), up.at(3, 3)), (100, 200));
        let edge =
            crop_scaled(&f, (3, 1, 9, 9), 1.0, &mut region, &mut out, &mut scratch, &mut deadline(&clock)).unwrap();
        assert_eq!((edge.width, edge.height, edge.data), (1, 1, &[255u8][..]), "clamped to the frame");
    }

    #[test]
    fn filters_stop_at_the_deadline() {
        let clock = crate::scan::budget::tests::ManualClock::default();
        let mut d = Deadline::new(&clock, Duration::from_millis(1));
        clock.advance(Duration::from_millis(2));
        let data = vec![0u8; 64 * 64];
        let g = Gray { width: 64, height: 64, data: &data };
        let mut out = Vec::new();
        assert!(sharpen(g, &mut out, &mut d).is_err());
        assert!(shrink(g, 2, &mut out, &mut RowScratch::default(), &mut d).is_err());
    }
}
