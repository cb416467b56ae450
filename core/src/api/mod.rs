//! The backend client: every request signed by the device key, every response checked against the
//! pinned backend key (failing closed), bounded retries with exponential backoff and jitter that send
//! the same body again, and errors that tell "definitely not done" from "outcome unknown".
//!
//! reqwest over rustls with the ring provider; no OpenSSL.

pub mod tls;
pub mod wire;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::clock::Clock;
use crate::error::ErrorCode;
use crate::money::{Currency, Money, Quote};
use crate::sign::{PublicKey, Signer, device_id, message};
use wire::{
    Amount, BackendCode, Device, DeviceRegistration, ErrorBody, Payment, PaymentRequest, QuoteBody, QuoteRequest,
    Rates, ResolveRequest, ResolvedCode, ServerKey,
};

/// Request header that asks the sandbox switch to misbehave (see the spec).
pub const FAULT_HEADER: &str = "X-Crossqr-Fault";

/// Where the backend is and how patient to be.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Base URL, e.g. `https://wallet.example/` or `http://127.0.0.1:8787`.
    pub base_url: String,
    /// The backend's response-signing key, pinned.
    pub server_key: PublicKey,
    /// Time allowed for one attempt, connection to last byte.
    pub attempt_timeout: Duration,
    /// Time allowed to connect.
    pub connect_timeout: Duration,
    /// Attempts per call, the first included.
    pub max_attempts: u32,
    /// Backoff before the second attempt; doubles each time, with full jitter.
    pub backoff: Duration,
    /// Longest backoff.
    pub max_backoff: Duration,
    /// Largest accepted difference between a response's time and the local clock.
    pub max_clock_skew: Duration,
    /// Sandbox only: a fault the switch should inject on every request ([`FAULT_HEADER`]).
    pub sandbox_fault: Option<String>,
}

impl ApiConfig {
    /// Defaults: 10 s per attempt, 3 attempts, 200 ms first backoff (2 s at most), 5 minutes of skew.
    pub fn new(base_url: impl Into<String>, server_key: PublicKey) -> ApiConfig {
        ApiConfig {
            base_url: base_url.into(),
            server_key,
            attempt_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            max_attempts: 3,
            backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(2),
            max_clock_skew: Duration::from_secs(300),
            sandbox_fault: None,
        }
    }
}

/// What kind of failure a call ended in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiErrorKind {
    /// The backend refused the request (a signed 4xx): it definitely did not take effect.
    Rejected,
    /// No usable answer after every attempt (timeouts, dropped connections, 5xx, responses unsigned,
    /// badly signed or malformed): the request may or may not have taken effect.
    OutcomeUnknown,
    /// Nothing was sent (configuration, or the key store could not sign).
    NotSent,
}

/// A failed call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// Which kind.
    pub kind: ApiErrorKind,
    /// Stable code: the backend's code for rejections (`quote_expired`…), `outcome_unknown`, or why
    /// nothing was sent (`invalid_config`, `signing_failed`).
    pub code: &'static str,
    /// For a human.
    pub message: String,
}

impl ApiError {
    fn rejected(code: &str, message: String) -> Self {
        let code = BackendCode::parse(code).map_or("backend_error", BackendCode::as_str);
        ApiError { kind: ApiErrorKind::Rejected, code, message }
    }
    fn unknown(message: impl Into<String>) -> Self {
        ApiError { kind: ApiErrorKind::OutcomeUnknown, code: "outcome_unknown", message: message.into() }
    }
    fn not_sent(code: &'static str, message: impl Into<String>) -> Self {
        ApiError { kind: ApiErrorKind::NotSent, code, message: message.into() }
    }

    /// True when the request certainly did not take effect.
    pub fn definitely_failed(&self) -> bool {
        self.kind != ApiErrorKind::OutcomeUnknown
    }

    /// True when the backend answered with this code.
    pub fn is(&self, code: BackendCode) -> bool {
        self.kind == ApiErrorKind::Rejected && self.code == code.as_str()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

impl ErrorCode for ApiError {
    fn code(&self) -> &'static str {
        self.code
    }
}

/// A signed, verifying, retrying client of the wallet backend.
pub struct ApiClient {
    http: reqwest::Client,
    config: ApiConfig,
    signer: Arc<dyn Signer>,
    device_id: String,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiClient")
            .field("base_url", &self.config.base_url)
            .field("device_id", &self.device_id)
            .finish()
    }
}

