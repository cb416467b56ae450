//! Scanner benchmark: crossqr beside ZXing-C++ on the same pixels, in the same run.
//!
//! Frames: the real photos of `tests/fixtures/scan-corpus` (ZXing blackbox sets 1, 3, 5, the crash photo,
//! the code-free photos) and synthetic camera frames of KHQR/JPQR codes at 1280×720 and 1920×1080
//! (see `crossqr_tests::synth`). Scores: decoded exactly, misreads, false positives; latency median,
//! p95 and max per frame. `CROSSQR_BENCH_FRAMES` sets synthetic frames per scenario (default 12).
//!
//! Run: `scripts/bench-scan.sh` (installs zxing-cpp and numpy from PyPI if missing).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crossqr_core::scan::image_file::LumaImage;
use crossqr_core::scan::{Frame, ScanOptions, scan};
use crossqr_tests::synth::{Scenario, scenario_frames};
use serde_json::{Value, json};

const REPEAT: usize = 3;

struct Case {
    group: String,
    name: String,
    luma: Vec<u8>,
    width: usize,
    height: usize,
    truth: Option<String>,
}

#[derive(Default)]
struct Score {
    frames: usize,
    with_code: usize,
    decoded: usize,
    misreads: usize,
    false_positives: usize,
    ms: Vec<f64>,
}

impl Score {
    fn add(&mut self, truth: &Option<String>, texts: &[String], ms: f64) {
        self.frames += 1;
        self.ms.push(ms);
        match truth {
            Some(t) => {
                self.with_code += 1;
                if texts.iter().any(|x| x == t) {
                    self.decoded += 1;
                }
                self.misreads += texts.iter().filter(|x| *x != t).count();
            }
            None => self.false_positives += texts.len(),
        }
    }

    fn row(&mut self) -> String {
        self.ms.sort_by(f64::total_cmp);
        let pct = |q: f64| self.ms.get(((self.ms.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0.0);
        format!(
            "{:>3}/{:<3} {:>5.1}% {:>4} {:>4} {:>7.2} {:>7.2} {:>7.2}",
            self.decoded,
            self.with_code,
            100.0 * self.decoded as f64 / self.with_code.max(1) as f64,
            self.misreads,
            self.false_positives,
            pct(0.5),
            pct(0.95),
            pct(1.0)
        )
    }
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
            let group = if dir == "no-code" { "real: no code" } else { "real photos" };
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

fn zxing(cases: &[Case], dir: &Path) -> BTreeMap<String, (Vec<String>, f64)> {
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
            (v["name"].as_str().unwrap().to_owned(), (texts, v["ms"].as_f64().unwrap()))
        })
        .collect()
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return; // `cargo test --benches` runs nothing here
    }
    let per_scenario = std::env::var("CROSSQR_BENCH_FRAMES").ok().and_then(|v| v.parse().ok()).unwrap_or(12);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scan-corpus");
    let mut cases = corpus(&root);
    cases.extend(synthetic(per_scenario));
    let dir = std::env::temp_dir().join(format!("crossqr-scan-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let reference = zxing(&cases, &dir);
    std::fs::remove_dir_all(&dir).ok();

    let mut ours: BTreeMap<String, Score> = BTreeMap::new();
    let mut theirs: BTreeMap<String, Score> = BTreeMap::new();
    let mut missed = Vec::new();
    for c in &cases {
        let frame = Frame::luma(&c.luma, c.width as u32, c.height as u32).unwrap();
        let mut times = Vec::new();
        let mut texts = Vec::new();
        for _ in 0..REPEAT {
            let start = Instant::now();
            let report = scan(&frame, ScanOptions::CAMERA);
            times.push(start.elapsed().as_secs_f64() * 1e3);
            texts = report.codes.into_iter().map(|c| c.text).collect();
        }
        times.sort_by(f64::total_cmp);
        let (zx_texts, zx_ms) = &reference[&c.name];
        let summary =
            (!c.group.starts_with("real")).then(|| c.group[..c.group.find(' ').unwrap_or(0)].to_owned() + " all");
        for key in std::iter::once(c.group.clone()).chain(summary) {
            ours.entry(key.clone()).or_default().add(&c.truth, &texts, times[REPEAT / 2]);
            theirs.entry(key).or_default().add(&c.truth, zx_texts, *zx_ms);
        }
        if let Some(t) = &c.truth
            && !texts.contains(t)
        {
            missed.push(format!("{}{}", c.name, if zx_texts.contains(t) { " (zxing-cpp read it)" } else { "" }));
        }
    }
    println!(
        "{:<24} | {:<50} | {:<50}",
        "", "crossqr (rxing + rqrr, camera budget)", "ZXing-C++ 3.1 (zxing-cpp, defaults)"
    );
    println!(
        "{:<24} | {:<50} | {:<50}",
        "frames",
        "decoded      rate  mis   fp  med ms  p95 ms  max ms",
        "decoded      rate  mis   fp  med ms  p95 ms  max ms"
    );
    let mut keys: Vec<String> = ours.keys().cloned().collect();
    keys.sort_by_key(|k| (!k.starts_with("real"), !k.ends_with(" all"), k.clone()));
    for k in keys {
        let (a, b) = (ours.get_mut(&k).unwrap().row(), theirs.get_mut(&k).unwrap().row());
        println!("{k:<24} | {a:<50} | {b:<50}");
    }
    println!("\nnot decoded by crossqr: {}", if missed.is_empty() { "none".to_owned() } else { missed.join(", ") });
}
