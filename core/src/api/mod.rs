//! The backend client: every request signed by the device key, every response checked against the
//! pinned backend key and bound to its request (failing closed), bounded retries with exponential
//! backoff and jitter that send the same body again, and errors that tell "definitely not done" from
//! "outcome unknown".
//!
//! reqwest over rustls with the ring provider; no OpenSSL. `https` only, except to a loopback address
//! when [`ApiConfig::allow_http_loopback`] says so; redirects are never followed.

pub mod tls;
pub mod transport;
pub mod wire;

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::clock::Clock;
use crate::entropy::{Entropy, SystemEntropy, unit_fraction};
use crate::error::{Coded, ErrorCode, ErrorKind};
use crate::money::Quote;
use crate::sign::{PublicKey, Signer, device_id, message};
pub use transport::{HttpRequest, HttpResponse, HttpTransport, Transport, TransportError};
use wire::{
    BackendCode, Device, DeviceRegistration, ErrorBody, Payment, PaymentRequest, QuoteBody, QuoteRequest, Rates,
    ResolveRequest, ResolvedCode, ServerKey,
};

/// Request header that asks a sandbox switch to misbehave (see the spec).
pub const FAULT_HEADER: &str = "X-Crossqr-Fault";

/// Where the backend is and how patient to be.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Base URL, e.g. `https://wallet.example/`; `http://127.0.0.1:8787` only with
    /// [`ApiConfig::allow_http_loopback`].
    pub base_url: String,
    /// The backend's response-signing key, pinned.
    pub server_key: PublicKey,
    /// The CA (and optional pins) the backend's TLS certificate must chain to; required for `https`.
    pub tls: Option<tls::TlsTrust>,
    /// Allow plain `http://` to a loopback address (the sandbox switch on this machine). Never for
    /// anything else.
    pub allow_http_loopback: bool,
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
    /// Sandbox only: a fault the switch should inject on every request ([`FAULT_HEADER`]).
    pub sandbox_fault: Option<String>,
}

impl ApiConfig {
    /// Defaults: 10 s per attempt, 3 attempts, 200 ms first backoff (2 s at most), `https` only.
    pub fn new(base_url: impl Into<String>, server_key: PublicKey) -> ApiConfig {
        ApiConfig {
            base_url: base_url.into(),
            server_key,
            tls: None,
            allow_http_loopback: false,
            attempt_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            max_attempts: 3,
            backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(2),
            sandbox_fault: None,
        }
    }

    /// Checks the base URL: `https` with trusted roots, or `http` to a loopback host when allowed.
    pub fn check_url(&self) -> Result<(), ApiError> {
        let bad = |why: String| ApiError::new(ErrorKind::NotSent, ErrorCode::InvalidConfig, why);
        let url = reqwest::Url::parse(&self.base_url).map_err(|e| bad(format!("base URL {:?}: {e}", self.base_url)))?;
        match url.scheme() {
            "https" if self.tls.is_some() => Ok(()),
            "https" => Err(bad(format!(
                "base URL {:?}: an https backend needs the CA its certificate chains to (tls)",
                self.base_url
            ))),
            "http" if self.allow_http_loopback && is_loopback(&url) => Ok(()),
            "http" => Err(bad(format!(
                "base URL {:?}: plain http is allowed only to a loopback address, and only when allow_http_loopback is set",
                self.base_url
            ))),
            other => Err(bad(format!("base URL {:?}: {other} is not https", self.base_url))),
        }
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// A failed call: what kind of failure ([`ErrorKind::Rejected`], [`ErrorKind::OutcomeUnknown`],
/// [`ErrorKind::NotSent`], [`ErrorKind::Signer`]), its code and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// What the caller can conclude: refused for certain, not sent, or possibly done.
    pub kind: ErrorKind,
    /// Stable code: the backend's code for refusals (`quote_expired`…), `outcome_unknown`,
    /// `signing_failed`, `invalid_config`.
    pub code: ErrorCode,
    /// For a human.
    pub message: String,
}

impl ApiError {
    fn new(kind: ErrorKind, code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError { kind, code, message: message.into() }
    }
    fn unknown(message: impl Into<String>) -> Self {
        ApiError::new(ErrorKind::OutcomeUnknown, ErrorCode::OutcomeUnknown, message)
    }

    /// True when the request certainly did not take effect.
    pub fn definitely_failed(&self) -> bool {
        self.kind != ErrorKind::OutcomeUnknown
    }

