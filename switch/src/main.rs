//! `crossqr-switch serve`: the reference backend on loopback (HTTP or HTTPS), for tests, the demo, and
//! app developers' emulators and simulators.

use std::net::SocketAddr;
use std::path::PathBuf;

use std::sync::Arc;

use clap::{Parser, Subcommand};
use crossqr_core::clock::SystemClock;
use crossqr_core::entropy::SystemEntropy;
use crossqr_switch::pki::{ServerCert, TestPki};
use crossqr_switch::{Switch, SwitchConfig, tls};

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
        /// Serve HTTPS with this certificate chain (PEM); needs --tls-key.
        #[arg(long, value_name = "FILE", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The certificate's private key (PEM, PKCS#8).
        #[arg(long, value_name = "FILE", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Serve HTTPS with a fresh test CA and a certificate for localhost and 127.0.0.1; the CA is
        /// printed as `ca_pem` for wallets to trust. For the sandbox and emulators only.
        #[arg(long, conflicts_with_all = ["tls_cert", "tls_key"])]
        tls_self_signed: bool,
    },
}

#[tokio::main]
async fn main() {
    let Command::Serve { addr, db, config, sandbox, tls_cert, tls_key, tls_self_signed } = Cli::parse().command;
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
    let read = |path: &PathBuf| {
        std::fs::read_to_string(path).unwrap_or_else(|e| {
            eprintln!("crossqr-switch: {}: {e}", path.display());
            std::process::exit(2);
        })
    };
    let (tls, ca_pem) = match (tls_cert, tls_key) {
        (Some(cert), Some(key)) => (Some((read(&cert), read(&key))), None),
        _ if tls_self_signed => {
            let now = crossqr_core::clock::system_now_ms() / 1000;
            match TestPki::generate("crossqr-switch sandbox CA", &ServerCert::loopback(now)) {
                Ok(pki) => (Some((pki.cert_pem, pki.key_pem)), Some(pki.ca_pem)),
                Err(e) => {
                    eprintln!("crossqr-switch: test certificate: {e}");
                    std::process::exit(1);
                }
            }
        }
        _ => (None, None),
    };
    let started = async {
        let switch = Switch::open(cfg, Arc::new(SystemClock), Arc::new(SystemEntropy))?;
        match tls {
            Some((cert, key)) => switch.serve_tls(tls::server_config(&cert, &key)?).await,
            None => switch.serve().await,
        }
    };
    match started.await {
        Ok(switch) => {
            let ready = serde_json::json!({
                "addr": switch.addr.to_string(),
                "url": switch.base_url(),
                "public_key": switch.public_key.spki_base64(),
                "ca_pem": ca_pem,
            });
            println!("{ready}");
            switch.serve_until_interrupted().await;
        }
        Err(e) => {
            eprintln!("crossqr-switch: {e}");
            std::process::exit(1);
        }
    }
}
