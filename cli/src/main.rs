//! `crossqr`: the developer tool over crossqr-core. Every command prints one JSON object on success
//! (exit 0) or `{"error":{"code":…,"message":…}}` (exit 1).

mod demo;
mod generate;
mod home;
mod output;
mod parse;
mod scan;

use clap::{Parser, Subcommand};
use crossqr_core::ErrorCode;

use output::CliError;

/// Cross-border QR payments: parse, generate and scan payment codes.
#[derive(Debug, Parser)]
#[command(name = "crossqr", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read a payment code and print what it says as JSON.
    Parse(parse::Args),
    /// Generate a payment code.
    #[command(subcommand)]
    Generate(Box<generate::Kind>),
    /// Read QR codes from image files (PNG, JPEG): one JSON line per file.
    Scan(scan::Args),
    /// The whole flow end to end against an in-process reference switch; ends with a JSON status line.
    Demo {
        /// Over HTTPS: the switch under a freshly generated test CA, the wallets trusting only it.
        #[arg(long)]
        tls: bool,
    },
}

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => output::fail(&CliError::new(ErrorCode::InvalidArgument, e.render().to_string().trim())),
    };
    match cli.command {
        Command::Parse(args) => output::finish(parse::run(args)),
        Command::Generate(kind) => output::finish(generate::run(*kind)),
        Command::Demo { tls } => output::finish_status(demo::run(tls), |o| o.is_settled()),
        Command::Scan(args) => {
            if let Err(e) = scan::run(args) {
                output::exit_with(&e);
            }
        }
    }
}