    /// True when the backend answered this request with `code`.
    pub fn is(&self, code: BackendCode) -> bool {
        self.code == code.code() && matches!(self.kind, ErrorKind::Rejected | ErrorKind::OutcomeUnknown)
    }

    /// The backend's refusal, when this error is one.
    pub fn backend_code(&self) -> Option<BackendCode> {
        BackendCode::ALL.into_iter().find(|c| c.code() == self.code)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

impl Coded for ApiError {
    fn code(&self) -> ErrorCode {
        self.code
    }
    fn kind(&self) -> ErrorKind {
        self.kind
    }
}

/// A signed, verifying, retrying client of the wallet backend.
pub struct ApiClient {
    transport: Arc<dyn Transport>,
    config: ApiConfig,
    signer: Arc<dyn Signer>,
    device_id: String,
    clock: Arc<dyn Clock>,
    entropy: Arc<dyn Entropy>,
    /// The last request time used (see [`ApiClient::stamp`]): no two requests of this client are the
    /// same signed string, which the backend would take for a replay.
    last_time_ms: AtomicI64,
}

impl fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiClient")
            .field("base_url", &self.config.base_url)
            .field("device_id", &self.device_id)
            .finish()
    }
}

/// What one attempt came to.
enum Attempt {
    /// A verified 2xx body.
    Done(Vec<u8>),
    /// A verified refusal.
    Refused(BackendCode, String),
    /// The connection itself was refused for a reason retrying cannot mend (TLS): not sent.
    Fatal(ApiError),
    /// No usable answer; `delivered` says whether the request may have reached the backend.
    Retry { error: ApiError, delivered: bool },
}

impl ApiClient {
    /// A client signing as `signer`, reading time from `clock`, over HTTP(S) trusting `config.tls` only.
    pub fn new(config: ApiConfig, signer: Arc<dyn Signer>, clock: Arc<dyn Clock>) -> Result<ApiClient, ApiError> {
        config.check_url()?;
        let http = http_client(config.tls.as_ref(), config.connect_timeout)?;
        let transport = Arc::new(HttpTransport::new(http, &config.base_url));
        ApiClient::with_transport(config, signer, clock, transport, Arc::new(SystemEntropy))
    }

    /// A client over any [`Transport`] (a simulated network), with `entropy` for retry jitter.
    pub fn with_transport(
        config: ApiConfig,
        signer: Arc<dyn Signer>,
        clock: Arc<dyn Clock>,
        transport: Arc<dyn Transport>,
        entropy: Arc<dyn Entropy>,
    ) -> Result<ApiClient, ApiError> {
        config.check_url()?;
        let spki = signer.public_key_spki().map_err(|e| ApiError::new(ErrorKind::Signer, e.code, e.message))?;
        PublicKey::from_spki(&spki)
            .map_err(|e| ApiError::new(e.code.kind(), e.code, format!("the signer's key: {e}")))?;
        Ok(ApiClient {
            transport,
            config,
            signer,
            device_id: device_id(&spki),
            clock,
            entropy,
            last_time_ms: AtomicI64::new(0),
        })
    }

    /// The id the backend knows this device by.
    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    /// Registers this device's public key (idempotent).
    pub async fn register(&self, platform: Option<&str>) -> Result<Device, ApiError> {
        self.register_with(platform, None).await
    }

    /// Registers this device's request key and the key that authorises its payments (idempotent).
    pub async fn register_with(
        &self,
        platform: Option<&str>,
        authorization_key: Option<&PublicKey>,
    ) -> Result<Device, ApiError> {
        let spki = self.signer.public_key_spki().map_err(|e| ApiError::new(ErrorKind::Signer, e.code, e.message))?;
        let key = PublicKey::from_spki(&spki).map_err(|e| ApiError::new(ErrorKind::Signer, e.code, e.message))?;
        let body = DeviceRegistration {
            device_id: self.device_id.clone(),
            public_key: key.spki_base64(),
            platform: platform.map(str::to_owned),
            authorization_key: authorization_key.map(PublicKey::spki_base64),
        };
        self.call("POST", "/v1/devices", Some(&body), || Ok(())).await
    }

    /// Expands a network-only code (Alipay+, Weixin Pay) into merchant, order and amount.
    pub async fn resolve(&self, payload: &str) -> Result<ResolvedCode, ApiError> {
        let body = ResolveRequest { payload: payload.to_owned() };
        self.call("POST", "/v1/codes/resolve", Some(&body), || Ok(())).await
    }

