//! Synthetic camera frames: KHQR and JPQR codes rendered with the `qrcode` crate, then placed on a
//! busy background under perspective, blur, motion blur, noise, low contrast, lighting gradients, glare,
//! shadow, scratches, inversion and small modules; and camera sequences of such frames (a code
//! approaching, a shaking hand, glare sweeping across, nothing in view). Seeded and deterministic, so a
//! benchmark run is reproducible.

use crossqr_core::emv::Encoder;
use crossqr_core::money::{Currency, Decimal};
use crossqr_core::schemes::khqr::{KhqrRequest, generate};

/// A tiny deterministic PRNG (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// Seeded generator.
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f32 {
        let u1 = self.unit().max(1e-7);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f32::consts::TAU * u2).cos()
    }

    /// Uniform integer in [0, n).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// What makes a frame hard.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Conditions {
    /// Pixels per module.
    pub module_px: f32,
    /// Rotation in degrees.
    pub rotation_deg: f32,
    /// Perspective strength: 0 flat, 0.3 strongly tilted.
    pub tilt: f32,
    /// Grey levels between dark and light modules.
    pub contrast: f32,
    /// Gaussian blur sigma, pixels.
    pub blur: f32,
    /// Gaussian noise sigma, grey levels.
    pub noise: f32,
    /// Peak brightness of a glare blob over the code, grey levels.
    pub glare: f32,
    /// Darkening of a shadow gradient across the frame, 0–1.
    pub shadow: f32,
    /// Number of scratches across the code.
    pub scratches: usize,
    /// Light modules on a dark ground.
    pub inverted: bool,
    /// Grey levels added by a linear lighting ramp across the frame (random direction).
    pub gradient: f32,
    /// Length of a straight motion blur, pixels (a hand moving during the exposure).
    pub motion_blur: f32,
    /// Direction of the motion blur, degrees.
    pub motion_deg: f32,
    /// Centre of the code as fractions of the frame's width and height; random when `None`.
    pub centre: Option<(f32, f32)>,
    /// Centre of the glare blob relative to the code's centre, in code sides; random when `None`.
    pub glare_at: Option<(f32, f32)>,
}

impl Default for Conditions {
    fn default() -> Self {
        Conditions {
            module_px: 5.0,
            rotation_deg: 0.0,
            tilt: 0.0,
            contrast: 180.0,
            blur: 0.0,
            noise: 0.0,
            glare: 0.0,
            shadow: 0.0,
            scratches: 0,
            inverted: false,
            gradient: 0.0,
            motion_blur: 0.0,
            motion_deg: 0.0,
            centre: None,
            glare_at: None,
        }
    }
}

/// One frame with its ground truth.
#[derive(Debug, Clone)]
pub struct SynthFrame {
    /// Luma, `width × height`, no padding.
    pub luma: Vec<u8>,
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// The payload rendered, or `None` for a code-free frame.
    pub payload: Option<String>,
}

/// A KHQR or JPQR payload chosen by `rng`: Khmer or Japanese names included, so byte mode is UTF-8.
pub fn payload(rng: &mut Rng) -> String {
    const NAMES: [&str; 4] = ["ហាងកាហ្វេ", "ភោជនីយដ្ឋាន", "ផ្សារធំថ្មី", "សៀវភៅ"];
    const JP_NAMES: [&str; 4] = ["メルペイ カフェ", "らーめん一番", "大阪 たこ焼き", "コンビニ"];
    let n = rng.below(1000);
    if rng.below(2) == 0 {
        let now = 1_763_769_600_000;
        let dynamic = rng.below(2) == 0;
        let req = KhqrRequest {
            currency: if rng.below(2) == 0 { Currency::KHR } else { Currency::USD },
            alt_language: Some("km".into()),
            alt_name: Some(NAMES[rng.below(NAMES.len())].into()),
            bill_number: dynamic.then(|| format!("INV-{n:05}")),
            amount: dynamic.then(|| Decimal::from(1 + rng.below(90_000))),
            expires_at_ms: dynamic.then_some(4_102_444_800_000),
            ..KhqrRequest::individual(format!("shop{n}@aclb"), format!("SHOP {n}"))
        };
        generate(&req, now).expect("valid KHQR").payload
    } else {
        jpqr(n, JP_NAMES[rng.below(JP_NAMES.len())], (rng.below(3) == 0).then(|| 100 + rng.below(20_000)))
    }
}

