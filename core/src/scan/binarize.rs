//! Binarisation into a [`Binary`] the scanner keeps from frame to frame (set = dark).
//!
//! - [`hybrid`]: local thresholds over 8×8 blocks in one of two styles ([`Blocks`]): ZXing's classic
//!   hybrid binariser (each block's black point its mean, flat blocks assumed light unless they
//!   continue darker neighbours, averaged over 5×5 blocks), or ZXing-C++ 2's (each block's threshold
//!   the middle of its range, flat blocks taking the smoothed threshold of the blocks around them that
//!   have contrast) — the second reads faint codes on a gradient, the first is cleaner on scratched
//!   and blurred ones.
//! - [`mean`]: each pixel against the mean of a square window around it, less an offset. Reads
//!   faint codes whose quiet zone the hybrid rule mistakes for background.
//!
//! Both check the deadline every few rows.

use rxing::common::{BitArray, BitMatrix};

use super::budget::{Deadline, Interrupted};
use super::gray::Gray;

const BLOCK: usize = 8;
/// Images narrower than the smallest symbol are not binarised.
const MIN_SIDE: usize = 21;
const WORD: usize = usize::BITS as usize;

/// Dynamic range below which a block counts as flat: ZXing's default.
pub(crate) const NORMAL_RANGE: u32 = 24;
/// How far below the window mean a pixel must be to count as dark: above sensor noise, below half
/// the contrast of a faint code.
pub(crate) const MEAN_OFFSET: u32 = 5;

/// A binarised image: rxing's `BitMatrix` for its detector and decoder, and the same bits as
/// packed words per row for our finder-pattern scan.
#[derive(Debug)]
pub(crate) struct Binary {
    pub matrix: BitMatrix,
    words: Vec<usize>,
    row_words: usize,
    row: BitArray,
    inverted: bool,
}

impl Binary {
    /// The binary image in `slot`, reused when it already has this size.
    pub fn sized(slot: &mut Option<Binary>, width: usize, height: usize) -> Option<&mut Binary> {
        let fits = slot.as_ref().is_some_and(|b| b.width() == width && b.height() == height);
        if !fits {
            let matrix = BitMatrix::new(width as u32, height as u32).ok()?;
            let row_words = width.div_ceil(WORD);
            *slot = Some(Binary {
                matrix,
                words: vec![0; row_words * height],
                row_words,
                row: BitArray::with_size(width),
                inverted: false,
            });
        }
        let binary = slot.as_mut()?;
        binary.inverted = false;
        Some(binary)
    }

    pub fn width(&self) -> usize {
        self.matrix.width() as usize
    }

    pub fn height(&self) -> usize {
        self.matrix.height() as usize
    }

    /// The packed words of row `y` as binarised (not inverted); bit i of word j is pixel 64j + i.
    pub fn row_words(&self, y: usize) -> &[usize] {
        &self.words[y * self.row_words..][..self.row_words]
    }

    /// True when the matrix holds the image light-on-dark.
    pub fn inverted(&self) -> bool {
        self.inverted
    }

    /// Flips every bit of the matrix (to read light modules on a dark ground) or back.
    pub fn invert(&mut self) {
        self.matrix.flip_self();
        self.inverted = !self.inverted;
    }

    /// Black/white transitions along the rows: what detection costs follow (a busy, noisy image has
    /// many; a clean one few).
    pub fn transitions(&self) -> usize {
        self.words
            .chunks_exact(self.row_words.max(1))
            .map(|row| {
                let mut carry = 0usize;
                row.iter()
                    .map(|&w| {
                        let shifted = (w << 1) | carry;
                        carry = w >> (WORD - 1);
                        (w ^ shifted).count_ones() as usize
                    })
                    .sum::<usize>()
            })
            .sum()
    }

