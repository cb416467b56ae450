//! A real switch on loopback and wallets talking to it, for end-to-end tests and benchmarks.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crossqr_core::api::ApiConfig;
use crossqr_core::api::wire::FaultRule;
use crossqr_core::clock::{SystemClock, system_now_ms};
use crossqr_core::flow::{Wallet, WalletOptions};
use crossqr_core::money::{Currency, Decimal, DisplayLocale};
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

/// Starts a switch on a free loopback port with `config` (its `addr` is kept if it names a port).
pub async fn switch(config: SwitchConfig) -> RunningSwitch {
    // Raw reqwest calls in tests need rustls's provider as much as the core's client does.
    crossqr_core::api::tls::install_crypto_provider();
    crossqr_switch::start(config).await.expect("switch starts")
}

/// API settings for tests: short timeouts and backoffs so fault tests run quickly.
pub fn api_config(switch: &RunningSwitch) -> ApiConfig {
    ApiConfig {
        attempt_timeout: Duration::from_millis(800),
        backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(100),
        ..ApiConfig::new(switch.base_url(), switch.public_key.clone())
    }
}

/// A registered wallet with `key`, home currency `home`, journal at `journal`.
pub async fn wallet_with(switch: &RunningSwitch, key: Arc<dyn Signer>, home: Currency, journal: &Path) -> Wallet {
    let options = WalletOptions { home, locale: DisplayLocale::En, khmer_digits: false };
    let wallet = Wallet::open(api_config(switch), key, Arc::new(SystemClock), journal, options).expect("wallet opens");
    wallet.register().await.expect("device registers");
    wallet
}

/// A registered wallet with a new key.
pub async fn wallet(switch: &RunningSwitch, home: Currency, journal: &Path) -> Wallet {
    wallet_with(switch, Arc::new(DeviceKey::generate().expect("key")), home, journal).await
}

/// Installs fault rules on the switch (replacing any).
pub async fn set_faults(switch: &RunningSwitch, rules: &[FaultRule]) {
    let response = reqwest::Client::new()
        .post(format!("{}/_sandbox/faults", switch.base_url()))
        .json(rules)
        .send()
        .await
        .expect("faults endpoint");
    assert_eq!(response.status().as_u16(), 204);
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
    let signature = message::sign(key, method, path, &id, &time, body.as_bytes()).expect("sign");
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
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let response = reqwest::Client::new()
        .request(method, format!("{}{path}", switch.base_url()))
        .header(message::CLIENT_ID, client)
        .header(message::REQUEST_TIME, time)
        .header(message::SIGNATURE, signature)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .expect("response");
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("body");
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}