    /// Indicative rates.
    pub async fn rates(&self) -> Result<Rates, ApiError> {
        self.call::<(), _>("GET", "/v1/rates", None, || Ok(())).await
    }

    /// A firm quote, checked against the request: the same credit, home currency, payload and order.
    pub async fn quote(&self, request: &QuoteRequest) -> Result<Quote, ApiError> {
        let body: QuoteBody = self.call("POST", "/v1/quotes", Some(request), || Ok(())).await?;
        let invalid = |why: String| ApiError::new(ErrorKind::OutcomeUnknown, ErrorCode::InvalidQuote, why);
        if body.payload_digest != wire::payload_digest(&request.payload) || body.order_id != request.order_id {
            return Err(invalid("the backend's quote is for another code".into()));
        }
        let quote = body.to_quote().map_err(|e| invalid(format!("the backend's quote does not hold together: {e}")))?;
        if !wire::same_amount(&body.credit, &request.credit) {
            return Err(invalid(format!("asked for a credit of {:?}, quoted {:?}", request.credit, body.credit)));
        }
        if quote.home().code() != request.home_currency {
            return Err(invalid(format!("asked for {}, quoted in {}", request.home_currency, quote.home())));
        }
        Ok(quote)
    }

    /// Submits a payment; retries send the same body, so the backend pays it at most once. `gate` runs
    /// once the first attempt is signed and before anything is sent; its error (a code and a reason) is
    /// returned as `not_sent`.
    /// The answer is checked to echo this payment (id, quote, amounts).
    pub async fn pay(
        &self,
        request: &PaymentRequest,
        gate: impl FnOnce() -> Result<(), (ErrorCode, String)>,
    ) -> Result<Payment, ApiError> {
        let payment: Payment = self.call("POST", "/v1/payments", Some(request), gate).await?;
        self.check_echo(&payment, request)?;
        Ok(payment)
    }

    /// A payment's status; `payment_not_found` means the backend never received it.
    pub async fn payment(&self, payment_id: &str) -> Result<Payment, ApiError> {
        check_payment_id(payment_id)?;
        let payment: Payment =
            self.call::<(), _>("GET", &format!("/v1/payments/{payment_id}"), None, || Ok(())).await?;
        if payment.payment_id != payment_id {
            return Err(ApiError::unknown(format!(
                "asked about {payment_id}, the backend answered about {}",
                payment.payment_id
            )));
        }
        Ok(payment)
    }

    /// The status of the payment `request` describes, checked to echo it (id, quote, amounts): an
    /// answer about anything else is no answer.
    pub async fn status(&self, request: &PaymentRequest) -> Result<Payment, ApiError> {
        let payment = self.payment(&request.payment_id).await?;
        self.check_echo(&payment, request)?;
        Ok(payment)
    }

    /// Cancels a payment that was never sent, so its id can never be paid; the answer is the payment
    /// as it now stands (`cancelled`, or what it became if the backend had received it after all).
    pub async fn cancel(&self, request: &PaymentRequest) -> Result<Payment, ApiError> {
        check_payment_id(&request.payment_id)?;
        let path = format!("/v1/payments/{}/cancel", request.payment_id);
        let payment: Payment = self.call("POST", &path, Some(request), || Ok(())).await?;
        self.check_echo(&payment, request)?;
        Ok(payment)
    }

    /// The answer must be about this payment, as it was asked.
    fn check_echo(&self, payment: &Payment, request: &PaymentRequest) -> Result<(), ApiError> {
        let same = payment.payment_id == request.payment_id
            && payment.quote_id == request.quote_id
            && wire::same_amount(&payment.debit, &request.debit)
            && wire::same_amount(&payment.credit, &request.credit);
        if same {
            Ok(())
        } else {
            Err(ApiError::unknown(format!(
                "the backend's answer for payment {} does not echo it (got {} on quote {} for {:?} → {:?})",
                request.payment_id, payment.payment_id, payment.quote_id, payment.debit, payment.credit
            )))
        }
    }

