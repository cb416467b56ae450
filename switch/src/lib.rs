//! crossqr-switch: the reference wallet backend of `switch/openapi.yaml`, on loopback.
//!
//! Devices register their P-256 public keys; every request is verified against the device's key within
//! a replay window; every response is signed with the switch's own key (kept in the database so a
//! restarted switch keeps its identity and its payments). FX quotes apply a configurable markup and
//! fees; quotes and payments are bound to the scanned code; payments are idempotent on the client's
//! payment id, and every decision about an id is stored under it. In sandbox mode (loopback only)
//! faults can be injected per request (`X-Crossqr-Fault`) or by rule, to test that a wallet never pays
//! twice and never loses a payment.

#![warn(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

mod auth;
pub mod config;
mod envelope;
mod faults;
mod fx;
pub mod pki;
mod resolve;
mod routes;
mod store;
pub mod tls;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use crossqr_core::api::{HttpRequest, HttpResponse, TransportError};
use crossqr_core::clock::{Clock, SystemClock};
use crossqr_core::entropy::{Entropy, SystemEntropy};
use crossqr_core::money::RateTable;
use crossqr_core::sign::{DeviceKey, PublicKey};
use http_body_util::BodyExt;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower::ServiceExt;

pub use config::{SandboxOrder, SwitchConfig};
pub use faults::{MAX_DELAY_MS, MAX_RULES, MAX_TIMES};

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
    pub entropy: Arc<dyn Entropy>,
    pub rates: RateTable,
    pub faults: faults::Faults,
}

/// A switch — its state and its endpoints — not yet listening: serve it over TCP with
/// [`Switch::serve`], or hand it requests in-process with [`Switch::exchange`] (a simulated network).
#[derive(Clone)]
pub struct Switch {
    state: Arc<AppState>,
    router: Router,
}

impl Switch {
    /// Opens the switch's database (`config.db_path`, or memory) with `clock` and `entropy` (quote ids).
    pub fn open(config: SwitchConfig, clock: Arc<dyn Clock>, entropy: Arc<dyn Entropy>) -> Result<Switch, SwitchError> {
        if config.sandbox && !config.addr.ip().is_loopback() {
            return Err(SwitchError(format!(
                "sandbox mode (fault injection) serves only a loopback address, not {}",
                config.addr
            )));
        }
        let store = store::Store::open(config.db_path.as_deref()).map_err(|e| SwitchError(format!("database: {e}")))?;
        let pkcs8 = store
            .server_key(|| DeviceKey::generate().map(|k| k.pkcs8().to_vec()).unwrap_or_default())
            .map_err(|e| SwitchError(format!("database: {e}")))?;
        let key = DeviceKey::from_pkcs8(&pkcs8).map_err(|e| SwitchError(format!("signing key: {e}")))?;
        let rates = crossqr_core::api::wire::Rates {
            as_of_ms: clock.now_ms(),
            source: config.rate_source.clone(),
            rates: config.rates.clone(),
        }
        .to_table()
        .map_err(|e| SwitchError(format!("rates ({}): {e}", e.code)))?;
        let public_key = key.public_key();
        let state = Arc::new(AppState {
            faults: faults::Faults::new(config.faults.clone()),
            config,
            store,
            key,
            public_key,
            clock,
            entropy,
            rates,
        });
        Ok(Switch { router: routes::router(state.clone()), state })
    }

    /// Its response-signing key, for wallets to pin.
    pub fn public_key(&self) -> PublicKey {
        self.state.public_key.clone()
    }

    /// Answers one request in-process, exactly as it would over HTTP (a response cut off by a fault is
    /// a lost response).
    pub async fn exchange(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let mut builder = axum::http::Request::builder().method(request.method).uri(&request.path);
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        let request =
            builder.body(Body::from(request.body)).map_err(|e| TransportError::NotDelivered(e.to_string()))?;
        let response = self.router.clone().oneshot(request).await.map_err(|e| TransportError::Lost(e.to_string()))?;
        let (parts, body) = response.into_parts();
        let body = body.collect().await.map_err(|e| TransportError::Lost(format!("connection dropped: {e}")))?;
        let headers = parts
            .headers
            .iter()
            .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
            .collect();
        Ok(HttpResponse { status: parts.status.as_u16(), headers, body: body.to_bytes().to_vec() })
    }

    /// Listens on `config.addr` with plain HTTP and serves until stopped.
    pub async fn serve(self) -> Result<RunningSwitch, SwitchError> {
        let listener = self.bind().await?;
        let addr = listener.local_addr().map_err(|e| SwitchError(e.to_string()))?;
        Ok(self.run(listener, addr, "http"))
    }

    /// Listens on `config.addr` with HTTPS (`tls`, see [`tls::server_config`]) and serves until stopped.
    pub async fn serve_tls(self, tls: Arc<rustls::ServerConfig>) -> Result<RunningSwitch, SwitchError> {
        let listener = tls::TlsListener::new(self.bind().await?, tls).map_err(|e| SwitchError(e.to_string()))?;
        let addr = axum::serve::Listener::local_addr(&listener).map_err(|e| SwitchError(e.to_string()))?;
        Ok(self.run(listener, addr, "https"))
    }

    async fn bind(&self) -> Result<tokio::net::TcpListener, SwitchError> {
        let addr = self.state.config.addr;
        tokio::net::TcpListener::bind(addr).await.map_err(|e| SwitchError(format!("bind {addr}: {e}")))
    }

    fn run<L: axum::serve::Listener<Addr = SocketAddr>>(
        self,
        listener: L,
        addr: SocketAddr,
        scheme: &'static str,
    ) -> RunningSwitch {
        let public_key = self.public_key();
        let (tx, rx) = oneshot::channel::<()>();
        let app = self.router;
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
        });
        RunningSwitch { addr, scheme, public_key, shutdown: Some(tx), task }
    }
}

/// A switch serving on loopback.
pub struct RunningSwitch {
    /// Where it listens.
    pub addr: SocketAddr,
    /// `http` or `https`.
    pub scheme: &'static str,
    /// Its response-signing key, for wallets to pin.
    pub public_key: PublicKey,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl RunningSwitch {
    /// `http://127.0.0.1:PORT` (or `https://…`).
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
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

/// Starts a switch with the system clock and random source.
pub async fn start(config: SwitchConfig) -> Result<RunningSwitch, SwitchError> {
    start_with_clock(config, Arc::new(SystemClock)).await
}

/// Starts a switch reading time from `clock`.
pub async fn start_with_clock(config: SwitchConfig, clock: Arc<dyn Clock>) -> Result<RunningSwitch, SwitchError> {
    Switch::open(config, clock, Arc::new(SystemEntropy))?.serve().await
}
