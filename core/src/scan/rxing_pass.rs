//! The fast pass: rxing's port of the ZXing-C++ QR detector and decoder, driven stage by stage on
//! our binarisation so that finder-pattern sets it located but could not decode are reported for
//! refinement.

use rxing::common::{BitMatrix, DetectorRXingResult};
use rxing::qrcode::cpp_port::decoder::Decode;
use rxing::qrcode::cpp_port::detector::{FindFinderPatterns, FinderPatternSet, GenerateFinderPatternSets, SampleQR};

use super::Point;
use super::text::{declares_eci, decode_bytes};

/// A decoded symbol in working-image coordinates.
#[derive(Debug, Clone)]
pub(crate) struct Decoded {
    pub text: String,
    /// Top-left, top-right, bottom-right, bottom-left.
    pub corners: [Point; 4],
}

/// A symbol whose three finder patterns were found but which did not decode.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Located {
    /// Centre of the symbol.
    pub centre: Point,
    /// Approximate side, pixels.
    pub side: f32,
    /// Approximate module size, pixels.
    pub module: f32,
}

/// Detects and decodes every QR symbol in `matrix`.
pub(crate) fn detect(matrix: &BitMatrix, try_harder: bool) -> (Vec<Decoded>, Vec<Located>) {
    let mut patterns = FindFinderPatterns(matrix, try_harder, 0);
    let sets = GenerateFinderPatternSets(&mut patterns);
    let (mut decoded, mut located) = (Vec::new(), Vec::new());
    let mut used = Vec::new();
    for set in sets {
        if [set.bl, set.tl, set.tr].iter().any(|p| used.contains(p)) {
            continue;
        }
        // Under strong perspective the corner chosen as top-left may be wrong: try the other two.
        let result = roles(&set).into_iter().find_map(|set| {
            let sample = SampleQR(matrix, &set).ok()?;
            let result = Decode(sample.getBits()).ok().filter(|r| r.isValid())?;
            Some((sample, result))
        });
        match result {
            Some((sample, result)) => {
                used.extend([set.bl, set.tl, set.tr]);
                let bytes = result.content().bytes();
                let text =
                    if declares_eci(&result.symbologyIdentifier()) { result.text() } else { decode_bytes(bytes) };
                // rxing's sampler reports top-left, top-right, bottom-left, bottom-right.
                let p = sample.getPoints();
                if p.len() >= 4 {
                    let corner = |i: usize| Point { x: p[i].x, y: p[i].y };
                    decoded.push(Decoded { text, corners: [corner(0), corner(1), corner(3), corner(2)] });
                }
            }
            None if located.len() < 8 => {
                let (a, b, c) = (set.tl.p, set.tr.p, set.bl.p);
                let side = ((a.x - b.x).hypot(a.y - b.y) + (a.x - c.x).hypot(a.y - c.y)) / 2.0;
                let module = (set.tl.size + set.tr.size + set.bl.size) as f32 / 21.0;
                // The finder centres sit 3.5 modules in from the symbol's edges.
                let centre = Point { x: (b.x + c.x) / 2.0, y: (b.y + c.y) / 2.0 };
                located.push(Located { centre, side: side + 7.0 * module, module });
            }
            None => {}
        }
    }
    (decoded, located)
}

/// `set` as detected, then with each of the other two patterns as top-left, the symbol's handedness
/// (the sign of the turn from top-right to bottom-left) kept.
fn roles(set: &FinderPatternSet) -> [FinderPatternSet; 3] {
    let turn = |tl: Point2, tr: Point2, bl: Point2| (tr.0 - tl.0) * (bl.1 - tl.1) - (tr.1 - tl.1) * (bl.0 - tl.0);
    let at = |p: &rxing::common::cpp_essentials::ConcentricPattern| (p.p.x, p.p.y);
    let handed = turn(at(&set.tl), at(&set.tr), at(&set.bl)) >= 0.0;
    let with_tl = |tl: rxing::common::cpp_essentials::ConcentricPattern, a, b| {
        if (turn(at(&tl), at(&a), at(&b)) >= 0.0) == handed {
            FinderPatternSet { tl, tr: a, bl: b }
        } else {
            FinderPatternSet { tl, tr: b, bl: a }
        }
    };
    [*set, with_tl(set.tr, set.tl, set.bl), with_tl(set.bl, set.tl, set.tr)]
}

type Point2 = (f32, f32);