    async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: &'static str,
        path: &str,
        body: Option<&B>,
        gate: impl FnOnce() -> Result<(), (ErrorCode, String)>,
    ) -> Result<T, ApiError> {
        let body = match body {
            Some(b) => serde_json::to_vec(b).map_err(|e| {
                ApiError::new(ErrorKind::NotSent, ErrorCode::InvalidConfig, format!("request body: {e}"))
            })?,
            None => Vec::new(),
        };
        let mut gate = Some(gate);
        // Once an attempt may have reached the backend, a later failure that says nothing about it
        // (no answer, an authentication refusal, a key store that cannot sign) leaves the outcome unknown.
        let mut delivered = false;
        let mut last = ApiError::unknown("no attempt was made");
        for attempt in 0..self.config.max_attempts.max(1) {
            if attempt > 0 {
                tokio::time::sleep(self.backoff(attempt)).await;
            }
            let time = self.stamp().to_string();
            let request_string = message::request_string(method, path, &self.device_id, &time, &body);
            let signature = match message::sign(self.signer.as_ref(), &request_string).await {
                Ok(s) => s,
                Err(e) => {
                    let kind = if delivered { ErrorKind::OutcomeUnknown } else { ErrorKind::Signer };
                    return Err(ApiError::new(kind, e.code, format!("the key store could not sign: {e}")));
                }
            };
            if let Some(gate) = gate.take() {
                gate().map_err(|(code, why)| ApiError::new(ErrorKind::NotSent, code, why))?;
            }
            match self.attempt(method, path, &time, &request_string, signature, &body).await {
                Attempt::Done(bytes) => match serde_json::from_slice(&bytes) {
                    Ok(value) => return Ok(value),
                    // Signed but unreadable: as good as no answer; ask again.
                    Err(e) => {
                        delivered = true;
                        last = ApiError::unknown(format!("{method} {path}: malformed response ({e})"));
                    }
                },
                Attempt::Refused(code, message) => {
                    let kind = if delivered && code.is_authentication() {
                        ErrorKind::OutcomeUnknown
                    } else {
                        ErrorKind::Rejected
                    };
                    return Err(ApiError::new(kind, code.code(), format!("{method} {path}: {message}")));
                }
                Attempt::Fatal(mut error) => {
                    if delivered {
                        error.kind = ErrorKind::OutcomeUnknown;
                    }
                    return Err(error);
                }
                Attempt::Retry { error, delivered: maybe } => {
                    delivered |= maybe;
                    last = error;
                }
            }
        }
        if !delivered {
            last.kind = ErrorKind::NotSent;
        }
        Err(last)
    }

    /// One signed request and the checks on its answer.
    async fn attempt(
        &self,
        method: &'static str,
        path: &str,
        time: &str,
        request_string: &[u8],
        signature: String,
        body: &[u8],
    ) -> Attempt {
        let mut headers = vec![
            (message::CLIENT_ID, self.device_id.clone()),
            (message::REQUEST_TIME, time.to_owned()),
            (message::SIGNATURE, signature),
        ];
        if !body.is_empty() {
            headers.push(("Content-Type", "application/json".to_owned()));
        }
        if let Some(fault) = &self.config.sandbox_fault {
            headers.push((FAULT_HEADER, fault.clone()));
        }
        let request = HttpRequest { method, path: path.to_owned(), headers, body: body.to_vec() };
        let what = format!("{method} {path}");
        let response = match self.transport.send(request, self.config.attempt_timeout).await {
            Ok(r) => r,
            Err(TransportError::Refused { code, message }) => {
                return Attempt::Fatal(ApiError::new(ErrorKind::NotSent, code, format!("{what}: {message}")));
            }
            Err(TransportError::NotDelivered(why)) => {
                return Attempt::Retry {
                    error: ApiError::unknown(format!("{what}: not delivered ({why})")),
                    delivered: false,
                };
            }
            Err(TransportError::Lost(why)) => {
                return Attempt::Retry {
                    error: ApiError::unknown(format!("{what}: no response ({why})")),
                    delivered: true,
                };
            }
        };
        let retry =
            |why: String| Attempt::Retry { error: ApiError::unknown(format!("{what}: {why}")), delivered: true };
        if let Err(why) = self.check_response(method, path, request_string, &response) {
            return retry(format!("response refused, {why}"));
        }
        let status = response.status;
        if (200..300).contains(&status) {
            return Attempt::Done(response.body);
        }
        match serde_json::from_slice::<ErrorBody>(&response.body).map(|b| b.error) {
            Ok(e) if (400..500).contains(&status) => match BackendCode::parse(&e.code) {
                Some(code) if code.http_status() == status => Attempt::Refused(code, e.message),
                _ => retry(format!("HTTP {status} with code {:?}, which the contract does not give it", e.code)),
            },
            Ok(e) => retry(format!("backend failed ({status} {}): {}", e.code, e.message)),
            Err(_) => retry(format!("HTTP {status} with a malformed error body")),
        }
    }

