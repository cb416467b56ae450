//! crossqr-switch: the reference wallet backend of `switch/openapi.yaml`, on loopback.
//!
//! Devices register their P-256 public keys; every request is verified against the device's key within
//! a replay window; every response is signed with the switch's own key (kept in the database so a
//! restarted switch keeps its identity and its payments). FX quotes apply a configurable markup and
//! fees; payments are idempotent on the client's payment id. Faults can be injected per request
//! (`X-Crossqr-Fault`) or by rule, to test that a wallet never pays twice and never loses a payment.

#![warn(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

pub mod config;
mod fx;
mod middleware;
mod resolve;
mod routes;
mod store;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use crossqr_core::api::wire::FaultRule;
use crossqr_core::clock::{Clock, SystemClock};
use crossqr_core::money::RateTable;
use crossqr_core::sign::{DeviceKey, PublicKey};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{SandboxOrder, SwitchConfig};

/// Why the switch could not start.
#[derive(Debug)]
pub struct SwitchError(pub String);

impl std::fmt::Display for SwitchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SwitchError {}

/// Shared by every handler.
pub(crate) struct AppState {
    pub config: SwitchConfig,
    pub store: store::Store,
    pub key: DeviceKey,
    pub public_key: PublicKey,
    pub clock: Arc<dyn Clock>,
    pub rates: RateTable,
    pub faults: Mutex<Vec<FaultRule>>,
}

/// A switch serving on loopback.
pub struct RunningSwitch {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its response-signing key, for wallets to pin.
    pub public_key: PublicKey,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl RunningSwitch {
    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops serving and waits for in-flight requests.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }

    /// Serves until Ctrl-C (or until serving fails), then stops gracefully.
    pub async fn serve_until_interrupted(mut self) {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = &mut self.task => return,
        }
        self.stop().await;
    }
}

/// Starts a switch with the system clock.
pub async fn start(config: SwitchConfig) -> Result<RunningSwitch, SwitchError> {
    start_with_clock(config, Arc::new(SystemClock)).await
}

/// Starts a switch reading time from `clock`.
pub async fn start_with_clock(config: SwitchConfig, clock: Arc<dyn Clock>) -> Result<RunningSwitch, SwitchError> {
    let store = store::Store::open(config.db_path.as_deref()).map_err(|e| SwitchError(format!("database: {e}")))?;
    let pkcs8 = store
        .server_key(|| DeviceKey::generate().map(|k| k.pkcs8().to_vec()).unwrap_or_default())
        .map_err(|e| SwitchError(format!("database: {e}")))?;
    let key = DeviceKey::from_pkcs8(&pkcs8).map_err(|e| SwitchError(format!("signing key: {e}")))?;
    let rates = crossqr_core::api::wire::Rates { as_of_ms: clock.now_ms(), rates: config.rates.clone() }
        .to_table()
        .map_err(|e| SwitchError(format!("rates: {e}")))?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| SwitchError(format!("bind {}: {e}", config.addr)))?;
    let addr = listener.local_addr().map_err(|e| SwitchError(e.to_string()))?;
    let public_key = key.public_key();
    let state = Arc::new(AppState {
        faults: Mutex::new(config.faults.clone()),
        config,
        store,
        key,
        public_key: public_key.clone(),
        clock,
        rates,
    });
    let app = routes::router(state);
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await;
    });
    Ok(RunningSwitch { addr, public_key, shutdown: Some(tx), task })
}