    /// Sets row `y` from one byte per pixel (1 = dark); `dark` is padded to whole words.
    fn set_row(&mut self, y: usize, dark: &[u8]) {
        let words = &mut self.words[y * self.row_words..][..self.row_words];
        for (i, (word, bytes)) in words.iter_mut().zip(dark.chunks_exact(WORD)).enumerate() {
            *word = pack(bytes);
            self.row.setBulk(i * WORD, *word);
        }
        self.matrix.setRow(y as u32, &self.row);
    }
}

/// Buffers the binarisers reuse.
#[derive(Debug, Default)]
pub(crate) struct Workspace {
    block_sums: Vec<u32>,
    block_lows: Vec<u8>,
    block_highs: Vec<u8>,
    black_points: Vec<u32>,
    across: Vec<u32>,
    thresholds: Vec<u8>,
    sums: Vec<u16>,
    lows: Vec<u8>,
    highs: Vec<u8>,
    row_thresholds: Vec<u8>,
    dark: Vec<u8>,
    integral: Vec<u32>,
    spans: Vec<(usize, usize)>,
}

fn resize<T: Clone + Default>(v: &mut Vec<T>, len: usize) -> &mut [T] {
    v.resize(len, T::default());
    &mut v[..len]
}

/// A row of `w` bytes padded with light pixels to whole words.
fn padded(v: &mut Vec<u8>, w: usize) -> &mut [u8] {
    let row = resize(v, w.next_multiple_of(WORD));
    row[w..].fill(0);
    row
}

/// How [`hybrid`] turns block statistics into thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Blocks {
    /// ZXing's classic black points: the block mean; flat blocks assumed light.
    Mean,
    /// ZXing-C++ 2: the middle of the block's range; flat blocks take their neighbours' threshold.
    Midrange,
}

/// Hybrid binarisation of `gray` into `slot`; `None` for images too small to hold a QR code.
pub(crate) fn hybrid<'b>(
    gray: Gray<'_>,
    blocks: Blocks,
    min_range: u32,
    ws: &mut Workspace,
    slot: &'b mut Option<Binary>,
    deadline: &mut Deadline<'_>,
) -> Result<Option<&'b mut Binary>, Interrupted> {
    let (w, h) = (gray.width, gray.height);
    if w.min(h) < MIN_SIDE {
        return Ok(None);
    }
    let (bw, bh) = (w.div_ceil(BLOCK), h.div_ceil(BLOCK));
    let data = &gray.data[..w * h];
    block_stats(data, w, h, bw, bh, ws, deadline)?;
    match blocks {
        Blocks::Mean => {
            black_points(bw, bh, min_range, ws);
            thresholds(bw, bh, ws);
        }
        Blocks::Midrange => midrange(bw, bh, min_range, ws),
    }
    let Some(out) = Binary::sized(slot, w, h) else { return Ok(None) };
    let row_thresholds = resize(&mut ws.row_thresholds, w);
    let dark = padded(&mut ws.dark, w);
    for y in 0..h {
        deadline.check_row(y)?;
        if y % BLOCK == 0 {
            let block_row = &ws.thresholds[(y / BLOCK) * bw..][..bw];
            for (x, t) in row_thresholds.iter_mut().enumerate() {
                *t = block_row[x / BLOCK];
            }
        }
        for ((d, p), t) in dark.iter_mut().zip(&data[y * w..][..w]).zip(row_thresholds.iter()) {
            *d = u8::from(p <= t);
        }
        out.set_row(y, dark);
    }
    Ok(Some(out))
}