/// A JPQR payload with a Japanese merchant name.
pub fn jpqr(n: usize, name: &str, amount: Option<usize>) -> String {
    let store = [
        (1u8, format!("{:013}", 1_000_000 + n)),
        (2, "0001".to_owned()),
        (3, format!("{:06}", n % 1_000_000)),
        (4, "000001".to_owned()),
    ];
    let mut enc = Encoder::new();
    let result = (|| -> Result<String, crossqr_core::CodeError> {
        enc.push(0, "01")?.push(1, if amount.is_some() { "12" } else { "11" })?;
        let subs: Vec<(u8, Option<&str>)> = std::iter::once((0u8, Some("jp.or.paymentsjapan")))
            .chain(store.iter().map(|(id, v)| (*id, Some(v.as_str()))))
            .collect();
        enc.push_template(26, &subs)?;
        enc.push(52, "5812")?.push(53, "392")?;
        if let Some(a) = amount {
            enc.push(54, &a.to_string())?;
        }
        enc.push(58, "JP")?.push(59, &format!("STORE {n}"))?.push(60, "OSAKA")?.push(61, "5300001")?;
        enc.push_template(64, &[(0, Some("JA")), (1, Some(name))])?;
        std::mem::take(&mut enc).finish()
    })();
    result.expect("valid JPQR")
}

/// QR modules of `payload` (true = dark), at error-correction level M.
fn modules(payload: &str) -> (Vec<bool>, usize) {
    let code =
        qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M).expect("fits a QR code");
    let n = code.width();
    let colors = code.to_colors();
    (colors.into_iter().map(|c| c == qrcode::Color::Dark).collect(), n)
}

/// A busy background: gradients, blocks, stripes and texture.
fn background(rng: &mut Rng, width: usize, height: usize) -> Vec<f32> {
    let mut img = vec![0f32; width * height];
    let (a, b, c) = (rng.range(60.0, 200.0), rng.range(-60.0, 60.0), rng.range(-60.0, 60.0));
    for y in 0..height {
        for x in 0..width {
            img[y * width + x] = a + b * x as f32 / width as f32 + c * y as f32 / height as f32;
        }
    }
    for _ in 0..12 + rng.below(20) {
        let (x0, y0) = (rng.below(width), rng.below(height));
        let (w, h) = (20 + rng.below(width / 3), 20 + rng.below(height / 3));
        let v = rng.range(10.0, 245.0);
        let round = rng.below(2) == 0;
        for y in y0..(y0 + h).min(height) {
            for x in x0..(x0 + w).min(width) {
                let inside = !round || {
                    let dx = (x - x0) as f32 / w as f32 - 0.5;
                    let dy = (y - y0) as f32 / h as f32 - 0.5;
                    dx * dx + dy * dy < 0.25
                };
                if inside {
                    img[y * width + x] = v;
                }
            }
        }
    }
    // Text-like stripes: short dark bars in rows, the kind of edges that fool finder-pattern searches.
    for _ in 0..rng.below(6) {
        let (x0, y0) = (rng.below(width), rng.below(height));
        let bar = 2 + rng.below(5);
        for row in 0..6 + rng.below(10) {
            let y = y0 + row * bar * 3;
            let mut x = x0;
            while x < (x0 + 300).min(width) {
                let len = 2 + rng.below(bar * 4);
                for yy in y..(y + bar).min(height) {
                    for xx in x..(x + len).min(width) {
                        img[yy * width + xx] = 30.0;
                    }
                }
                x += len + 2 + rng.below(bar * 3);
            }
        }
    }
    img
}

/// Homography mapping the unit square's corners to `quad` (tl, tr, br, bl).
fn homography(quad: [(f32, f32); 4]) -> [f32; 9] {
    let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = quad;
    let (dx1, dx2, dx3) = (x1 - x2, x3 - x2, x0 - x1 + x2 - x3);
    let (dy1, dy2, dy3) = (y1 - y2, y3 - y2, y0 - y1 + y2 - y3);
    let den = dx1 * dy2 - dx2 * dy1;
    let g = (dx3 * dy2 - dx2 * dy3) / den;
    let h = (dx1 * dy3 - dx3 * dy1) / den;
    [x1 - x0 + g * x1, x3 - x0 + h * x3, x0, y1 - y0 + g * y1, y3 - y0 + h * y3, y0, g, h, 1.0]
}

