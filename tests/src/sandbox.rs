//! A real switch on loopback and wallets talking to it, for end-to-end tests and benchmarks.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crossqr_core::ErrorCode;
use crossqr_core::api::wire::{Amount, FaultRule, PaymentOutcome, PaymentRequest};
use crossqr_core::api::{ApiClient, ApiConfig};
use crossqr_core::clock::{SystemClock, system_now_ms};
use crossqr_core::flow::{Wallet, WalletOptions};
use crossqr_core::money::{Currency, Decimal, Quote};
use crossqr_core::schemes::khqr::{KhqrRequest, generate};
use crossqr_core::sign::{DeviceKey, Signer, message};
use crossqr_switch::{RunningSwitch, SwitchConfig};
use serde_json::Value;

/// A fresh temporary directory, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// Creates `crossqr-<name>-<pid>-<n>` under the system temp dir.
    pub fn new(name: &str) -> TempDir {
        static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("crossqr-{name}-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    /// A path inside.
    pub fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Starts a sandbox switch (fault injection on) on a free loopback port with `config` (its `addr` is
/// kept if it names a port).
pub async fn switch(config: SwitchConfig) -> RunningSwitch {
    // Raw reqwest calls in tests need rustls's provider as much as the core's client does.
    crossqr_core::api::tls::install_crypto_provider();
    crossqr_switch::start(SwitchConfig { sandbox: true, ..config }).await.expect("switch starts")
}

/// API settings for tests: short timeouts and backoffs so fault tests run quickly.
pub fn api_config(switch: &RunningSwitch) -> ApiConfig {
    ApiConfig {
        allow_http_loopback: true,
        attempt_timeout: Duration::from_millis(800),
        backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(100),
        ..ApiConfig::new(switch.base_url(), switch.public_key.clone())
    }
}

/// A registered wallet with `key`, home currency `home`, journal at `journal`.
pub async fn wallet_with(switch: &RunningSwitch, key: Arc<dyn Signer>, home: Currency, journal: &Path) -> Wallet {
    let options = WalletOptions::new(home);
    let wallet = Wallet::open(api_config(switch), key, Arc::new(SystemClock), journal, options).expect("wallet opens");
    wallet.register().await.expect("device registers");
    wallet
}

/// The switch's word about a payment, asked with `key`: `None` when it has no such payment (any
/// other refusal fails the test).
pub async fn backend_status(switch: &RunningSwitch, key: Arc<DeviceKey>, payment_id: &str) -> Option<PaymentOutcome> {
    let api = ApiClient::new(api_config(switch), key, Arc::new(SystemClock)).expect("client");
    match api.payment(payment_id).await {
        Ok(payment) => Some(payment.status),
        Err(e) if e.code == ErrorCode::PaymentNotFound => None,
        Err(e) => panic!("the switch's status of {payment_id}: {e}"),
    }
}

/// A payment of `quote` for `payload`: the quote's exact debit and credit, no order, no authorisation.
pub fn payment_for(quote: &Quote, payment_id: &str, payload: &str) -> PaymentRequest {
    PaymentRequest {
        payment_id: payment_id.to_owned(),
        quote_id: quote.id.clone(),
        payload: payload.to_owned(),
        order_id: None,
        debit: Amount::from(&quote.debit),
        credit: Amount::from(&quote.credit),
        authorization: None,
    }
}

/// A registered wallet with a new key.
pub async fn wallet(switch: &RunningSwitch, home: Currency, journal: &Path) -> Wallet {
    wallet_with(switch, Arc::new(DeviceKey::generate().expect("key")), home, journal).await
}

/// Installs fault rules for the device of `key` on the switch (replacing its rules).
pub async fn set_faults(switch: &RunningSwitch, key: &DeviceKey, rules: &[FaultRule]) {
    let body = serde_json::to_string(rules).expect("rules");
    let (status, answer) = signed(switch, key, "POST", "/_sandbox/faults", &body, None).await;
    assert_eq!(status, 204, "faults installed: {answer}");
}

/// `times` occurrences of `fault` on payment submissions.
pub fn payment_fault(fault: &str, times: u32) -> FaultRule {
    FaultRule { path: Some("/v1/payments".into()), fault: fault.into(), times: Some(times) }
}

/// A dynamic KHQR for `amount` riel, valid for an hour.
pub fn khqr(amount: u32) -> String {
    let now = system_now_ms();
    let req = KhqrRequest {
        amount: Some(Decimal::from(amount)),
        expires_at_ms: Some(now + 3_600_000),
        alt_language: Some("km".into()),
        alt_name: Some("ហាងកាហ្វេ".into()),
        ..KhqrRequest::individual("cafe@aclb", "Phnom Penh Cafe")
    };
    generate(&req, now).expect("KHQR").payload
}

/// A dynamic JPQR for `yen` that carries the EMVCo tip or convenience-fee fields `tip` (e.g.
/// `[(55, "02"), (56, "100")]` for a ¥100 fixed fee, `[(55, "01")]` for a tip prompt).
pub fn jpqr_with_tip(yen: u32, tip: &[(u8, &str)]) -> String {
    let mut enc = crossqr_core::emv::Encoder::new();
    let result = (|| -> Result<String, crossqr_core::CodeError> {
        enc.push(0, "01")?.push(1, "12")?;
        let store = [(0u8, Some("jp.or.paymentsjapan")), (1, Some("0000000000001")), (2, Some("0001"))];
        enc.push_template(26, &[store[0], store[1], store[2], (3, Some("000001")), (4, Some("000001"))])?;
        enc.push(52, "5812")?.push(53, "392")?.push(54, &yen.to_string())?;
        for (id, value) in tip {
            enc.push(*id, value)?;
        }
        enc.push(58, "JP")?.push(59, "Izakaya Tora")?.push(60, "OSAKA")?;
        std::mem::take(&mut enc).finish()
    })();
    result.expect("valid JPQR")
}

/// A static KHQR in `currency` (the payer enters the amount).
pub fn static_khqr(account: &str, currency: Currency) -> String {
    generate(&KhqrRequest { currency, ..KhqrRequest::individual(account, "Street Stall") }, system_now_ms())
        .expect("KHQR")
        .payload
}

/// A raw request signed by `key` at `time_ms` (defaults to now); returns status and JSON body.
pub async fn signed(
    switch: &RunningSwitch,
    key: &DeviceKey,
    method: &str,
    path: &str,
    body: &str,
    time_ms: Option<i64>,
) -> (u16, Value) {
    let spki = key.public_key_spki().expect("spki");
    let id = crossqr_core::sign::device_id(&spki);
    let time = time_ms.unwrap_or_else(system_now_ms).to_string();
    let signature =
        message::sign_with(key, &message::request_string(method, path, &id, &time, body.as_bytes())).expect("sign");
    send(switch, method, path, body, &id, &time, &signature).await
}

/// A raw request with the given headers; returns status and JSON body.
pub async fn send(
    switch: &RunningSwitch,
    method: &str,
    path: &str,
    body: &str,
    client: &str,
    time: &str,
    signature: &str,
) -> (u16, Value) {
    send_with(switch, method, path, body, [client, time, signature], &[]).await
}

/// [`send`] with `Client-Id`, `Request-Time` and `Signature` as `auth`, and `extra` headers.
pub async fn send_with(
    switch: &RunningSwitch,
    method: &str,
    path: &str,
    body: &str,
    [client, time, signature]: [&str; 3],
    extra: &[(&str, &str)],
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", switch.base_url()))
        .header(message::CLIENT_ID, client)
        .header(message::REQUEST_TIME, time)
        .header(message::SIGNATURE, signature)
        .header("content-type", "application/json")
        .body(body.to_owned());
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("response");
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("body");
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// A clock tests move by hand.
#[derive(Debug)]
pub struct ManualClock(std::sync::atomic::AtomicI64);

impl ManualClock {
    /// A clock reading `ms`.
    pub fn new(ms: i64) -> Arc<ManualClock> {
        Arc::new(ManualClock(std::sync::atomic::AtomicI64::new(ms)))
    }

    /// Moves the clock by `ms` (backwards when negative).
    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, std::sync::atomic::Ordering::SeqCst);
    }
}

impl crossqr_core::clock::Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// A software key store that logs the first line of everything it signs ("POST /v1/payments"), can
/// be told to refuse from the n-th signature of a given request on, and can have its key replaced.
#[derive(Debug)]
pub struct TestSigner {
    key: std::sync::Mutex<Arc<DeviceKey>>,
    /// (first line, signatures still allowed) after which it refuses.
    refuse: std::sync::Mutex<Option<(String, usize)>>,
    log: std::sync::Mutex<Vec<String>>,
}

impl TestSigner {
    /// A signer with a fresh key.
    pub fn new() -> Arc<TestSigner> {
        Arc::new(TestSigner {
            key: std::sync::Mutex::new(Arc::new(DeviceKey::generate().expect("key"))),
            refuse: std::sync::Mutex::new(None),
            log: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// The key it signs with now.
    pub fn key(&self) -> Arc<DeviceKey> {
        self.key.lock().unwrap().clone()
    }

    /// Signs `allowed` more requests whose first line is `line`, then refuses them.
    pub fn refuse_after(&self, line: &str, allowed: usize) {
        *self.refuse.lock().unwrap() = Some((line.to_owned(), allowed));
    }

    /// Signs everything again.
    pub fn heal(&self) {
        *self.refuse.lock().unwrap() = None;
    }

    /// Replaces the key (a key store that lost or rotated it); returns the old one.
    pub fn replace_key(&self, key: Arc<DeviceKey>) -> Arc<DeviceKey> {
        std::mem::replace(&mut *self.key.lock().unwrap(), key)
    }

    /// How many requests whose first line is `line` it signed.
    pub fn signed(&self, line: &str) -> usize {
        self.log.lock().unwrap().iter().filter(|l| *l == line).count()
    }
}

impl Signer for TestSigner {
    fn public_key_spki(&self) -> Result<Vec<u8>, crossqr_core::sign::SignError> {
        self.key().public_key_spki()
    }

    fn sign<'a>(&'a self, message: &'a [u8]) -> crossqr_core::sign::SignFuture<'a> {
        Box::pin(std::future::ready(self.sign_now(message)))
    }
}

impl TestSigner {
    fn sign_now(&self, message: &[u8]) -> Result<Vec<u8>, crossqr_core::sign::SignError> {
        let line = String::from_utf8_lossy(message).lines().next().unwrap_or_default().to_owned();
        if let Some((refused, allowed)) = self.refuse.lock().unwrap().as_mut()
            && *refused == line
        {
            if *allowed == 0 {
                return Err(crossqr_core::sign::SignError::new(
                    crossqr_core::ErrorCode::SigningFailed,
                    "the key store refused (user cancelled)",
                ));
            }
            *allowed -= 1;
        }
        self.log.lock().unwrap().push(line);
        self.key().sign_der(message)
    }
}
