//! Binarisation, output as rxing's `BitMatrix` (set = dark).
//!
//! - [`binarize`]: local thresholds in the style of ZXing's hybrid binariser: 8×8 blocks, each
//!   block's black point from its own range, thresholds averaged over 5×5 blocks; flat blocks (range
//!   at or below `min_range`) are assumed light unless they continue darker neighbours. Fast and clean
//!   on well-lit codes.
//! - [`binarize_mean`]: each pixel against the mean of a square window around it, less an offset. Reads
//!   codes of 30–50 grey levels whose quiet zone the hybrid rule mistakes for background.

use rxing::common::{BitArray, BitMatrix};

use super::frame::Gray;

const BLOCK: usize = 8;

/// Dynamic range below which a block counts as flat: ZXing's default.
pub(crate) const NORMAL_RANGE: u32 = 24;
/// How far below the window mean a pixel must be to count as dark: above sensor noise, below half
/// the contrast of a faint code.
pub(crate) const MEAN_OFFSET: u32 = 5;

/// Binarises `gray`; `None` for images too small to hold a QR code.
pub(crate) fn binarize(gray: &Gray<'_>, min_range: u32) -> Option<BitMatrix> {
    let (w, h) = (gray.width, gray.height);
    if w < 21 || h < 21 {
        return None;
    }
    let (bw, bh) = (w.div_ceil(BLOCK), h.div_ceil(BLOCK));
    let data = gray.data.get(..w * h)?;
    let black_points = black_points(data, w, h, bw, bh, min_range);
    let thresholds = thresholds(&black_points, bw, bh);

    let mut matrix = BitMatrix::new(w as u32, h as u32).ok()?;
    let mut bits = BitArray::with_size(w);
    let mut row_thresholds = vec![0u8; w];
    let mut dark = vec![0u8; w.next_multiple_of(WORD)];
    for y in 0..h {
        if y % BLOCK == 0 {
            let block_row = &thresholds[(y / BLOCK) * bw..][..bw];
            for (x, t) in row_thresholds.iter_mut().enumerate() {
                *t = block_row[x / BLOCK];
            }
        }
        for ((d, p), t) in dark.iter_mut().zip(&data[y * w..][..w]).zip(&row_thresholds) {
            *d = u8::from(p <= t);
        }
        for (i, word) in dark.chunks_exact(WORD).enumerate() {
            bits.setBulk(i * WORD, pack(word));
        }
        matrix.setRow(y as u32, &bits);
    }
    Some(matrix)
}

/// Binarises `gray` against the mean of a (2r+1)² window, less `offset`; `None` for tiny images.
pub(crate) fn binarize_mean(gray: &Gray<'_>, radius: usize, offset: u32) -> Option<BitMatrix> {
    let (w, h) = (gray.width, gray.height);
    if w < 21 || h < 21 {
        return None;
    }
    let data = gray.data.get(..w * h)?;
    // Integral image, one row and column of zeros in front.
    let stride = w + 1;
    let mut integral = vec![0u32; stride * (h + 1)];
    for y in 0..h {
        let mut run = 0u32;
        let (above, here) = integral[y * stride..(y + 2) * stride].split_at_mut(stride);
        for x in 0..w {
            run += u32::from(data[y * w + x]);
            here[x + 1] = above[x + 1] + run;
        }
    }
    let mut matrix = BitMatrix::new(w as u32, h as u32).ok()?;
    let mut bits = BitArray::with_size(w);
    let mut dark = vec![0u8; w.next_multiple_of(WORD)];
    let spans: Vec<(usize, usize)> = (0..w).map(|x| (x.saturating_sub(radius), (x + radius + 1).min(w))).collect();
    for y in 0..h {
        let (y0, y1) = (y.saturating_sub(radius), (y + radius + 1).min(h));
        let (top, bottom) = (&integral[y0 * stride..][..stride], &integral[y1 * stride..][..stride]);
        let rows = (y1 - y0) as u32;
        for ((d, &p), &(x0, x1)) in dark.iter_mut().zip(&data[y * w..][..w]).zip(&spans) {
            let sum = bottom[x1] + top[x0] - bottom[x0] - top[x1];
            let n = rows * (x1 - x0) as u32;
            *d = u8::from((u32::from(p) + offset) * n <= sum);
        }
        for (i, word) in dark.chunks_exact(WORD).enumerate() {
            bits.setBulk(i * WORD, pack(word));
        }
        matrix.setRow(y as u32, &bits);
    }
    Some(matrix)
}

/// Window radius for [`binarize_mean`]: three or four modules of a code filling a useful part of the
/// frame; wider windows let a finder pattern's own dark ring drag its threshold down.
pub(crate) fn mean_radius(gray: &Gray<'_>) -> usize {
    (gray.width.max(gray.height) / 100).clamp(8, 16)
}

const WORD: usize = usize::BITS as usize;

/// Packs `WORD` bytes of 0/1 into a word, byte i to bit i (eight bytes at a time by multiplication:
/// each byte's bit lands at its own position in the top byte, with no carries).
fn pack(bytes: &[u8]) -> usize {
    bytes.chunks_exact(8).enumerate().fold(0usize, |acc, (i, eight)| {
        let x = u64::from_le_bytes(eight.try_into().unwrap_or([0; 8]));
        acc | ((x.wrapping_mul(0x0102_0408_1020_4080) >> 56) as usize) << (8 * i)
    })
}