/// Inverse of a 3×3 matrix.
fn invert(m: [f32; 9]) -> [f32; 9] {
    let [a, b, c, d, e, f, g, h, i] = m;
    let det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
    [
        (e * i - f * h) / det,
        (c * h - b * i) / det,
        (b * f - c * e) / det,
        (f * g - d * i) / det,
        (a * i - c * g) / det,
        (c * d - a * f) / det,
        (d * h - e * g) / det,
        (b * g - a * h) / det,
        (a * e - b * d) / det,
    ]
}

fn gaussian_blur(img: &mut [f32], width: usize, height: usize, sigma: f32) {
    if sigma <= 0.0 {
        return;
    }
    let r = (sigma * 3.0).ceil() as isize;
    let kernel: Vec<f32> = (-r..=r).map(|i| (-(i * i) as f32 / (2.0 * sigma * sigma)).exp()).collect();
    let sum: f32 = kernel.iter().sum();
    let kernel: Vec<f32> = kernel.iter().map(|k| k / sum).collect();
    let mut tmp = vec![0f32; img.len()];
    convolve(img, &mut tmp, &kernel, width, height, 1, width);
    convolve(&tmp, img, &kernel, height, width, width, 1);
}

/// A straight motion blur: each pixel the mean of `length` samples along `deg`, edges clamped.
fn motion_blur(img: &mut [f32], width: usize, height: usize, length: f32, deg: f32) {
    if length < 1.0 {
        return;
    }
    let (sin, cos) = deg.to_radians().sin_cos();
    let taps = length.ceil() as usize + 1;
    let offsets: Vec<(isize, isize)> = (0..taps)
        .map(|i| {
            let t = length * (i as f32 / (taps - 1) as f32 - 0.5);
            ((t * cos).round() as isize, (t * sin).round() as isize)
        })
        .collect();
    let src = img.to_vec();
    for y in 0..height {
        for x in 0..width {
            let sum: f32 = offsets
                .iter()
                .map(|&(dx, dy)| {
                    let sx = (x as isize + dx).clamp(0, width as isize - 1) as usize;
                    let sy = (y as isize + dy).clamp(0, height as isize - 1) as usize;
                    src[sy * width + sx]
                })
                .sum();
            img[y * width + x] = sum / taps as f32;
        }
    }
}

/// 1-D convolution of `lines` lines of `len` samples: sample i of line j is at `j * across + i * along`.
fn convolve(src: &[f32], dst: &mut [f32], kernel: &[f32], len: usize, lines: usize, along: usize, across: usize) {
    let r = (kernel.len() / 2) as isize;
    for line in 0..lines {
        for i in 0..len {
            dst[line * across + i * along] = kernel
                .iter()
                .enumerate()
                .map(|(k, w)| {
                    w * src[line * across + (i as isize + k as isize - r).clamp(0, len as isize - 1) as usize * along]
                })
                .sum();
        }
    }
}

