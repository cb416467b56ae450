//! The passes a frame can get, over the buffers a [`super::Scanner`] keeps. Each pass prepares an
//! image (as it is, filtered, reduced, or a crop around a located symbol), binarises it, scans it for
//! finder patterns and decodes what they frame; results are mapped to frame coordinates at once.
//!
//! - `fast`: the hybrid binarisation of the working image, both polarities — the cheap pass every
//!   frame gets;
//! - `refine`: crops around located symbols (this frame's, or remembered from earlier frames),
//!   enlarged when modules are small, read with local-mean and sharpened binarisations, then rqrr;
//! - `median` (3×3, against scratches and speckle), `downscale` (half size, for large blurred codes),
//!   `low_contrast` and `low_contrast_wide` (local-mean binarisation at two window sizes, for faint
//!   codes), `full_size` (frames reduced for the working image), `rqrr` (its own detector over a
//!   reduced image): the expensive whole-image passes the scanner rotates through.

use std::time::Duration;

use super::binarize::{self, Binary, Blocks, MEAN_OFFSET, NORMAL_RANGE, Workspace, mean_radius};
use super::budget::{CostModel, Deadline, Interrupted, Step};
use super::finder::Finder;
use super::frame::{Frame, Point};
use super::gray::{self, Gray, RowScratch};
use super::guard::Guard;
use super::rqrr_pass;
use super::rxing_pass::{self, Decoded, Located};

/// rqrr's whole-image pass works on at most this many pixels.
const RQRR_MAX_PIXELS: usize = 400_000;
/// Located symbols refined per pass.
const MAX_REFINEMENTS: usize = 3;
/// Refinement crops are at most this many pixels after enlarging.
const MAX_CROP_PIXELS: usize = 250_000;
/// The half-size pass is for images at least this wide.
const DOWNSCALE_MIN_WIDTH: usize = 640;

/// An expensive whole-image pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pass {
    Median,
    LowContrast,
    Downscale,
    LowContrastWide,
    FullSize,
    Rqrr,
}

impl Pass {
    /// The order the scanner rotates through.
    pub const ROTATION: [Pass; 6] =
        [Pass::Median, Pass::LowContrast, Pass::Downscale, Pass::LowContrastWide, Pass::FullSize, Pass::Rqrr];

    /// Name in [`super::ScanReport::passes`].
    pub fn name(self) -> &'static str {
        match self {
            Pass::Median => "median",
            Pass::LowContrast => "low_contrast",
            Pass::Downscale => "downscale",
            Pass::LowContrastWide => "low_contrast_wide",
            Pass::FullSize => "full_size",
            Pass::Rqrr => "rqrr",
        }
    }
}

/// How a working-image pixel maps to the frame: `origin + p · scale`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place {
    pub scale: f32,
    pub origin: Point,
}

impl Place {
    fn map(self, p: Point) -> Point {
        Point { x: self.origin.x + p.x * self.scale, y: self.origin.y + p.y * self.scale }
    }
}

/// What one frame is read from.
pub(crate) struct Input<'f, 'g> {
    pub frame: &'f Frame<'f>,
    /// The working image (the frame, or the frame reduced).
    pub image: Gray<'g>,
    pub place: Place,
}

/// A decoded symbol in frame (buffer) coordinates.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub text: String,
    pub corners: [Point; 4],
}

/// How an image is binarised.
#[derive(Debug, Clone, Copy)]
enum Threshold {
    Hybrid(Blocks),
    Mean(usize),
}

impl Threshold {
    /// Binarises `image` into `slot`; `None` for images too small to hold a symbol.
    fn apply<'b>(
        self,
        image: Gray<'_>,
        ws: &mut Workspace,
        slot: &'b mut Option<Binary>,
        d: &mut Deadline<'_>,
    ) -> Result<Option<&'b mut Binary>, Interrupted> {
        match self {
            Threshold::Hybrid(blocks) => binarize::hybrid(image, blocks, NORMAL_RANGE, ws, slot, d),
            Threshold::Mean(radius) => binarize::mean(image, radius, MEAN_OFFSET, ws, slot, d),
        }
    }
}

