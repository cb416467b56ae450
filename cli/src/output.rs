//! The CLI's output contract: one JSON object per result, errors as `{"error":{"code","message"}}`.

use crossqr_core::{Coded, ErrorCode};
use serde::Serialize;

/// An error the CLI reports: a stable code from the core's registry and a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CliError {
    pub code: ErrorCode,
    pub message: String,
}

impl CliError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }

    /// From any core error with a stable code.
    pub fn from_core<E: Coded>(e: &E) -> Self {
        Self::new(e.code(), e.to_string())
    }
}

/// Prints the result: the value and exit 0, or the error and exit 1.
pub fn finish<T: Serialize>(result: Result<T, CliError>) {
    match result {
        Ok(value) => print(&value),
        Err(e) => fail(&e),
    }
}

/// Prints the result like [`finish`], exiting 1 when `ok` says the value is not a success.
pub fn finish_status<T: Serialize>(result: Result<T, CliError>, ok: impl Fn(&T) -> bool) {
    match result {
        Ok(value) => {
            print(&value);
            if !ok(&value) {
                std::process::exit(1);
            }
        }
        Err(e) => fail(&e),
    }
}

/// Prints `value` as one line of JSON.
pub fn print<T: Serialize>(value: &T) {
    match serde_json::to_string(value) {
        Ok(line) => println!("{line}"),
        Err(e) => fail(&CliError::new(ErrorCode::Internal, e.to_string())),
    }
}

/// Exits 1 after per-item lines already reported `error` (no further output).
pub fn exit_with(error: &CliError) -> ! {
    eprintln!("crossqr: {}", error.message);
    std::process::exit(1)
}

/// Prints the error object and exits 1.
pub fn fail(error: &CliError) -> ! {
    #[derive(Serialize)]
    struct Wrapper<'a> {
        error: &'a CliError,
    }
    println!(
        "{}",
        serde_json::to_string(&Wrapper { error })
            .unwrap_or_else(|_| r#"{"error":{"code":"internal","message":""}}"#.into())
    );
    std::process::exit(1)
}