/// Renders one frame. `payload` `None` gives a code-free frame (false-positive checks).
pub fn frame(seed: u64, width: usize, height: usize, payload: Option<&str>, c: Conditions) -> SynthFrame {
    let mut rng = Rng::new(seed);
    let mut img = background(&mut rng, width, height);
    if let Some(text) = payload {
        let (mods, n) = modules(text);
        let quiet = 4.0;
        let side = c.module_px * (n as f32 + 2.0 * quiet);
        let margin = side * 0.75;
        let cx = rng.range(margin.min(width as f32 / 2.0), (width as f32 - margin).max(width as f32 / 2.0));
        let cy = rng.range(margin.min(height as f32 / 2.0), (height as f32 - margin).max(height as f32 / 2.0));
        let (cx, cy) = c.centre.map_or((cx, cy), |(fx, fy)| (fx * width as f32, fy * height as f32));
        let theta = c.rotation_deg.to_radians();
        let (sin, cos) = theta.sin_cos();
        let corners = [(-0.5f32, -0.5f32), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5)];
        let quad = corners.map(|(u, v)| {
            // Tilt: the far edge shrinks, as when the camera looks at the sticker from below.
            let scale = 1.0 - c.tilt * (v + 0.5) * 0.8;
            let (x, y) = (u * side * scale, v * side * (1.0 - c.tilt * 0.3));
            (cx + x * cos - y * sin, cy + x * sin + y * cos)
        });
        let inv = invert(homography(quad));
        let (dark, light) = {
            let mid = rng.range(90.0 + c.contrast / 4.0, 170.0 - c.contrast / 4.0);
            (mid - c.contrast / 2.0, mid + c.contrast / 2.0)
        };
        let (minx, maxx) = quad.iter().fold((f32::MAX, f32::MIN), |(lo, hi), p| (lo.min(p.0), hi.max(p.0)));
        let (miny, maxy) = quad.iter().fold((f32::MAX, f32::MIN), |(lo, hi), p| (lo.min(p.1), hi.max(p.1)));
        let total = n as f32 + 2.0 * quiet;
        for y in (miny.floor().max(0.0) as usize)..(maxy.ceil().min(height as f32) as usize) {
            for x in (minx.floor().max(0.0) as usize)..(maxx.ceil().min(width as f32) as usize) {
                let mut acc = 0.0;
                let mut hits = 0;
                for (sx, sy) in [(0.25f32, 0.25f32), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)] {
                    let (px, py) = (x as f32 + sx, y as f32 + sy);
                    let w = inv[6] * px + inv[7] * py + inv[8];
                    let (u, v) = ((inv[0] * px + inv[1] * py + inv[2]) / w, (inv[3] * px + inv[4] * py + inv[5]) / w);
                    if !(0.0..1.0).contains(&u) || !(0.0..1.0).contains(&v) {
                        continue;
                    }
                    let (mx, my) = ((u * total - quiet).floor(), (v * total - quiet).floor());
                    let is_dark = mx >= 0.0
                        && my >= 0.0
                        && (mx as usize) < n
                        && (my as usize) < n
                        && mods[my as usize * n + mx as usize];
                    acc += if is_dark != c.inverted { dark } else { light };
                    hits += 1;
                }
                if hits > 0 {
                    let bg = img[y * width + x];
                    img[y * width + x] = (acc + bg * (4 - hits) as f32) / 4.0;
                }
            }
        }
        for _ in 0..c.scratches {
            let (x0, y0) = (cx + rng.range(-side, side) * 0.5, cy + rng.range(-side, side) * 0.5);
            let angle = rng.range(0.0, std::f32::consts::PI);
            let (len, v) = (rng.range(side * 0.3, side), if rng.below(2) == 0 { 235.0 } else { 25.0 });
            for t in 0..len as usize {
                let (x, y) = ((x0 + t as f32 * angle.cos()) as isize, (y0 + t as f32 * angle.sin()) as isize);
                if x >= 0 && y >= 0 && (x as usize) < width && (y as usize) < height {
                    img[y as usize * width + x as usize] = v;
                }
            }
        }
        if c.glare > 0.0 {
            let (gx, gy, r) =
                (cx + rng.range(-side, side) * 0.3, cy + rng.range(-side, side) * 0.3, side * rng.range(0.15, 0.35));
            let (gx, gy) = c.glare_at.map_or((gx, gy), |(dx, dy)| (cx + dx * side, cy + dy * side));
            for y in 0..height {
                for x in 0..width {
                    let d2 = ((x as f32 - gx).powi(2) + (y as f32 - gy).powi(2)) / (r * r);
                    if d2 < 9.0 {
                        img[y * width + x] += c.glare * (-d2).exp();
                    }
                }
            }
        }
    }
    if c.shadow > 0.0 {
        let dir = rng.range(0.0, std::f32::consts::TAU);
        for y in 0..height {
            for x in 0..width {
                let t =
                    ((x as f32 / width as f32 - 0.5) * dir.cos() + (y as f32 / height as f32 - 0.5) * dir.sin() + 0.5)
                        .clamp(0.0, 1.0);
                img[y * width + x] *= 1.0 - c.shadow * t;
            }
        }
    }
    if c.gradient > 0.0 {
        let (sin, cos) = rng.range(0.0, std::f32::consts::TAU).sin_cos();
        for y in 0..height {
            for x in 0..width {
                let t = (x as f32 / width as f32 - 0.5) * cos + (y as f32 / height as f32 - 0.5) * sin;
                img[y * width + x] += c.gradient * t;
            }
        }
    }
    motion_blur(&mut img, width, height, c.motion_blur, c.motion_deg);
    gaussian_blur(&mut img, width, height, c.blur);
    let luma = img
        .iter()
        .map(|v| {
            let noisy = if c.noise > 0.0 { v + c.noise * rng.normal() } else { *v };
            noisy.round().clamp(0.0, 255.0) as u8
        })
        .collect();
    SynthFrame { luma, width, height, payload: payload.map(str::to_owned) }
}