/// The cheap pass's binarisation (ZXing-C++ 2's), also used for reduced and full-size images.
const FAST: Threshold = Threshold::Hybrid(Blocks::Midrange);
/// ZXing's classic hybrid binarisation, for filtered images.
const CLASSIC: Threshold = Threshold::Hybrid(Blocks::Mean);

/// Which way round the modules are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Polarity {
    DarkOnLight,
    Both,
}

/// Which binary buffer a read uses: the whole-image one or the one for crops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Whole,
    Crop,
}

/// Everything a frame's passes write into, reused from frame to frame.
#[derive(Debug, Default)]
pub(crate) struct Work {
    ws: Workspace,
    whole: Option<Binary>,
    crop_binary: Option<Binary>,
    finder: Finder,
    pub model: CostModel,
    pub guard: Guard,
    rows: RowScratch,
    filtered: Vec<u8>,
    reduced: Vec<u8>,
    region: Vec<u8>,
    crop: Vec<u8>,
    decoded: Vec<Decoded>,
    located_here: Vec<Located>,
    /// Codes decoded this frame.
    pub found: Vec<Found>,
    /// Symbols located but not decoded this frame, frame coordinates.
    pub located: Vec<Located>,
    /// Finder-pattern candidates the cheap pass saw this frame.
    pub candidates: usize,
    /// Where they are, frame coordinates (`side` and `module` of the pattern).
    pub hints: Vec<Located>,
    /// Passes run with their milliseconds.
    pub passes: Vec<(&'static str, f32)>,
    /// A step was skipped for lack of time.
    pub skipped: bool,
}

impl Work {
    /// Ready for a new frame.
    pub fn clear(&mut self) {
        self.found.clear();
        self.located.clear();
        self.candidates = 0;
        self.hints.clear();
        self.passes.clear();
        self.skipped = false;
        self.guard.panics = 0;
    }

    /// The row buffers, for converting a frame.
    pub fn rows(&mut self) -> &mut RowScratch {
        &mut self.rows
    }

