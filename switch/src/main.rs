//! `crossqr-switch serve`: the reference backend on loopback, for tests, the demo, and app developers'
//! emulators and simulators.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use crossqr_switch::{SwitchConfig, start};

#[derive(Parser)]
#[command(name = "crossqr-switch", version, about = "Reference wallet backend for crossqr")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve until interrupted; prints {"addr","public_key"} once listening.
    Serve {
        /// Listen address (loopback by default; 0.0.0.0 exposes it to emulators on the network).
        #[arg(long, default_value = "127.0.0.1:8787")]
        addr: SocketAddr,
        /// SQLite database; state survives restarts. In memory when absent.
        #[arg(long)]
        db: Option<PathBuf>,
        /// JSON configuration (rates, markup_bps, fees, quote_ttl_ms, faults, …).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Sandbox mode: honour fault injection (X-Crossqr-Fault, POST /_sandbox/faults). Loopback only.
        #[arg(long)]
        sandbox: bool,
    },
}

#[tokio::main]
async fn main() {
    let Command::Serve { addr, db, config, sandbox } = Cli::parse().command;
    let mut cfg = match config {
        Some(path) => match std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str::<SwitchConfig>(&t).map_err(|e| e.to_string()))
        {
            Ok(c) => c,
            Err(e) => {
                eprintln!("crossqr-switch: {}: {e}", path.display());
                std::process::exit(2);
            }
        },
        None => SwitchConfig::default(),
    };
    cfg.addr = addr;
    cfg.db_path = db.or(cfg.db_path);
    cfg.sandbox |= sandbox;
    if cfg.sandbox && !addr.ip().is_loopback() {
        eprintln!("crossqr-switch: --sandbox (fault injection) serves only a loopback address, not {addr}");
        std::process::exit(2);
    }
    match start(cfg).await {
        Ok(switch) => {
            println!(
                "{}",
                serde_json::json!({ "addr": switch.addr.to_string(), "public_key": switch.public_key.spki_base64() })
            );
            switch.serve_until_interrupted().await;
        }
        Err(e) => {
            eprintln!("crossqr-switch: {e}");
            std::process::exit(1);
        }
    }
}