/// A named family of conditions, randomised per frame around its theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Well lit, flat, 4–7 px modules.
    Clean,
    /// 2.5–3.2 px modules.
    SmallModules,
    /// Rotated and strongly tilted.
    Perspective,
    /// Blur sigma 1.2–2.0.
    Blur,
    /// Noise sigma 15–30.
    Noise,
    /// 30–50 grey levels of contrast.
    LowContrast,
    /// A bright blob over the code and a shadow across the frame.
    Glare,
    /// Scratched stand: light and dark lines across the code.
    Scratched,
    /// Light modules on a dark ground.
    Inverted,
    /// Several faults at once.
    Combined,
    /// No code at all.
    NoCode,
    /// 24–30 grey levels of contrast under a lighting ramp of 60–120 levels across the frame.
    LowContrastGradient,
    /// 2.0–2.4 px modules (a code far away in a 1080p frame).
    TwoPxModules,
}

impl Scenario {
    /// Every scenario.
    pub const ALL: [Scenario; 13] = [
        Scenario::Clean,
        Scenario::SmallModules,
        Scenario::Perspective,
        Scenario::Blur,
        Scenario::Noise,
        Scenario::LowContrast,
        Scenario::Glare,
        Scenario::Scratched,
        Scenario::Inverted,
        Scenario::Combined,
        Scenario::LowContrastGradient,
        Scenario::TwoPxModules,
        Scenario::NoCode,
    ];

    /// Short name.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Clean => "clean",
            Scenario::SmallModules => "small_modules",
            Scenario::Perspective => "perspective",
            Scenario::Blur => "blur",
            Scenario::Noise => "noise",
            Scenario::LowContrast => "low_contrast",
            Scenario::Glare => "glare",
            Scenario::Scratched => "scratched",
            Scenario::Inverted => "inverted",
            Scenario::Combined => "combined",
            Scenario::LowContrastGradient => "low_contrast_gradient",
            Scenario::TwoPxModules => "2px_modules",
            Scenario::NoCode => "no_code",
        }
    }

    /// Conditions for one frame of this scenario.
    pub fn conditions(self, rng: &mut Rng) -> Conditions {
        let base = Conditions {
            module_px: rng.range(4.0, 7.0),
            rotation_deg: rng.range(-20.0, 20.0),
            ..Conditions::default()
        };
        match self {
            Scenario::Clean | Scenario::NoCode => base,
            Scenario::SmallModules => Conditions { module_px: rng.range(2.5, 3.2), blur: 0.5, ..base },
            Scenario::Perspective => {
                Conditions { rotation_deg: rng.range(-180.0, 180.0), tilt: rng.range(0.15, 0.35), ..base }
            }
            Scenario::Blur => Conditions { blur: rng.range(1.2, 2.0), ..base },
            Scenario::Noise => Conditions { noise: rng.range(15.0, 30.0), ..base },
            Scenario::LowContrast => Conditions { contrast: rng.range(30.0, 50.0), noise: 3.0, ..base },
            Scenario::Glare => Conditions { glare: rng.range(120.0, 220.0), shadow: rng.range(0.3, 0.6), ..base },
            Scenario::Scratched => Conditions { scratches: 4 + rng.below(6), ..base },
            Scenario::Inverted => Conditions { inverted: true, ..base },
            Scenario::Combined => Conditions {
                module_px: rng.range(3.0, 4.5),
                tilt: rng.range(0.05, 0.2),
                blur: rng.range(0.6, 1.2),
                noise: rng.range(6.0, 14.0),
                contrast: rng.range(60.0, 100.0),
                shadow: 0.3,
                ..base
            },
            Scenario::LowContrastGradient => {
                Conditions { contrast: rng.range(24.0, 30.0), gradient: rng.range(60.0, 120.0), noise: 2.0, ..base }
            }
            Scenario::TwoPxModules => Conditions { module_px: rng.range(2.0, 2.4), blur: 0.4, ..base },
        }
    }
}