    /// Runs `f` as pass `name`, adding its time to the report.
    pub fn timed<T>(
        &mut self,
        name: &'static str,
        deadline: &mut Deadline<'_>,
        f: impl FnOnce(&mut Work, &mut Deadline<'_>) -> T,
    ) -> T {
        let clock = deadline.clock();
        let start = clock.now();
        let out = f(self, deadline);
        let ms = clock.now().saturating_sub(start).as_secs_f32() * 1e3;
        match self.passes.last_mut() {
            Some((last, spent)) if *last == name => *spent += ms,
            _ => self.passes.push((name, ms)),
        }
        out
    }

    /// The cheap pass: hybrid binarisation of the working image, both polarities. Its candidates are
    /// the frame's evidence.
    pub fn fast(&mut self, input: &Input<'_, '_>, deadline: &mut Deadline<'_>) -> Result<(), Interrupted> {
        self.timed("fast", deadline, |w, d| {
            w.read(input.image, input.place, FAST, Polarity::Both, Target::Whole, true, d)
        })
    }

    /// Refines `symbols` (frame coordinates): crops, enlarged when modules are small, read with a
    /// local-mean then a sharpened binarisation, then by rqrr. Stops at the first that decodes.
    pub fn refine(
        &mut self,
        frame: &Frame<'_>,
        symbols: &[Located],
        second_opinion: bool,
        deadline: &mut Deadline<'_>,
    ) -> Result<(), Interrupted> {
        self.timed("refine", deadline, |w, d| {
            for l in symbols.iter().take(MAX_REFINEMENTS) {
                let (rect, enlarge) = refinement_crop(frame, l);
                let mut crop = std::mem::take(&mut w.crop);
                let result = w.refine_one(frame, rect, enlarge, &mut crop, second_opinion, d);
                w.crop = crop;
                result?;
                if !w.found.is_empty() {
                    break;
                }
            }
            Ok(())
        })
    }

    fn refine_one(
        &mut self,
        frame: &Frame<'_>,
        rect: (usize, usize, usize, usize),
        enlarge: f32,
        crop: &mut Vec<u8>,
        second_opinion: bool,
        d: &mut Deadline<'_>,
    ) -> Result<(), Interrupted> {
        let image = gray::crop_scaled(frame, rect, enlarge, &mut self.region, crop, &mut self.rows, d)?;
        let place = Place { scale: 1.0 / enlarge, origin: Point { x: rect.0 as f32, y: rect.1 as f32 } };
        let mean = Threshold::Mean(mean_radius(image));
        self.read(image, place, mean, Polarity::Both, Target::Crop, false, d)?;
        if self.found.is_empty() {
            let mut sharp = std::mem::take(&mut self.filtered);
            let result = gray::sharpen(image, &mut sharp, d)
                .and_then(|s| self.read(s, place, CLASSIC, Polarity::DarkOnLight, Target::Crop, false, d));
            self.filtered = sharp;
            result?;
        }
        if self.found.is_empty() && second_opinion {
            self.read_rqrr(image, place, mean, Target::Crop, d)?;
        }
        Ok(())
    }

    /// Runs an expensive whole-image pass; `false` when it does not apply to this input.
    pub fn expensive(
        &mut self,
        pass: Pass,
        input: &Input<'_, '_>,
        deadline: &mut Deadline<'_>,
    ) -> Result<bool, Interrupted> {
        let image = input.image;
        let applies = match pass {
            Pass::Downscale => image.width >= DOWNSCALE_MIN_WIDTH,
            Pass::FullSize => input.place.scale > 1.0,
            _ => true,
        };
        if !applies {
            return Ok(false);
        }
        self.timed(pass.name(), deadline, |w, d| {
            let (place, both) = (input.place, Polarity::Both);
            let mut buf = std::mem::take(&mut w.reduced);
            let result = match pass {
                Pass::Median => {
                    let mut filtered = std::mem::take(&mut w.filtered);
                    let r = gray::median3(image, &mut filtered, &mut w.rows, d)
                        .and_then(|m| w.read(m, place, CLASSIC, both, Target::Whole, false, d));
                    w.filtered = filtered;
                    r
                }
                Pass::LowContrast | Pass::LowContrastWide => {
                    let r = mean_radius(image) * if pass == Pass::LowContrast { 1 } else { 2 };
                    w.read(image, place, Threshold::Mean(r), both, Target::Whole, false, d)
                }
                Pass::Downscale => gray::shrink(image, 2, &mut buf, &mut w.rows, d).and_then(|h| {
                    w.read(h, Place { scale: place.scale * 2.0, ..place }, FAST, both, Target::Whole, false, d)
                }),
                Pass::FullSize => full_size(input.frame, &mut buf, &mut w.rows, d)
                    .and_then(|f| w.read(f, Place { scale: 1.0, ..place }, FAST, both, Target::Whole, false, d)),
                Pass::Rqrr => {
                    let k = (image.pixels() as f64 / RQRR_MAX_PIXELS as f64).sqrt().ceil().max(1.0) as usize;
                    gray::shrink(image, k, &mut buf, &mut w.rows, d).and_then(|r| {
                        let at = Place { scale: place.scale * k as f32, ..place };
                        w.read_rqrr(r, at, CLASSIC, Target::Whole, d)
                    })
                }
            };
            w.reduced = buf;
            result.map(|()| true)
        })
    }

    /// Binarises `image`, scans it for finder patterns and decodes what they frame, light-on-dark too
    /// when `polarity` says so and dark-on-light showed fewer than three candidates.
    #[allow(clippy::too_many_arguments)]
    fn read(
        &mut self,
        image: Gray<'_>,
        place: Place,
        threshold: Threshold,
        polarity: Polarity,
        target: Target,
        count_candidates: bool,
        d: &mut Deadline<'_>,
    ) -> Result<(), Interrupted> {
        let Work { ws, whole, crop_binary, finder, model, guard, decoded, located_here, .. } = self;
        let slot = if target == Target::Whole { whole } else { crop_binary };
        let Some(binary) = threshold.apply(image, ws, slot, d)? else { return Ok(()) };
        for round in 0..if polarity == Polarity::Both { 2 } else { 1 } {
            if round == 1 {
                // Three candidates dark-on-light: a symbol that way round is in view.
                if finder.patterns.len() >= 3 {
                    break;
                }
                binary.invert();
            }
            decoded.clear();
            located_here.clear();
            let scanned = guard.run(|| finder.scan(binary, d)).unwrap_or(Ok(0));
            let n = scanned?;
            if count_candidates {
                self.candidates += n;
                self.hints.extend(finder.patterns.iter().map(|c| Located {
                    centre: place.map(Point { x: c.p.x, y: c.p.y }),
                    side: c.size as f32 * place.scale,
                    module: c.size as f32 * place.scale / 7.0,
                }));
            }
            rxing_pass::decode_sets(&binary.matrix, &mut finder.patterns, model, guard, d, decoded, located_here)?;
            self.found
                .extend(decoded.drain(..).map(|s| Found { text: s.text, corners: s.corners.map(|p| place.map(p)) }));
            self.located.extend(located_here.iter().map(|l| Located {
                centre: place.map(l.centre),
                side: l.side * place.scale,
                module: l.module * place.scale,
            }));
            if !self.found.is_empty() {
                break;
            }
        }
        Ok(())
    }

    /// Binarises `image` and reads it with rqrr, both polarities, each only if the cost model
    /// expects it to fit.
    fn read_rqrr(
        &mut self,
        image: Gray<'_>,
        place: Place,
        threshold: Threshold,
        target: Target,
        d: &mut Deadline<'_>,
    ) -> Result<(), Interrupted> {
        let Work { ws, whole, crop_binary, model, guard, .. } = self;
        let slot = if target == Target::Whole { whole } else { crop_binary };
        let Some(binary) = threshold.apply(image, ws, slot, d)? else { return Ok(()) };
        let units = image.pixels() + binary.transitions();
        for inverted in [false, true] {
            let Some(result) =
                model.run(Step::Rqrr, units, d, || guard.run(|| rqrr_pass::detect(&binary.matrix, inverted)))
            else {
                self.skipped = true;
                return Ok(());
            };
            let decoded = result.unwrap_or_default();
            self.found
                .extend(decoded.into_iter().map(|s| Found { text: s.text, corners: s.corners.map(|p| place.map(p)) }));
            if !self.found.is_empty() {
                break;
            }
        }
        Ok(())
    }

    /// The cost model's prediction for one typical payment symbol (version 5, 37 modules a side):
    /// what the scanner keeps in hand before starting another pass.
    pub fn symbol_cost(&self) -> Duration {
        self.model.predict(Step::Symbol, 37 * 37)
    }
}

/// The frame at full size: borrowed when it is packed luma, else converted into `buf`.
fn full_size<'o>(
    frame: &'o Frame<'o>,
    buf: &'o mut Vec<u8>,
    rows: &mut RowScratch,
    d: &mut Deadline<'_>,
) -> Result<Gray<'o>, Interrupted> {
    match frame.packed_luma() {
        Some(data) => Ok(Gray { width: frame.width() as usize, height: frame.height() as usize, data }),
        None => gray::reduce(frame, 1, buf, rows, d),
    }
}

/// The square around a located symbol, enlarged so modules are at least ~4 px (within
/// [`MAX_CROP_PIXELS`]), in frame pixels, and the enlargement.
fn refinement_crop(frame: &Frame<'_>, l: &Located) -> ((usize, usize, usize, usize), f32) {
    let (cx, cy, side, module) = (l.centre.x, l.centre.y, l.side * 1.3, l.module);
    let side = side.min(frame.width().max(frame.height()) as f32);
    let x0 = (cx - side / 2.0).max(0.0) as usize;
    let y0 = (cy - side / 2.0).max(0.0) as usize;
    let wanted = if module < 4.0 { (4.0 / module.max(1.0)).min(3.0) } else { 1.0 };
    let enlarge = wanted.min((MAX_CROP_PIXELS as f32).sqrt() / side.max(1.0)).max(1.0);
    ((x0, y0, side as usize, side as usize), enlarge)
}
