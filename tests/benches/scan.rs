//! Scanner benchmark: crossqr beside ZXing-C++ on the same pixels, in the same run.
//!
//! - Single frames: the real photos of `tests/fixtures/scan-corpus` (ZXing blackbox sets 1, 3, 5, the
//!   crash photo, the code-free photos) and synthetic camera frames of KHQR/JPQR codes at 1280×720 and
//!   1920×1080 per scenario (see `crossqr_tests::synth`). crossqr reads each with a fresh camera
//!   [`Scanner`] (the frame a code first appears in: no memory to help) and with the stateless
//!   [`scan`] (every pass), both under the camera budget.
//! - Camera sequences rendered by the generator (a code approaching, a shaking hand, glare sweeping
//!   across, nothing in view): one crossqr session fed every frame; ZXing-C++ frame by frame.
//!
//! Scores: decoded exactly, misreads, false positives, frames until the first read; cost per frame as
//! CPU time of the scanning thread (both sides), median and max; frames over budget by the Scanner's
//! own clock — here the thread's CPU time ([`CpuClock`]), so that other work on a shared machine does
//! not count against it — and the wall time seen; the cost model's error. `CROSSQR_BENCH_FRAMES` sets
//! synthetic frames per scenario (default 12); `CROSSQR_BENCH_VERBOSE` prints every frame over budget.
//! Prints Markdown tables.
//!
//! Run: `scripts/bench-scan.sh` (installs zxing-cpp and numpy from PyPI if missing).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crossqr_core::scan::image_file::LumaImage;
use crossqr_core::scan::{Frame, ModelError, ScanOptions, ScanReport, Scanner, ScannerOptions, scan};
use crossqr_tests::cpu_clock::CpuClock;
use crossqr_tests::synth::{Scenario, Sequence, scenario_frames};
use serde_json::{Value, json};

/// Timed runs per frame (or per sequence); the median is reported.
const REPEAT: usize = 3;
const SEQUENCE_SIZE: (usize, usize) = (1280, 720);

struct Case {
    group: String,
    name: String,
    luma: Vec<u8>,
    width: usize,
    height: usize,
    truth: Option<String>,
}

/// One frame read by one side: texts found, CPU ms, wall ms, and (crossqr) whether the scanner's own
/// clock (CPU time) saw it end past its budget, with its passes then.
#[derive(Clone, Default)]
struct Outcome {
    texts: Vec<String>,
    cpu_ms: f64,
    wall_ms: f64,
    overran: bool,
    passes: String,
}

#[derive(Default)]
struct Score {
    with_code: usize,
    decoded: usize,
    misreads: usize,
    false_positives: usize,
    cpu: Vec<f64>,
    wall: Vec<f64>,
    overruns: usize,
}

impl Score {
    fn add(&mut self, truth: &Option<String>, o: &Outcome) {
        self.cpu.push(o.cpu_ms);
        self.wall.push(o.wall_ms);
        self.overruns += usize::from(o.overran);
        match truth {
            Some(t) => {
                self.with_code += 1;
                self.decoded += usize::from(o.texts.iter().any(|x| x == t));
                self.misreads += o.texts.iter().filter(|x| *x != t).count();
            }
            None => self.false_positives += o.texts.len(),
        }
    }

    fn read(&self) -> String {
        if self.with_code == 0 {
            format!("{} false positives", self.false_positives)
        } else {
            format!("{}/{}", self.decoded, self.with_code)
        }
    }
}

