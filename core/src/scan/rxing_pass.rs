//! rxing's port of the ZXing-C++ QR reader, driven stage by stage from our finder-pattern candidates:
//! candidates grouped into sets, each set (under three role assignments) sampled and decoded as one
//! step the cost model admits; sets that do not decode are reported as located symbols for
//! refinement.

use rxing::common::cpp_essentials::ConcentricPattern;
use rxing::common::{BitMatrix, DetectorRXingResult};
use rxing::qrcode::cpp_port::decoder::Decode;
use rxing::qrcode::cpp_port::detector::{FinderPatternSet, GenerateFinderPatternSets, SampleQR};

use super::Point;
use super::budget::{CostModel, Deadline, Interrupted, Step};
use super::guard::Guard;
use super::text::{declares_eci, decode_bytes};

/// A decoded symbol in working-image coordinates.
#[derive(Debug, Clone)]
pub(crate) struct Decoded {
    pub text: String,
    /// Top-left, top-right, bottom-right, bottom-left.
    pub corners: [Point; 4],
}

/// A symbol whose three finder patterns were found but which did not decode.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Located {
    /// Centre of the symbol.
    pub centre: Point,
    /// Approximate side, pixels.
    pub side: f32,
    /// Approximate module size, pixels.
    pub module: f32,
}

/// Located symbols kept per image.
const MAX_LOCATED: usize = 8;

/// Groups `patterns` into sets and decodes them, pushing what decoded to `decoded` and what did not
/// to `located`. Stops when the next step does not fit the deadline.
pub(crate) fn decode_sets(
    matrix: &BitMatrix,
    patterns: &mut Vec<ConcentricPattern>,
    model: &mut CostModel,
    guard: &mut Guard,
    deadline: &mut Deadline<'_>,
    decoded: &mut Vec<Decoded>,
    located: &mut Vec<Located>,
) -> Result<(), Interrupted> {
    if patterns.len() < 3 {
        return Ok(());
    }
    let n = patterns.len();
    let sets = model.run(Step::Sets, n, deadline, || guard.run(|| GenerateFinderPatternSets(patterns)));
    let Some(sets) = sets.ok_or(Interrupted)? else { return Ok(()) };
    let mut used: Vec<ConcentricPattern> = Vec::new();
    for set in sets {
        if [set.bl, set.tl, set.tr].iter().any(|p| used.contains(p)) {
            continue;
        }
        // Under strong perspective the corner chosen as top-left may be wrong: try the other two.
        let mut result = None;
        let modules = modules(&set);
        for roles in roles(&set) {
            let attempt = model.run(Step::Symbol, modules, deadline, || guard.run(|| read_symbol(matrix, &roles)));
            if let Some(found) = attempt.ok_or(Interrupted)?.flatten() {
                result = Some(found);
                break;
            }
        }
        match result {
            Some(d) => {
                used.extend([set.bl, set.tl, set.tr]);
                decoded.push(d);
            }
            None if located.len() < MAX_LOCATED => located.push(locate(&set)),
            None => {}
        }
    }
    Ok(())
}

/// Samples and decodes the symbol `set` frames.
fn read_symbol(matrix: &BitMatrix, set: &FinderPatternSet) -> Option<Decoded> {
    let sample = SampleQR(matrix, set).ok()?;
    let result = Decode(sample.getBits()).ok().filter(|r| r.isValid())?;
    let text = if declares_eci(&result.symbologyIdentifier()) {
        result.text()
    } else {
        decode_bytes(result.content().bytes())
    };
    // rxing's sampler reports top-left, top-right, bottom-left, bottom-right.
    let p = sample.getPoints();
    let corner = |i: usize| p.get(i).map(|q| Point { x: q.x, y: q.y });
    Some(Decoded { text, corners: [corner(0)?, corner(1)?, corner(3)?, corner(2)?] })
}

/// The modules (side squared) of the symbol a set frames, from its patterns' spacing and size: what
/// sampling and decoding it costs.
fn modules(set: &FinderPatternSet) -> usize {
    let located = locate(set);
    let side = (located.side / located.module.max(0.5)).clamp(21.0, 177.0);
    (side * side) as usize
}

/// Where the symbol a finder-pattern set frames lies.
fn locate(set: &FinderPatternSet) -> Located {
    let (a, b, c) = (set.tl.p, set.tr.p, set.bl.p);
    let side = ((a.x - b.x).hypot(a.y - b.y) + (a.x - c.x).hypot(a.y - c.y)) / 2.0;
    let module = (set.tl.size + set.tr.size + set.bl.size) as f32 / 21.0;
    // The finder centres sit 3.5 modules in from the symbol's edges.
    let centre = Point { x: (b.x + c.x) / 2.0, y: (b.y + c.y) / 2.0 };
    Located { centre, side: side + 7.0 * module, module }
}

/// `set` as detected, then with each of the other two patterns as top-left, the symbol's handedness
/// (the sign of the turn from top-right to bottom-left) kept.
fn roles(set: &FinderPatternSet) -> [FinderPatternSet; 3] {
    let turn = |tl: Point2, tr: Point2, bl: Point2| (tr.0 - tl.0) * (bl.1 - tl.1) - (tr.1 - tl.1) * (bl.0 - tl.0);
    let at = |p: &ConcentricPattern| (p.p.x, p.p.y);
    let handed = turn(at(&set.tl), at(&set.tr), at(&set.bl)) >= 0.0;
    let with_tl = |tl: ConcentricPattern, a, b| {
        if (turn(at(&tl), at(&a), at(&b)) >= 0.0) == handed {
            FinderPatternSet { tl, tr: a, bl: b }
        } else {
            FinderPatternSet { tl, tr: b, bl: a }
        }
    };
    [*set, with_tl(set.tr, set.tl, set.bl), with_tl(set.bl, set.tl, set.tr)]
}

type Point2 = (f32, f32);