/// Binarises `gray` against the mean of a (2r+1)² window, less `offset`, into `slot`; `None` for tiny
/// images.
pub(crate) fn mean<'b>(
    gray: Gray<'_>,
    radius: usize,
    offset: u32,
    ws: &mut Workspace,
    slot: &'b mut Option<Binary>,
    deadline: &mut Deadline<'_>,
) -> Result<Option<&'b mut Binary>, Interrupted> {
    let (w, h) = (gray.width, gray.height);
    if w.min(h) < MIN_SIDE {
        return Ok(None);
    }
    let data = &gray.data[..w * h];
    // Integral image, one row and column of zeros in front; wrapping sums, since only differences of
    // at most a window's total are read.
    let stride = w + 1;
    let integral = resize(&mut ws.integral, stride * (h + 1));
    integral[..stride].fill(0);
    for y in 0..h {
        deadline.check_row(y)?;
        let mut run = 0u32;
        let (above, here) = integral[y * stride..(y + 2) * stride].split_at_mut(stride);
        here[0] = 0;
        for x in 0..w {
            run = run.wrapping_add(u32::from(data[y * w + x]));
            here[x + 1] = above[x + 1].wrapping_add(run);
        }
    }
    let Some(out) = Binary::sized(slot, w, h) else { return Ok(None) };
    let dark = padded(&mut ws.dark, w);
    ws.spans.clear();
    ws.spans.extend((0..w).map(|x| (x.saturating_sub(radius), (x + radius + 1).min(w))));
    for y in 0..h {
        deadline.check_row(y)?;
        let (y0, y1) = (y.saturating_sub(radius), (y + radius + 1).min(h));
        let (top, bottom) = (&integral[y0 * stride..][..stride], &integral[y1 * stride..][..stride]);
        let rows = (y1 - y0) as u32;
        for ((d, &p), &(x0, x1)) in dark.iter_mut().zip(&data[y * w..][..w]).zip(&ws.spans) {
            let sum = bottom[x1].wrapping_add(top[x0]).wrapping_sub(bottom[x0]).wrapping_sub(top[x1]);
            let n = rows * (x1 - x0) as u32;
            *d = u8::from((u32::from(p) + offset) * n <= sum);
        }
        out.set_row(y, dark);
    }
    Ok(Some(out))
}

/// Window radius for [`mean`]: three or four modules of a code filling a useful part of the frame;
/// wider windows let a finder pattern's own dark ring drag its threshold down.
pub(crate) fn mean_radius(gray: Gray<'_>) -> usize {
    (gray.width.max(gray.height) / 100).clamp(8, 16)
}

/// Packs `WORD` bytes of 0/1 into a word, byte i to bit i (eight bytes at a time by multiplication:
/// each byte's bit lands at its own position in the top byte, with no carries).
fn pack(bytes: &[u8]) -> usize {
    bytes.chunks_exact(8).enumerate().fold(0usize, |acc, (i, eight)| {
        let x = u64::from_le_bytes(eight.try_into().unwrap_or([0; 8]));
        acc | ((x.wrapping_mul(0x0102_0408_1020_4080) >> 56) as usize) << (8 * i)
    })
}

/// Each block's sum, minimum and maximum. Column sums, minima and maxima are gathered a whole row at
/// a time, so the inner loops vectorise.
fn block_stats(
    data: &[u8],
    w: usize,
    h: usize,
    bw: usize,
    bh: usize,
    ws: &mut Workspace,
    deadline: &mut Deadline<'_>,
) -> Result<(), Interrupted> {
    let (sums, lows, highs) = (resize(&mut ws.sums, w), resize(&mut ws.lows, w), resize(&mut ws.highs, w));
    let block_sums = resize(&mut ws.block_sums, bw * bh);
    let block_lows = resize(&mut ws.block_lows, bw * bh);
    let block_highs = resize(&mut ws.block_highs, bw * bh);
    for by in 0..bh {
        deadline.check_row(by * BLOCK)?;
        // The last block row and column are shifted inwards to stay whole.
        let y0 = (by * BLOCK).min(h - BLOCK);
        let mut rows = data[y0 * w..].chunks_exact(w).take(BLOCK);
        let first = rows.next().unwrap_or_default();
        for (((s, lo), hi), &p) in sums.iter_mut().zip(lows.iter_mut()).zip(highs.iter_mut()).zip(first) {
            (*s, *lo, *hi) = (u16::from(p), p, p);
        }
        for row in rows {
            for (((s, lo), hi), &p) in sums.iter_mut().zip(lows.iter_mut()).zip(highs.iter_mut()).zip(row) {
                *s += u16::from(p);
                *lo = (*lo).min(p);
                *hi = (*hi).max(p);
            }
        }
        for bx in 0..bw {
            let x0 = (bx * BLOCK).min(w - BLOCK);
            let cols = x0..x0 + BLOCK;
            let i = by * bw + bx;
            block_sums[i] = sums[cols.clone()].iter().map(|&s| u32::from(s)).sum();
            block_lows[i] = lows[cols.clone()].iter().copied().min().unwrap_or(0);
            block_highs[i] = highs[cols].iter().copied().max().unwrap_or(0);
        }
    }
    Ok(())
}

