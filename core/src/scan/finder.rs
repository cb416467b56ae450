//! The finder-pattern scan: ZXing-C++'s row scan for 1:1:3:1:1 runs, each hit confirmed vertically
//! and diagonally by rxing's `LocateConcentricPattern` — but over the run lengths of the packed words
//! our binariser keeps (found a word at a time), with a cheap vertical test before the full check,
//! into buffers reused from frame to frame, checking the deadline every few rows. Its result is the scanner's evidence: a frame without a single candidate holds
//! nothing code-like.

use rxing::common::cpp_essentials::{ConcentricPattern, FixedPattern, LocateConcentricPattern, PatternType};
use rxing::{Point as RxPoint, point};

use super::binarize::Binary;
use super::budget::{Deadline, Interrupted};

const PATTERN: FixedPattern<5, 7, false> = FixedPattern::new([1, 1, 3, 1, 1]);
/// Every third row, as ZXing-C++ scans when trying harder: a finder's centre is 3 modules high.
const ROW_STEP: usize = 3;
/// Candidates kept per image: a real frame has three per symbol; a hostile one (rings, a chequer)
/// could otherwise yield thousands, and grouping them costs the cube of their number.
pub(crate) const MAX_PATTERNS: usize = 40;
/// Rows whose runs average this many pixels or fewer count as noisy.
const NOISY_RUN: usize = 4;
/// Rows at least this wide can be noisy.
const NOISY_MIN_WIDTH: usize = 640;
/// The smallest module tried in a noisy row, pixels.
const NOISY_MIN_MODULE: f32 = 1.5;

/// The scan's buffers and its result.
#[derive(Debug, Default)]
pub(crate) struct Finder {
    runs: Vec<PatternType>,
    /// Finder-pattern candidates of the last scan.
    pub patterns: Vec<ConcentricPattern>,
}

impl Finder {
    /// Scans `image` (dark-on-light, or light-on-dark when it is inverted) and returns how many
    /// candidates it holds.
    pub fn scan(&mut self, image: &Binary, deadline: &mut Deadline<'_>) -> Result<usize, Interrupted> {
        self.patterns.clear();
        let (w, h) = (image.width(), image.height());
        for (i, y) in (ROW_STEP - 1..h).step_by(ROW_STEP).enumerate() {
            deadline.check_row(i)?;
            runs(image.row_words(y), w, image.inverted(), &mut self.runs);
            // A wide row of noise (runs of four pixels or less on average) has a 1:1:3:1:1 window of
            // one-pixel modules every few runs: there, only patterns of larger modules are tried. (A
            // narrow image of tiny modules is a symbol filling it.)
            let noisy = w >= NOISY_MIN_WIDTH && self.runs.len() > w / NOISY_RUN;
            let min_module = if noisy { NOISY_MIN_MODULE } else { 0.0 };
            let r = &self.runs;
            // Dark runs sit at odd indices; `front` is the pixels before run `i`.
            let (mut i, mut front) = (1, usize::from(r[0]));
            while i + 5 <= r.len() {
                let window = &r[i..i + 5];
                let space = if i == 1 { f32::MAX } else { f32::from(r[i - 1]) };
                if finder_module(window, space, min_module).is_none() {
                    front += usize::from(r[i]) + usize::from(r[i + 1]);
                    i += 2;
                    continue;
                }
                let centre = front + usize::from(window[0] + window[1]) + usize::from(window[2]) / 2;
                let p = point(centre as f32 + if window[2] % 2 == 1 { 0.5 } else { 0.0 }, y as f32 + 0.5);
                let fresh = !self.patterns.iter().any(|old| RxPoint::distance(p, old.p) < old.size as f32 / 2.0);
                if self.patterns.len() < MAX_PATTERNS && fresh && upright(image, centre, y, usize::from(window[2])) {
                    let range = window.iter().map(|&v| i32::from(v)).sum::<i32>() * 3; // 3 for very skewed samples
                    if let Some(found) = LocateConcentricPattern::<true, 5, 7>(&image.matrix, &PATTERN.into(), p, range)
                    {
                        self.patterns.push(found);
                    }
                }
                front += window[..4].iter().map(|&v| usize::from(v)).sum::<usize>();
                i += 4;
            }
        }
        Ok(self.patterns.len())
    }
}