fn quantile(v: &[f64], q: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(((v.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0)
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

fn corpus(root: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    for dir in ["zxing-qrcode-1", "zxing-qrcode-3", "zxing-qrcode-5", "crash", "no-code"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap_or_else(|e| panic!("{}: {e}", root.join(dir).display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "png"))
            .collect();
        files.sort();
        for path in files {
            let img = LumaImage::open(&path).unwrap();
            let truth = std::fs::read(path.with_extension("txt")).ok().map(|b| String::from_utf8(b).unwrap());
            let group = if dir == "no-code" { "real photos, no code" } else { "real photos" };
            cases.push(Case {
                group: group.into(),
                name: format!("{dir}/{}", path.file_name().unwrap().to_string_lossy()),
                width: img.width as usize,
                height: img.height as usize,
                luma: img.luma,
                truth,
            });
        }
    }
    cases
}

fn synthetic(per_scenario: usize) -> Vec<Case> {
    let mut cases = Vec::new();
    for (w, h) in [(1280, 720), (1920, 1080)] {
        for scenario in Scenario::ALL {
            for (i, f) in scenario_frames(scenario, per_scenario, w, h, 2026).into_iter().enumerate() {
                cases.push(Case {
                    group: format!("{h}p {}", scenario.name()),
                    name: format!("{h}p/{}/{i}", scenario.name()),
                    luma: f.luma,
                    width: w,
                    height: h,
                    truth: f.payload,
                });
            }
        }
    }
    cases
}

fn sequences() -> Vec<(Sequence, Vec<Case>)> {
    let (w, h) = SEQUENCE_SIZE;
    Sequence::ALL
        .iter()
        .map(|&s| {
            let frames = s.frames(s.frame_count(), w, h, 2026);
            let cases = frames
                .into_iter()
                .enumerate()
                .map(|(i, f)| Case {
                    group: s.name().into(),
                    name: format!("seq/{}/{i}", s.name()),
                    luma: f.luma,
                    width: w,
                    height: h,
                    truth: f.payload,
                })
                .collect();
            (s, cases)
        })
        .collect()
}

/// ZXing-C++ on every case, frame by frame: texts and median CPU ms.
fn zxing(cases: &[&Case], dir: &Path) -> BTreeMap<String, Outcome> {
    let mut frames = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let path = dir.join(format!("{i}.raw"));
        std::fs::write(&path, &c.luma).unwrap();
        frames.push(json!({"name": c.name, "path": path, "width": c.width, "height": c.height}));
    }
    let index = dir.join("index.json");
    std::fs::write(&index, json!({"frames": frames, "repeat": REPEAT}).to_string()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("zxing/zxing_bench.py");
    let out = std::process::Command::new("python3").arg(script).arg(&index).output().expect("python3");
    assert!(
        out.status.success(),
        "zxing-cpp failed (scripts/bench-scan.sh installs it): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let texts = v["texts"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_owned()).collect();
            let ms = v["ms"].as_f64().unwrap();
            (v["name"].as_str().unwrap().to_owned(), Outcome { texts, cpu_ms: ms, wall_ms: ms, ..Outcome::default() })
        })
        .collect()
}

/// Runs `read` and times it.
fn timed(read: impl FnOnce() -> ScanReport) -> Outcome {
    let (cpu, wall) = (CpuClock::thread_time(), Instant::now());
    let report = read();
    let overran = !report.overrun.is_zero();
    let passes = if overran { format!("{:?} {:?} over", report.passes, report.overrun) } else { String::new() };
    Outcome {
        cpu_ms: (CpuClock::thread_time() - cpu).as_secs_f64() * 1e3,
        wall_ms: wall.elapsed().as_secs_f64() * 1e3,
        overran,
        passes,
        texts: report.codes.into_iter().map(|c| c.text).collect(),
    }
}

/// A camera session on the CPU clock.
fn camera_session() -> Scanner {
    Scanner::with_clock(ScannerOptions::CAMERA, Box::new(CpuClock))
}

/// The median-CPU run of `REPEAT`, with the worst wall time and any overrun of them all.
fn median_of(mut runs: Vec<Outcome>) -> Outcome {
    let wall = runs.iter().map(|o| o.wall_ms).fold(0.0, f64::max);
    let overran = runs.iter().any(|o| o.overran);
    if std::env::var_os("CROSSQR_BENCH_VERBOSE").is_some() {
        for o in runs.iter().filter(|o| o.overran) {
            eprintln!("over budget: {:.2} ms wall, {:.2} ms CPU: {}", o.wall_ms, o.cpu_ms, o.passes);
        }
    }
    runs.sort_by(|a, b| a.cpu_ms.total_cmp(&b.cpu_ms));
    Outcome { wall_ms: wall, overran, ..runs.swap_remove(REPEAT / 2) }
}

fn add_error(total: &mut ModelError, e: ModelError) {
    let n = total.predictions + e.predictions;
    if n > 0 {
        total.mean_ratio =
            (total.mean_ratio * total.predictions as f64 + e.mean_ratio * e.predictions as f64) / n as f64;
    }
    total.predictions = n;
    total.optimistic += e.optimistic;
    if e.worst_ratio > total.worst_ratio {
        (total.worst_ratio, total.worst_step) = (e.worst_ratio, e.worst_step);
    }
}

fn row(label: &str, a: &Score, b: &Score, extra: &str) -> String {
    format!(
        "| {label} | {} | {} | {:.2} / {:.2} | {:.2} / {:.2} | {:.1}{extra} |",
        a.read(),
        b.read(),
        quantile(&a.cpu, 0.5),
        quantile(&a.cpu, 1.0),
        quantile(&b.cpu, 0.5),
        quantile(&b.cpu, 1.0),
        quantile(&a.wall, 1.0),
    )
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return; // `cargo test --benches` runs nothing here
    }
    let per_scenario = std::env::var("CROSSQR_BENCH_FRAMES").ok().and_then(|v| v.parse().ok()).unwrap_or(12);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scan-corpus");
    let mut cases = corpus(&root);
    cases.extend(synthetic(per_scenario));
    let sequences = sequences();
    let all: Vec<&Case> = cases.iter().chain(sequences.iter().flat_map(|(_, c)| c)).collect();
    let dir = std::env::temp_dir().join(format!("crossqr-scan-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let reference = zxing(&all, &dir);
    std::fs::remove_dir_all(&dir).ok();
    let mut model = ModelError::default();

    // Single frames.
    let mut session: BTreeMap<String, Score> = BTreeMap::new();
    let mut stateless: BTreeMap<String, Score> = BTreeMap::new();
    let mut theirs: BTreeMap<String, Score> = BTreeMap::new();
    let mut missed = Vec::new();
    for c in &cases {
        let frame = Frame::luma(&c.luma, c.width as u32, c.height as u32).unwrap();
        let fresh = median_of(
            (0..REPEAT)
                .map(|_| {
                    let mut scanner = camera_session();
                    let o = timed(|| scanner.scan_frame(&frame).clone());
                    add_error(&mut model, scanner.cost_model_error());
                    o
                })
                .collect(),
        );
        let every = median_of((0..REPEAT).map(|_| timed(|| scan(&frame, ScanOptions::CAMERA))).collect());
        let zx = &reference[&c.name];
        let summary = c.group.split_once(' ').filter(|_| !c.group.starts_with("real")).map(|(r, _)| format!("{r} all"));
        for key in std::iter::once(c.group.clone()).chain(summary) {
            session.entry(key.clone()).or_default().add(&c.truth, &fresh);
            stateless.entry(key.clone()).or_default().add(&c.truth, &every);
            theirs.entry(key).or_default().add(&c.truth, zx);
        }
        if let Some(t) = &c.truth
            && !fresh.texts.contains(t)
        {
            missed.push(format!("{}{}", c.name, if zx.texts.contains(t) { " (ZXing-C++ read it)" } else { "" }));
        }
    }
    println!("## Single frames (camera budget {} ms)\n", ScannerOptions::CAMERA.budget.as_millis());
    println!(
        "| frames | crossqr Scanner read | ZXing-C++ read | crossqr CPU ms median / max | ZXing-C++ CPU ms median / max | crossqr wall ms max | crossqr `scan()` read |"
    );
    println!("|---|---|---|---|---|---|---|");
    let mut keys: Vec<String> = session.keys().cloned().collect();
    keys.sort_by_key(|k| (!k.starts_with("real"), !k.ends_with(" all"), k.clone()));
    for k in &keys {
        let extra = format!(" | {}", stateless[k].read());
        println!("{}", row(k, &session[k], &theirs[k], &extra));
    }
    let overruns: usize = keys.iter().filter(|k| !k.ends_with(" all")).map(|k| session[k].overruns).sum();
    println!("\nframes over budget by the Scanner's clock (CPU time): {overruns}");
    println!(
        "not read by a fresh crossqr Scanner: {}",
        if missed.is_empty() { "none".to_owned() } else { missed.join(", ") }
    );

    // Sequences.
    println!("\n## Camera sequences ({}×{}, one session, camera budget)\n", SEQUENCE_SIZE.0, SEQUENCE_SIZE.1);
    println!(
        "| sequence | frames | crossqr first read | ZXing-C++ first read | crossqr frames read | ZXing-C++ frames read | crossqr CPU ms median / mean / max | ZXing-C++ CPU ms median / mean / max | crossqr wall ms max | over budget |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for (sequence, frames) in &sequences {
        let runs: Vec<Vec<Outcome>> = (0..REPEAT)
            .map(|_| {
                let mut scanner = camera_session();
                let outcomes = frames
                    .iter()
                    .map(|c| {
                        let frame = Frame::luma(&c.luma, c.width as u32, c.height as u32).unwrap();
                        timed(|| scanner.scan_frame(&frame).clone())
                    })
                    .collect();
                add_error(&mut model, scanner.cost_model_error());
                outcomes
            })
            .collect();
        let ours: Vec<Outcome> =
            (0..frames.len()).map(|i| median_of(runs.iter().map(|r| r[i].clone()).collect())).collect();
        let zx: Vec<&Outcome> = frames.iter().map(|c| &reference[&c.name]).collect();
        let read = |o: &Outcome, c: &Case| c.truth.as_ref().is_some_and(|t| o.texts.contains(t));
        let first =
            |reads: Vec<bool>| reads.iter().position(|&r| r).map_or("never".to_owned(), |i| (i + 1).to_string());
        let ours_reads: Vec<bool> = ours.iter().zip(frames).map(|(o, c)| read(o, c)).collect();
        let zx_reads: Vec<bool> = zx.iter().zip(frames).map(|(o, c)| read(o, c)).collect();
        let fp: usize = ours.iter().zip(frames).filter(|(_, c)| c.truth.is_none()).map(|(o, _)| o.texts.len()).sum();
        let cpu = |v: &[f64]| format!("{:.2} / {:.2} / {:.2}", quantile(v, 0.5), mean(v), quantile(v, 1.0));
        let ours_cpu: Vec<f64> = ours.iter().map(|o| o.cpu_ms).collect();
        let zx_cpu: Vec<f64> = zx.iter().map(|o| o.cpu_ms).collect();
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {:.1} | {} |",
            sequence.name(),
            frames.len(),
            if fp > 0 { format!("{fp} false positives") } else { first(ours_reads.clone()) },
            first(zx_reads.clone()),
            ours_reads.iter().filter(|&&r| r).count(),
            zx_reads.iter().filter(|&&r| r).count(),
            cpu(&ours_cpu),
            cpu(&zx_cpu),
            ours.iter().map(|o| o.wall_ms).fold(0.0, f64::max),
            ours.iter().filter(|o| o.overran).count(),
        );
    }
    println!(
        "\ncost model: {} predictions, {} optimistic, actual/predicted worst {:.2} ({}), mean {:.2}",
        model.predictions, model.optimistic, model.worst_ratio, model.worst_step, model.mean_ratio
    );
}
