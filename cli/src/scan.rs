//! `crossqr scan [--json] [--parse] [--camera] [--budget-ms N] IMAGE…`: one JSON line per file,
//! `{"file", "codes": [{"text", "corners"}], "ms"}`, `ms` being decode time without file I/O. With
//! `--camera` the files are consecutive frames of one camera session (a [`Scanner`]), and a last line
//! sums the session up: `{"summary": {"frames", "first_read_frame", "median_ms", "max_ms", "total_ms"}}`.

use std::path::PathBuf;
use std::time::Duration;

use crossqr_core::scan::image_file::LumaImage;
use crossqr_core::scan::{ScanError, ScanOptions, ScanReport, ScannedCode, Scanner, ScannerOptions, scan};
use serde::Serialize;
use serde_json::{Value, json};

use crate::output::CliError;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON lines (the default and only format; kept for scripts that ask for it).
    #[arg(long)]
    json: bool,
    /// Also parse every code and add the result (or the parse error) as `parsed`.
    #[arg(long)]
    parse: bool,
    /// Feed the images as consecutive frames of one camera session, then print a summary line.
    #[arg(long)]
    camera: bool,
    /// Time budget per image, milliseconds (default: the photo budget, 1500; with --camera the camera
    /// budget, 24).
    #[arg(long, value_name = "MS")]
    budget_ms: Option<u64>,
    /// Image files (PNG or JPEG).
    #[arg(required = true, value_name = "IMAGE")]
    images: Vec<PathBuf>,
}

/// A corner, pixels in the upright image.
#[derive(Serialize)]
struct Corner {
    x: f32,
    y: f32,
}

/// One code: text, corners (top-left, top-right, bottom-right, bottom-left), and with `--parse`
/// what it says or why it is refused.
#[derive(Serialize)]
struct Code {
    text: String,
    corners: Vec<Corner>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parsed: Option<Value>,
}

/// One line per file.
#[derive(Serialize)]
struct Line {
    file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    codes: Option<Vec<Code>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<CliError>,
}

fn code(code: &ScannedCode, parse: bool) -> Code {
    let parsed = parse.then(|| match crossqr_core::parse(&code.text) {
        Ok(c) => serde_json::to_value(c.summary()).unwrap_or(Value::Null),
        Err(e) => json!({ "error": CliError::from_core(&e) }),
    });
    Code { text: code.text.clone(), corners: code.corners.iter().map(|p| Corner { x: p.x, y: p.y }).collect(), parsed }
}

/// The last line of a camera session.
#[derive(Serialize)]
struct Summary {
    /// Frames scanned (files that could be read).
    frames: usize,
    /// 1-based; `null` when no frame held a code.
    first_read_frame: Option<usize>,
    median_ms: f64,
    max_ms: f64,
    total_ms: f64,
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

/// Scans every file, printing a line each (and with `--camera` a summary); fails (exit 1) if any file
/// could not be read.
pub fn run(args: Args) -> Result<(), CliError> {
    let _ = args.json;
    let default = if args.camera { ScanOptions::CAMERA } else { ScanOptions::PHOTO };
    let budget = args.budget_ms.map_or(default.budget, Duration::from_millis);
    let mut session = args.camera.then(|| Scanner::new(ScannerOptions { budget, ..ScannerOptions::CAMERA }));
    let mut read = |img: &LumaImage| -> Result<ScanReport, ScanError> {
        let frame = img.frame()?;
        Ok(match &mut session {
            Some(scanner) => scanner.scan_frame(&frame).clone(),
            None => scan(&frame, ScanOptions { budget, ..default }),
        })
    };
    let (mut failed, mut times, mut first_read) = (0, Vec::new(), None);
    for (i, path) in args.images.iter().enumerate() {
        let file = path.display().to_string();
        let line = match LumaImage::open(path).and_then(|img| read(&img)) {
            Ok(report) => {
                times.push(ms(report.elapsed));
                if !report.codes.is_empty() {
                    first_read.get_or_insert(i + 1);
                }
                Line {
                    file,
                    codes: Some(report.codes.iter().map(|c| code(c, args.parse)).collect()),
                    ms: Some(ms(report.elapsed)),
                    error: None,
                }
            }
            Err(e) => {
                failed += 1;
                Line { file, codes: None, ms: None, error: Some(CliError::from_core(&e)) }
            }
        };
        crate::output::print(&line);
    }
    if args.camera {
        let mut sorted = times.clone();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median_ms = if n == 0 { 0.0 } else { (sorted[(n - 1) / 2] + sorted[n / 2]) / 2.0 };
        let summary = Summary {
            frames: n,
            first_read_frame: first_read,
            median_ms,
            max_ms: sorted.last().copied().unwrap_or(0.0),
            total_ms: (times.iter().sum::<f64>() * 1e3).round() / 1e3,
        };
        #[derive(Serialize)]
        struct Wrapper {
            summary: Summary,
        }
        crate::output::print(&Wrapper { summary });
    }
    if failed > 0 {
        return Err(CliError::new(
            crossqr_core::ErrorCode::ImageUnreadable,
            format!("{failed} of {} files could not be read", args.images.len()),
        ));
    }
    Ok(())
}