impl ApiClient {
    /// A client signing as `signer`, reading time from `clock`.
    pub fn new(config: ApiConfig, signer: Arc<dyn Signer>, clock: Arc<dyn Clock>) -> Result<ApiClient, ApiError> {
        tls::install_crypto_provider();
        let http = reqwest::Client::builder()
            .timeout(config.attempt_timeout)
            .connect_timeout(config.connect_timeout)
            .build()
            .map_err(|e| ApiError::not_sent("invalid_config", format!("HTTP client: {e}")))?;
        let spki = signer.public_key_spki().map_err(|e| ApiError::not_sent("signing_failed", e.message))?;
        reqwest::Url::parse(&config.base_url)
            .map_err(|e| ApiError::not_sent("invalid_config", format!("base URL {:?}: {e}", config.base_url)))?;
        Ok(ApiClient { http, config, signer, device_id: device_id(&spki), clock })
    }

    /// The id the backend knows this device by.
    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    /// Registers this device's public key (idempotent).
    pub async fn register(&self, platform: Option<&str>) -> Result<Device, ApiError> {
        let spki = self.signer.public_key_spki().map_err(|e| ApiError::not_sent("signing_failed", e.message))?;
        let body = DeviceRegistration {
            device_id: self.device_id.clone(),
            public_key: PublicKey::from_spki(&spki)
                .map_err(|e| ApiError::not_sent("signing_failed", e.message))?
                .spki_base64(),
            platform: platform.map(str::to_owned),
        };
        self.call(Method::POST, "/v1/devices", Some(&body)).await
    }

    /// Expands a network-only code (Alipay+, Weixin Pay) into merchant, order and amount.
    pub async fn resolve(&self, payload: &str) -> Result<ResolvedCode, ApiError> {
        self.call(Method::POST, "/v1/codes/resolve", Some(&ResolveRequest { payload: payload.to_owned() })).await
    }

    /// Indicative rates.
    pub async fn rates(&self) -> Result<Rates, ApiError> {
        self.call::<(), _>(Method::GET, "/v1/rates", None).await
    }

    /// A firm quote for paying `credit` from `home`.
    pub async fn quote(&self, credit: &Money, home: Currency, scheme: Option<&str>) -> Result<Quote, ApiError> {
        let body = QuoteRequest {
            credit: Amount::from(credit),
            home_currency: home.code().to_owned(),
            scheme: scheme.map(str::to_owned),
        };
        let quote: QuoteBody = self.call(Method::POST, "/v1/quotes", Some(&body)).await?;
        quote.to_quote().map_err(|e| ApiError::unknown(format!("the backend's quote does not hold together: {e}")))
    }

    /// Submits a payment; retries send the same body, so the backend pays it at most once.
    pub async fn pay(&self, request: &PaymentRequest) -> Result<Payment, ApiError> {
        self.call(Method::POST, "/v1/payments", Some(request)).await
    }