/// Each block's black point: its mean, or for a flat block half its minimum unless it continues the
/// darker blocks above and to the left.
fn black_points(bw: usize, bh: usize, min_range: u32, ws: &mut Workspace) {
    let out = resize(&mut ws.black_points, bw * bh);
    for by in 0..bh {
        for bx in 0..bw {
            let i = by * bw + bx;
            let (lo, hi) = (u32::from(ws.block_lows[i]), u32::from(ws.block_highs[i]));
            let mut average = ws.block_sums[i] / (BLOCK * BLOCK) as u32;
            if hi - lo <= min_range {
                average = lo / 2;
                if by > 0 && bx > 0 {
                    let neighbours = (out[i - bw] + 2 * out[i - 1] + out[i - bw - 1]) / 4;
                    if lo < neighbours {
                        average = neighbours;
                    }
                }
            }
            out[i] = average;
        }
    }
}

/// Thresholds in ZXing-C++ 2's style: a block with contrast (range above `min_range`) has the middle
/// of its range; every block then takes the mean over the 5×5 blocks around it (the window kept
/// inside the grid) of those that have one, its own counted three times; blocks with none in reach
/// take the last threshold before them in raster order (the first, for those before it).
fn midrange(bw: usize, bh: usize, min_range: u32, ws: &mut Workspace) {
    let n = bw * bh;
    let mids = resize(&mut ws.black_points, n);
    for ((m, &lo), &hi) in mids.iter_mut().zip(&ws.block_lows[..n]).zip(&ws.block_highs[..n]) {
        let (lo, hi) = (u32::from(lo), u32::from(hi));
        *m = if hi - lo > min_range { (hi + lo) / 2 } else { 0 };
    }
    let start = |i: usize, len: usize| i.saturating_sub(2).min(len.saturating_sub(5));
    let (span_x, span_y) = (5.min(bw), 5.min(bh));
    // Sums and counts along rows (counts in the high half), then along columns.
    let across = resize(&mut ws.across, n);
    for by in 0..bh {
        let row = &mids[by * bw..][..bw];
        for bx in 0..bw {
            let s = start(bx, bw);
            across[by * bw + bx] = row[s..s + span_x].iter().map(|&t| t | u32::from(t > 0) << 16).sum();
        }
    }
    let out = resize(&mut ws.thresholds, n);
    let mut last = None;
    for by in 0..bh {
        let s = start(by, bh);
        for bx in 0..bw {
            let i = by * bw + bx;
            let own = mids[i] | u32::from(mids[i] > 0) << 16;
            let packed: u32 = (s..s + span_y).map(|y| across[y * bw + bx]).sum::<u32>() + 2 * own;
            let (sum, count) = (packed & 0xFFFF, packed >> 16);
            out[i] = sum.checked_div(count).map_or(0, |t| t.min(255) as u8);
            if count > 0 {
                if last.is_none() {
                    let first = out[i];
                    out[..i].fill(first);
                }
                last = Some(out[i]);
            } else if let Some(t) = last {
                out[i] = t;
            }
        }
    }
}

