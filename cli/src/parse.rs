//! `crossqr parse [--now-ms MS] PAYLOAD|-`

use crossqr_core::ErrorCode;
use std::io::Read;

use crossqr_core::schemes::CodeSummary;
use serde::Serialize;

use crate::home::{Home, HomeArgs, TipField};
use crate::output::CliError;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Judge expiry at this time (epoch milliseconds) instead of now.
    #[arg(long, value_name = "MS")]
    now_ms: Option<i64>,
    /// The code's text, or `-` to read it from standard input (one trailing newline is dropped).
    #[arg(value_name = "PAYLOAD", allow_hyphen_values = true)]
    payload: String,
    #[command(flatten)]
    home: HomeArgs,
}

/// The parse output: the code's summary and, with `--home`, the home-currency lines.
#[derive(Debug, Serialize)]
pub struct Parsed {
    #[serde(flatten)]
    code: CodeSummary,
    /// 55–57: `null`, `{"kind":"prompt"}`, `{"kind":"fixed","amount"}` or `{"kind":"percent","percent"}`.
    tip: Option<TipField>,
    home: Option<Home>,
}

pub fn run(args: Args) -> Result<Parsed, CliError> {
    let payload = read_payload(&args.payload)?;
    let now = args.now_ms.unwrap_or_else(crossqr_core::clock::system_now_ms);
    let code = crossqr_core::parse_at(&payload, now).map_err(|e| CliError::from_core(&e))?;
    let home = crate::home::home(&args.home, &code, now)?;
    Ok(Parsed { code: code.summary(), tip: crate::home::tip(&code), home })
}

/// The payload argument, or standard input for `-`.
pub fn read_payload(arg: &str) -> Result<String, CliError> {
    if arg != "-" {
        return Ok(arg.to_owned());
    }
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| CliError::new(ErrorCode::InvalidArgument, format!("standard input is not UTF-8 text: {e}")))?;
    let trimmed = text.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t)).unwrap_or(&text);
    Ok(trimmed.to_owned())
}