    /// Fail closed: the response must be signed by the pinned key over its status, this request's
    /// method, path and digest, and our client id (none for an authentication refusal). Its time is not
    /// judged against ours: being bound to this request (whose string holds our time) already makes it
    /// fresh, and a device whose clock is wrong must still hear the backend say so (`stale_request`).
    fn check_response(
        &self,
        method: &str,
        path: &str,
        request_string: &[u8],
        response: &HttpResponse,
    ) -> Result<(), String> {
        let time = response.header(message::RESPONSE_TIME).ok_or("it has no Response-Time")?;
        if time.parse::<u64>().is_err() {
            return Err("its Response-Time is not epoch milliseconds".into());
        }
        let client = if response.status == 401 { message::NO_CLIENT } else { &self.device_id };
        let string =
            message::response_string(response.status, method, path, client, time, request_string, &response.body);
        message::verify(&self.config.server_key, &string, response.header(message::SIGNATURE))
            .map_err(|e| format!("its signature: {e}"))
    }

    /// The time to sign a request with: the clock's, unless this client already used that millisecond
    /// (or one up to a second later — a burst of requests), then the next free one. A clock that
    /// jumps back further is followed, so a corrected clock takes effect at once.
    fn stamp(&self) -> i64 {
        let now = self.clock.now_ms();
        let next = |last: i64| if now > last || last - now > 1_000 { now } else { last + 1 };
        let previous = self.last_time_ms.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| Some(next(last)));
        next(previous.unwrap_or_else(|last| last))
    }

    /// Full jitter: uniform in [0, min(max, base × 2^(attempt-1))].
    fn backoff(&self, attempt: u32) -> Duration {
        let cap = self.config.backoff.saturating_mul(1 << (attempt - 1).min(16)).min(self.config.max_backoff);
        cap.mul_f64(unit_fraction(self.entropy.as_ref()))
    }
}

/// reqwest over the core's own rustls configuration: no redirects, no platform verifier.
fn http_client(trust: Option<&tls::TlsTrust>, connect_timeout: Duration) -> Result<reqwest::Client, ApiError> {
    let config_error = |why: String| ApiError::new(ErrorKind::NotSent, ErrorCode::InvalidConfig, why);
    let tls = tls::client_config(trust).map_err(|e| config_error(format!("TLS: {e}")))?;
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .use_preconfigured_tls(tls)
        .build()
        .map_err(|e| config_error(format!("HTTP client: {e}")))
}

fn check_payment_id(payment_id: &str) -> Result<(), ApiError> {
    if crate::entropy::is_id(payment_id) {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorKind::NotSent,
            ErrorCode::InvalidArgument,
            format!("payment id {payment_id:?} is not 32 lowercase hex digits"),
        ))
    }
}

/// Sandbox bootstrap: the switch's key as it presents it, checked only for self-consistency (the
/// response must be signed by the key it carries). Production wallets ship the key pinned instead.
pub async fn fetch_server_key(base_url: &str, trust: Option<&tls::TlsTrust>) -> Result<PublicKey, ApiError> {
    let path = "/v1/server-key";
    let client = http_client(trust, Duration::from_secs(5))?;
    let request = HttpRequest { method: "GET", path: path.into(), headers: Vec::new(), body: Vec::new() };
    let response =
        HttpTransport::new(client, base_url).send(request, Duration::from_secs(10)).await.map_err(|e| match e {
            TransportError::Refused { code, message } => {
                ApiError::new(ErrorKind::NotSent, code, format!("GET {path}: {message}"))
            }
            other => ApiError::unknown(format!("GET {path}: {other:?}")),
        })?;
    let key: ServerKey = serde_json::from_slice(&response.body)
        .map_err(|e| ApiError::unknown(format!("GET {path}: malformed ({e})")))?;
    let key =
        PublicKey::from_spki_base64(&key.public_key).map_err(|e| ApiError::unknown(format!("GET {path}: {e}")))?;
    let time = response.header(message::RESPONSE_TIME).unwrap_or_default();
    let request_string = message::request_string("GET", path, message::NO_CLIENT, "", b"");
    let string = message::response_string(
        response.status,
        "GET",
        path,
        message::NO_CLIENT,
        time,
        &request_string,
        &response.body,
    );
    message::verify(&key, &string, response.header(message::SIGNATURE))
        .map_err(|e| ApiError::unknown(format!("GET {path}: {e}")))?;
    Ok(key)
}