/// `count` frames of `scenario` at `width × height`, seeded from `seed`.
pub fn scenario_frames(scenario: Scenario, count: usize, width: usize, height: usize, seed: u64) -> Vec<SynthFrame> {
    (0..count)
        .map(|i| {
            let mut rng = Rng::new(seed ^ ((i as u64) << 20) ^ (scenario as u64) << 8);
            let c = scenario.conditions(&mut rng);
            let text = (scenario != Scenario::NoCode).then(|| payload(&mut rng));
            frame(rng.next_u64(), width, height, text.as_deref(), c)
        })
        .collect()
}

/// A camera sequence: what a phone sees over consecutive frames of one scanning session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sequence {
    /// The code approaches from far away: modules grow from 1 to 5 px while the focus sharpens (blur
    /// sigma 2.5 to 0.3).
    Approach,
    /// A shaking hand: 4 px modules, motion blur of 3–14 px in a random direction, the code jittering.
    Shake,
    /// A bright glare blob sweeping across the code from left to right, a shadow across the frame.
    GlareSweep,
    /// Nothing in view: a different busy scene every frame, as while aiming.
    NoCode,
}

impl Sequence {
    /// Every sequence.
    pub const ALL: [Sequence; 4] = [Sequence::Approach, Sequence::Shake, Sequence::GlareSweep, Sequence::NoCode];

    /// Short name.
    pub fn name(self) -> &'static str {
        match self {
            Sequence::Approach => "approach",
            Sequence::Shake => "shake",
            Sequence::GlareSweep => "glare_sweep",
            Sequence::NoCode => "no_code",
        }
    }

    /// Frames in the sequence as the benchmark renders it.
    pub fn frame_count(self) -> usize {
        if self == Sequence::NoCode { 60 } else { 30 }
    }

    /// `count` consecutive frames at `width × height`, seeded from `seed`.
    pub fn frames(self, count: usize, width: usize, height: usize, seed: u64) -> Vec<SynthFrame> {
        let mut rng = Rng::new(seed ^ (self as u64) << 12);
        let text = payload(&mut rng);
        let scene = rng.next_u64();
        let rotation_deg = rng.range(-15.0, 15.0);
        let base = Conditions { rotation_deg, noise: 2.0, ..Conditions::default() };
        (0..count)
            .map(|i| {
                let t = i as f32 / count.saturating_sub(1).max(1) as f32;
                let drift = (0.5 + 0.03 * (t * 5.0).sin(), 0.5 + 0.02 * (t * 3.0).cos());
                let c = match self {
                    Sequence::Approach => Conditions {
                        module_px: 1.0 + 4.0 * t,
                        blur: 2.5 * (1.0 - t) + 0.3,
                        centre: Some(drift),
                        ..base
                    },
                    Sequence::Shake => Conditions {
                        module_px: 4.0,
                        motion_blur: rng.range(3.0, 14.0),
                        motion_deg: rng.range(0.0, 180.0),
                        centre: Some((0.5 + rng.range(-0.04, 0.04), 0.5 + rng.range(-0.04, 0.04))),
                        ..base
                    },
                    Sequence::GlareSweep => Conditions {
                        module_px: 4.5,
                        glare: 210.0,
                        glare_at: Some((1.2 * t - 0.6, 0.05)),
                        shadow: 0.3,
                        centre: Some(drift),
                        ..base
                    },
                    Sequence::NoCode => base,
                };
                match self {
                    Sequence::NoCode => frame(scene ^ i as u64, width, height, None, c),
                    _ => frame(scene, width, height, Some(&text), c),
                }
            })
            .collect()
    }
}