/// Module size of a 1:1:3:1:1 window of runs (dark, light, dark, light, dark), or `None`: ZXing's
/// end-to-end test — bars and spaces each within their own tolerance of one module, the centre of
/// three — after its quick plausibility check, with `space` light pixels before the window.
fn finder_module(window: &[PatternType], space: f32, min_module: f32) -> Option<f32> {
    let [a, b, c, d, e] = [0, 1, 2, 3, 4].map(|i| window[i]);
    if c < 3 || c < 2 * a.max(e) || c < b.max(d) {
        return None;
    }
    let [a, b, c, d, e] = [a, b, c, d, e].map(f32::from);
    let (bar, gap) = ((a + c + e) / 5.0, (b + d) / 2.0);
    if bar.max(gap) > 4.0 * bar.min(gap) || space < 0.1 * gap {
        return None;
    }
    let (bar_tolerance, gap_tolerance) = (bar * 0.75 + 0.5, gap / 3.0 + 0.5);
    let bars_fit = [(a, 1.0), (c, 3.0), (e, 1.0)].iter().all(|&(v, n)| (v - n * bar).abs() <= bar_tolerance);
    let gaps_fit = [b, d].iter().all(|&v| (v - gap).abs() <= gap_tolerance);
    let module = (bar + gap) / 2.0;
    (bars_fit && gaps_fit && module >= min_module).then_some(module)
}

/// Whether the column through (x, y) continues the centre run of `width` pixels up and down for at
/// least a third and at most three times its width: a finder's centre is a square, a row of noise or
/// text rarely is. Cheaper than the full check it spares.
fn upright(image: &Binary, x: usize, y: usize, width: usize) -> bool {
    let bit = |y: usize| image.row_words(y)[x / WORD] >> (x % WORD) & 1;
    let colour = bit(y);
    let limit = 3 * width;
    let up = (1..=limit.min(y)).take_while(|&d| bit(y - d) == colour).count();
    let down = (1..=limit.min(image.height() - 1 - y)).take_while(|&d| bit(y + d) == colour).count();
    let run = up + down + 1;
    3 * run >= width && run <= limit
}

/// Run lengths of one row in rxing's `PatternRow` layout: a light run first (possibly empty), then
/// alternating, ending on a light run (possibly empty). Found a word at a time.
pub(crate) fn runs(words: &[usize], width: usize, inverted: bool, out: &mut Vec<PatternType>) {
    out.clear();
    let (mut x, mut dark) = (0, false);
    loop {
        // The first pixel of the other colour: a set bit where dark is wanted, unless inverted.
        let next = next_bit(words, x, width, dark == inverted);
        out.push((next - x) as PatternType);
        if next >= width {
            break;
        }
        (x, dark) = (next, !dark);
    }
    if dark {
        out.push(0);
    }
}

const WORD: usize = usize::BITS as usize;

/// The first index at or after `from` (below `width`) whose bit equals `set`, or `width`.
fn next_bit(words: &[usize], from: usize, width: usize, set: bool) -> usize {
    let flip = if set { 0 } else { usize::MAX };
    let mut i = from / WORD;
    let Some(&first) = words.get(i) else { return width };
    let mut word = (first ^ flip) & (usize::MAX << (from % WORD));
    loop {
        if word != 0 {
            return (i * WORD + word.trailing_zeros() as usize).min(width);
        }
        i += 1;
        match words.get(i) {
            Some(&w) if i * WORD < width => word = w ^ flip,
            _ => return width,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_match_rxing_row_layout() {
        // Pixels 0..70: light 3, dark 2, light 60, dark 5 (crossing a word boundary).
        let dark = |x: usize| (3..5).contains(&x) || (65..70).contains(&x);
        let mut words = vec![0usize; 70usize.div_ceil(WORD)];
        for x in (0..70).filter(|&x| dark(x)) {
            words[x / WORD] |= 1 << (x % WORD);
        }
        let mut out = Vec::new();
        runs(&words, 70, false, &mut out);
        assert_eq!(out, [3, 2, 60, 5, 0]);
        runs(&words, 70, true, &mut out);
        assert_eq!(out, [0, 3, 2, 60, 5]);
        runs(&words, 68, false, &mut out);
        assert_eq!(out, [3, 2, 60, 3, 0], "bits past the width are ignored");
        runs(&[0], 10, false, &mut out);
        assert_eq!(out, [10]);
    }
}