/// Threshold per block: the mean black point of the 5×5 blocks around it, the window kept inside the
/// grid. Separable: five-wide sums along rows, then along columns.
fn thresholds(bw: usize, bh: usize, ws: &mut Workspace) {
    let start = |i: usize, n: usize| i.saturating_sub(2).min(n.saturating_sub(5));
    let span = |n: usize| 5.min(n) as u32;
    let black_points = &ws.black_points[..bw * bh];
    let across = resize(&mut ws.across, bw * bh);
    for by in 0..bh {
        let row = &black_points[by * bw..][..bw];
        for bx in 0..bw {
            let s = start(bx, bw);
            across[by * bw + bx] = row[s..s + span(bw) as usize].iter().sum();
        }
    }
    let n = span(bw) * span(bh);
    let out = resize(&mut ws.thresholds, bw * bh);
    for by in 0..bh {
        let s = start(by, bh);
        for bx in 0..bw {
            let sum: u32 = (s..s + span(bh) as usize).map(|y| across[y * bw + bx]).sum();
            out[by * bw + bx] = (sum / n).min(255) as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::budget::MonotonicClock;
    use std::time::Duration;

    #[test]
    fn reads_modules_under_a_shadow() {
        // 4-pixel modules in a checkerboard, 60 vs 160, with the lower half 50 darker (a shadow).
        let (w, h) = (96, 96);
        let value = |x: usize, y: usize| {
            let dark = (x / 4 + y / 4).is_multiple_of(2);
            (if dark { 60 } else { 160 }) - if y >= 48 { 50 } else { 0 }
        };
        let data: Vec<u8> = (0..w * h).map(|i| value(i % w, i / w)).collect();
        let clock = MonotonicClock::default();
        let mut d = Deadline::new(&clock, Duration::from_secs(60));
        let (mut ws, mut slot) = (Workspace::default(), None);
        let m =
            hybrid(Gray { width: w, height: h, data: &data }, Blocks::Mean, NORMAL_RANGE, &mut ws, &mut slot, &mut d);
        let m = m.unwrap().unwrap();
        for (x, y) in [(2, 2), (6, 2), (50, 30), (54, 30), (2, 90), (6, 90), (50, 70), (54, 70)] {
            let dark = (x / 4 + y / 4) % 2 == 0;
            assert_eq!(m.matrix.get(x as u32, y as u32), dark, "({x}, {y})");
            assert_eq!(m.row_words(y)[x / WORD] >> (x % WORD) & 1 == 1, dark, "words at ({x}, {y})");
        }
        // 23 edges inside every row, and one at a row's end or start where it is dark.
        assert!((h * 23..=h * 25).contains(&m.transitions()), "{}", m.transitions());
        let tiny = [0u8; 100];
        let small =
            hybrid(Gray { width: 10, height: 10, data: &tiny }, Blocks::Mean, NORMAL_RANGE, &mut ws, &mut slot, &mut d);
        assert!(small.unwrap().is_none());
    }

    #[test]
    fn mean_threshold_reads_faint_modules_beside_a_flat_quiet_zone() {
        // A faint checkerboard (130 vs 150) in the right half, a flat 150 quiet zone on the left.
        let (w, h) = (96, 64);
        let value = |x: usize, y: usize| if x < 48 || (x / 4 + y / 4) % 2 == 1 { 150 } else { 130 };
        let data: Vec<u8> = (0..w * h).map(|i| value(i % w, i / w)).collect();
        let clock = MonotonicClock::default();
        let mut d = Deadline::new(&clock, Duration::from_secs(60));
        let (mut ws, mut slot) = (Workspace::default(), None);
        let m = mean(Gray { width: w, height: h, data: &data }, 8, MEAN_OFFSET, &mut ws, &mut slot, &mut d);
        let m = m.unwrap().unwrap();
        for (x, y) in [(50, 2), (54, 2), (70, 30), (74, 30), (10, 10), (40, 40)] {
            assert_eq!(m.matrix.get(x as u32, y as u32), value(x, y) == 130, "({x}, {y})");
        }
        m.invert();
        assert!(m.inverted() && !m.matrix.get(50, 2), "inverted");
        assert_eq!(m.row_words(2)[0] >> 50 & 1, 1, "the words keep the image as binarised");
    }
}