    /// A payment's status; `payment_not_found` means the backend never received it.
    pub async fn payment(&self, payment_id: &str) -> Result<Payment, ApiError> {
        if payment_id.len() != 32 || !payment_id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ApiError::not_sent(
                "invalid_config",
                format!("payment id {payment_id:?} is not 32 hex digits"),
            ));
        }
        self.call::<(), _>(Method::GET, &format!("/v1/payments/{payment_id}"), None).await
    }

    async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ApiError> {
        let body = match body {
            Some(b) => {
                serde_json::to_vec(b).map_err(|e| ApiError::not_sent("invalid_config", format!("request body: {e}")))?
            }
            None => Vec::new(),
        };
        let url = format!("{}{path}", self.config.base_url.trim_end_matches('/'));
        let mut last = ApiError::unknown("no attempt was made");
        for attempt in 0..self.config.max_attempts.max(1) {
            if attempt > 0 {
                tokio::time::sleep(self.backoff(attempt)).await;
            }
            match self.attempt(&method, &url, path, &body).await {
                Attempt::Done(bytes) => match serde_json::from_slice(&bytes) {
                    Ok(value) => return Ok(value),
                    // Signed but unreadable: as good as no answer; ask again.
                    Err(e) => last = ApiError::unknown(format!("{method} {path}: malformed response ({e})")),
                },
                Attempt::Refused(error) => return Err(error),
                Attempt::Retry(error) => last = error,
            }
        }
        Err(last)
    }

    /// One signed request and the checks on its answer.
    async fn attempt(&self, method: &Method, url: &str, path: &str, body: &[u8]) -> Attempt {
        let time = self.clock.now_ms().to_string();
        let signature = match message::sign(self.signer.as_ref(), method.as_str(), path, &self.device_id, &time, body) {
            Ok(s) => s,
            Err(e) => {
                return Attempt::Refused(ApiError::not_sent(
                    "signing_failed",
                    format!("the key store could not sign: {e}"),
                ));
            }
        };
        let mut request = self
            .http
            .request(method.clone(), url)
            .header(message::CLIENT_ID, &self.device_id)
            .header(message::REQUEST_TIME, &time)
            .header(message::SIGNATURE, signature);
        if !body.is_empty() {
            request = request.header(reqwest::header::CONTENT_TYPE, "application/json").body(body.to_vec());
        }
        if let Some(fault) = &self.config.sandbox_fault {
            request = request.header(FAULT_HEADER, fault);
        }
        let what = format!("{method} {path}");
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => return Attempt::Retry(ApiError::unknown(format!("{what}: no response ({})", describe(&e)))),
        };
        let status = response.status();
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let (response_time, signature) = (header(message::RESPONSE_TIME), header(message::SIGNATURE));
        let bytes = match response.bytes().await {
            Ok(b) => b,
            Err(e) => {
                return Attempt::Retry(ApiError::unknown(format!(
                    "{what}: connection lost reading the response ({})",
                    describe(&e)
                )));
            }
        };
        if let Err(why) = self.check_response(method, path, response_time.as_deref(), signature.as_deref(), &bytes) {
            return Attempt::Retry(ApiError::unknown(format!("{what}: response refused, {why}")));
        }
        if status.is_success() {
            return Attempt::Done(bytes.to_vec());
        }
        let error = serde_json::from_slice::<ErrorBody>(&bytes).map(|b| b.error);
        match error {
            Ok(e) if status.is_client_error() => {
                Attempt::Refused(ApiError::rejected(&e.code, format!("{what}: {}", e.message)))
            }
            Ok(e) => Attempt::Retry(ApiError::unknown(format!(
                "{what}: backend failed ({} {}): {}",
                status.as_u16(),
                e.code,
                e.message
            ))),
            Err(_) => Attempt::Retry(ApiError::unknown(format!(
                "{what}: HTTP {} with a malformed error body",
                status.as_u16()
            ))),
        }
    }

    /// Fail closed: the response must be signed by the pinned key, over this request's method, path and
    /// client id, at a time close to ours.
    fn check_response(
        &self,
        method: &Method,
        path: &str,
        time: Option<&str>,
        signature: Option<&str>,
        body: &[u8],
    ) -> Result<(), String> {
        let time = time.ok_or("it has no Response-Time")?;
        let at: i64 = time.parse().map_err(|_| "its Response-Time is not epoch milliseconds")?;
        let skew = (self.clock.now_ms() - at).unsigned_abs();
        if skew > self.config.max_clock_skew.as_millis() as u64 {
            return Err(format!("its time is {skew} ms from ours"));
        }
        message::verify(&self.config.server_key, method.as_str(), path, &self.device_id, time, body, signature)
            .map_err(|e| format!("its signature: {e}"))
    }

    /// Full jitter: uniform in [0, min(max, base × 2^(attempt-1))].
    fn backoff(&self, attempt: u32) -> Duration {
        let cap = self.config.backoff.saturating_mul(1 << (attempt - 1).min(16)).min(self.config.max_backoff);
        let mut bytes = [0u8; 4];
        let random = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
            .map_or(0.5, |_| f64::from(u32::from_le_bytes(bytes)) / f64::from(u32::MAX));
        cap.mul_f64(random)
    }
}

enum Attempt {
    Done(Vec<u8>),
    Refused(ApiError),
    Retry(ApiError),
}

/// reqwest's error with its causes, which carry the useful part ("connection refused").
fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Sandbox bootstrap: the switch's key as it presents it, checked only for self-consistency (the
/// response must be signed by the key it carries). Production wallets ship the key pinned instead.
pub async fn fetch_server_key(base_url: &str) -> Result<PublicKey, ApiError> {
    tls::install_crypto_provider();
    let path = "/v1/server-key";
    let response = reqwest::get(format!("{}{path}", base_url.trim_end_matches('/')))
        .await
        .map_err(|e| ApiError::unknown(format!("GET {path}: {}", describe(&e))))?;
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let (time, signature) = (header(message::RESPONSE_TIME).unwrap_or_default(), header(message::SIGNATURE));
    let bytes = response.bytes().await.map_err(|e| ApiError::unknown(format!("GET {path}: {}", describe(&e))))?;
    let key: ServerKey =
        serde_json::from_slice(&bytes).map_err(|e| ApiError::unknown(format!("GET {path}: malformed ({e})")))?;
    let key =
        PublicKey::from_spki_base64(&key.public_key).map_err(|e| ApiError::unknown(format!("GET {path}: {e}")))?;
    message::verify(&key, "GET", path, message::NO_CLIENT, &time, &bytes, signature.as_deref())
        .map_err(|e| ApiError::unknown(format!("GET {path}: {e}")))?;
    Ok(key)
}
