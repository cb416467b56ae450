//! `crossqr scan [--json] [--parse] [--budget-ms N] IMAGE…`: one JSON line per file,
//! `{"file", "codes": [{"text", "corners"}], "ms"}`, `ms` being decode time without file I/O.

use std::path::PathBuf;
use std::time::Duration;

use crossqr_core::scan::image_file::LumaImage;
use crossqr_core::scan::{ScanOptions, ScannedCode};
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
    /// Time budget per image, milliseconds (default: the photo budget, 1500; a camera frame gets 24).
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

/// Scans every file, printing a line each; fails (exit 1) if any file could not be read.
pub fn run(args: Args) -> Result<(), CliError> {
    let _ = args.json;
    let options = ScanOptions {
        budget: args.budget_ms.map_or(ScanOptions::PHOTO.budget, Duration::from_millis),
        ..ScanOptions::PHOTO
    };
    let mut failed = 0;
    for path in &args.images {
        let file = path.display().to_string();
        let line = match LumaImage::open(path).and_then(|img| img.scan(options)) {
            Ok(report) => Line {
                file,
                codes: Some(report.codes.iter().map(|c| code(c, args.parse)).collect()),
                ms: Some((report.elapsed.as_secs_f64() * 1e6).round() / 1e3),
                error: None,
            },
            Err(e) => {
                failed += 1;
                Line { file, codes: None, ms: None, error: Some(CliError::from_core(&e)) }
            }
        };
        crate::output::print(&line);
    }
    if failed > 0 {
        return Err(CliError::new(
            crossqr_core::ErrorCode::ImageUnreadable,
            format!("{failed} of {} files could not be read", args.images.len()),
        ));
    }
    Ok(())
}