/// Each block's black point: its mean, or for a flat block half its minimum unless it continues the
/// darker blocks above and to the left. Column sums, minima and maxima are gathered a whole row at a
/// time, so the inner loops vectorise.
fn black_points(data: &[u8], w: usize, h: usize, bw: usize, bh: usize, min_range: u32) -> Vec<u32> {
    let mut out = vec![0u32; bw * bh];
    let (mut sums, mut lows, mut highs) = (vec![0u16; w], vec![0u8; w], vec![0u8; w]);
    for by in 0..bh {
        // The last block row and column are shifted inwards to stay whole.
        let y0 = (by * BLOCK).min(h - BLOCK);
        let mut rows = data[y0 * w..].chunks_exact(w).take(BLOCK);
        let first = rows.next().unwrap_or_default();
        for (((s, lo), hi), &p) in sums.iter_mut().zip(&mut lows).zip(&mut highs).zip(first) {
            (*s, *lo, *hi) = (u16::from(p), p, p);
        }
        for row in rows {
            for (((s, lo), hi), &p) in sums.iter_mut().zip(&mut lows).zip(&mut highs).zip(row) {
                *s += u16::from(p);
                *lo = (*lo).min(p);
                *hi = (*hi).max(p);
            }
        }
        for bx in 0..bw {
            let x0 = (bx * BLOCK).min(w - BLOCK);
            let cols = x0..x0 + BLOCK;
            let sum: u32 = sums[cols.clone()].iter().map(|&s| u32::from(s)).sum();
            let lo = u32::from(lows[cols.clone()].iter().copied().min().unwrap_or(0));
            let hi = u32::from(highs[cols].iter().copied().max().unwrap_or(0));
            let mut average = sum / (BLOCK * BLOCK) as u32;
            if hi - lo <= min_range {
                average = lo / 2;
                if by > 0 && bx > 0 {
                    let i = by * bw + bx;
                    let neighbours = (out[i - bw] + 2 * out[i - 1] + out[i - bw - 1]) / 4;
                    if lo < neighbours {
                        average = neighbours;
                    }
                }
            }
            out[by * bw + bx] = average;
        }
    }
    out
}

/// Threshold per block: the mean black point of the 5×5 blocks around it, the window kept inside the
/// grid. Separable: five-wide sums along rows, then along columns.
fn thresholds(black_points: &[u32], bw: usize, bh: usize) -> Vec<u8> {
    let start = |i: usize, n: usize| i.saturating_sub(2).min(n.saturating_sub(5));
    let span = |n: usize| 5.min(n) as u32;
    let mut across = vec![0u32; bw * bh];
    for by in 0..bh {
        let row = &black_points[by * bw..][..bw];
        for bx in 0..bw {
            let s = start(bx, bw);
            across[by * bw + bx] = row[s..s + span(bw) as usize].iter().sum();
        }
    }
    let n = span(bw) * span(bh);
    let mut out = vec![0u8; bw * bh];
    for by in 0..bh {
        let s = start(by, bh);
        for bx in 0..bw {
            let sum: u32 = (s..s + span(bh) as usize).map(|y| across[y * bw + bx]).sum();
            out[by * bw + bx] = (sum / n).min(255) as u8;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    #[test]
    fn reads_modules_under_a_shadow() {
        // 4-pixel modules in a checkerboard, 60 vs 160, with the lower half 50 darker (a shadow).
        let (w, h) = (96, 96);
        let value = |x: usize, y: usize| {
            let dark = (x / 4 + y / 4).is_multiple_of(2);
            (if dark { 60 } else { 160 }) - if y >= 48 { 50 } else { 0 }
        };
        let data: Vec<u8> = (0..w * h).map(|i| value(i % w, i / w)).collect();
        let m = binarize(&Gray { width: w, height: h, data: Cow::Owned(data) }, NORMAL_RANGE).unwrap();
        for (x, y) in [(2, 2), (6, 2), (50, 30), (54, 30), (2, 90), (6, 90), (50, 70), (54, 70)] {
            assert_eq!(m.get(x as u32, y as u32), (x / 4 + y / 4) % 2 == 0, "({x}, {y})");
        }
        assert!(binarize(&Gray { width: 10, height: 10, data: Cow::Owned(vec![0; 100]) }, NORMAL_RANGE).is_none());
    }

    #[test]
    fn mean_threshold_reads_faint_modules_beside_a_flat_quiet_zone() {
        // A faint checkerboard (130 vs 150) in the right half, a flat 150 quiet zone on the left.
        let (w, h) = (96, 64);
        let value = |x: usize, y: usize| if x < 48 || (x / 4 + y / 4) % 2 == 1 { 150 } else { 130 };
        let data: Vec<u8> = (0..w * h).map(|i| value(i % w, i / w)).collect();
        let gray = Gray { width: w, height: h, data: Cow::Owned(data) };
        let m = binarize_mean(&gray, 8, MEAN_OFFSET).unwrap();
        for (x, y) in [(50, 2), (54, 2), (70, 30), (74, 30), (10, 10), (40, 40)] {
            assert_eq!(m.get(x as u32, y as u32), value(x, y) == 130, "({x}, {y})");
        }
    }
}
