//! The wallet and its payment sessions, with signing by the host's key store.
//!
//! Threading and cancellation, the same on Kotlin and Swift: every operation that does I/O, signs or
//! writes the journal runs on the wallet's own runtime (threads named `crossqr-worker`), never on the
//! caller's thread; the `suspend`/`async` function only waits for it. A caller that stops waiting — a
//! cancelled coroutine scope (a rotated screen), a cancelled Swift task — cancels nothing: the
//! operation runs to its end, the journal records it, and calling `pay()` again answers with the same
//! payment. A session's steps take turns (a second step waits for the first); the synchronous getters
//! answer `busy` while a step runs.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossqr_core::api::ApiConfig;
use crossqr_core::api::tls::TlsTrust;
use crossqr_core::flow::{self, JournalState, Note, PaymentResult, SessionState, WalletBuilder};
use crossqr_core::money::{Currency, DisplayLocale, PaymentSummary};
use crossqr_core::runtime::WalletRuntime;
use crossqr_core::schemes::CodeSummary;
use crossqr_core::sign::{self, DeviceKey, PublicKey, SignError, SignFuture};
use crossqr_core::{ErrorCode, ErrorKind};

use crate::{CrossqrError, Decimal};

/// A P-256 key held by the host (Android Keystore, Secure Enclave) that signs for the wallet. `sign`
/// is a suspend/async function, so a key that needs the user (BiometricPrompt, `.userPresence`) can
/// ask. To refuse, throw `CrossqrException.Failed`/`CrossqrError.Failed` with kind `SIGNER` and code
/// `signer_cancelled` (the user declined), `signer_locked` (authenticate first) or `signer_unavailable`
/// (the key is gone); those codes reach the screen as they are, anything else as `signing_failed`.
#[uniffi::export(with_foreign)]
#[async_trait::async_trait]
pub trait Signer: Send + Sync {
    /// The public key as SubjectPublicKeyInfo DER (Java `PublicKey.getEncoded()`, Security
    /// `SecKeyCopyExternalRepresentation` wrapped in the P-256 SPKI header).
    fn public_key_spki(&self) -> Result<Vec<u8>, CrossqrError>;
    /// ECDSA P-256 / SHA-256 over `message`, ASN.1 DER (`SHA256withECDSA`, `ecdsaSignatureMessageX962SHA256`).
    async fn sign(&self, message: Vec<u8>) -> Result<Vec<u8>, CrossqrError>;
}

/// A host key store's refusal, keeping the signer codes the registry knows.
fn signer_error(e: CrossqrError) -> SignError {
    match ErrorCode::parse(e.code()) {
        Some(c) if c.kind() == ErrorKind::Signer => SignError::new(c, e.to_string()),
        _ => SignError::new(ErrorCode::SigningFailed, format!("{}: {e}", e.code())),
    }
}

/// The core's `Signer` over a host key store.
struct HostSigner(Arc<dyn Signer>);

impl sign::Signer for HostSigner {
    fn public_key_spki(&self) -> Result<Vec<u8>, SignError> {
        self.0.public_key_spki().map_err(signer_error)
    }

    fn sign<'a>(&'a self, message: &'a [u8]) -> SignFuture<'a> {
        Box::pin(async move { self.0.sign(message.to_vec()).await.map_err(signer_error) })
    }
}

/// A P-256 key kept in software (for apps without a hardware key store, and for tests).
#[derive(uniffi::Object)]
pub struct SoftwareKey(DeviceKey);

#[uniffi::export]
impl SoftwareKey {
    /// A fresh key.
    #[uniffi::constructor]
    pub fn generate() -> Result<Arc<SoftwareKey>, CrossqrError> {
        Ok(Arc::new(SoftwareKey(DeviceKey::generate()?)))
    }

    /// A key from PKCS#8 DER.
    #[uniffi::constructor]
    pub fn from_pkcs8(der: Vec<u8>) -> Result<Arc<SoftwareKey>, CrossqrError> {
        Ok(Arc::new(SoftwareKey(DeviceKey::from_pkcs8(&der)?)))
    }

    /// The private key, PKCS#8 DER, for the app to store.
    pub fn pkcs8(&self) -> Vec<u8> {
        self.0.pkcs8().to_vec()
    }
}

#[uniffi::export]
#[async_trait::async_trait]
impl Signer for SoftwareKey {
    fn public_key_spki(&self) -> Result<Vec<u8>, CrossqrError> {
        Ok(sign::Signer::public_key_spki(&self.0)?)
    }

    async fn sign(&self, message: Vec<u8>) -> Result<Vec<u8>, CrossqrError> {
        Ok(self.0.sign_der(&message)?)
    }
}

/// Where the backend is, whom to trust, and how the wallet presents itself.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WalletConfig {
    /// Backend base URL: `https://…` (or `http://` to loopback with `allow_http_loopback`).
    pub base_url: String,
    /// The backend's response-signing key, pinned: Base64 SubjectPublicKeyInfo.
    pub server_public_key: String,
    /// The payer's account currency (ISO 4217 alpha-3).
    pub home_currency: String,
    /// Display locale, a BCP 47 tag in `en`, `km`, `ja`, `zh` or `zh-Hant` (any region: `en-IN`, `zh-TW`).
    #[uniffi(default = "en")]
    pub locale: String,
    /// Khmer digits in money.
    #[uniffi(default = false)]
    pub khmer_digits: bool,
    /// The payment journal (an SQLite file in the app's private storage).
    pub journal_path: String,
    /// The CA certificate(s) the backend's TLS certificate must chain to, PEM; required for `https`.
    /// Nothing else is trusted (no platform verifier, no system store).
    #[uniffi(default = None)]
    pub tls_ca_pem: Option<String>,
    /// Optional SPKI pins (Base64 SHA-256 of a certificate's SubjectPublicKeyInfo, RFC 7469).
    #[uniffi(default = [])]
    pub tls_pins: Vec<String>,
    /// Allow plain `http://` to a loopback address (the sandbox switch); never anything else.
    #[uniffi(default = false)]
    pub allow_http_loopback: bool,
    /// Time allowed per attempt, milliseconds.
    #[uniffi(default = 10000)]
    pub attempt_timeout_ms: u32,
    /// Attempts per call.
    #[uniffi(default = 3)]
    pub max_attempts: u32,
}

/// Where a payment session stands.
#[uniffi::remote(Enum)]
pub enum SessionState {
    /// A code was read.
    Scanned,
    /// The payer entered the amount (or a tip).
    AmountEntered,
    /// A firm quote is held.
    Quoted,
    /// Approved; journalled, not yet sent.
    Confirmed,
    /// Never sent; being cancelled with the backend.
    Cancelling,
    /// Sent; the outcome is not known yet.
    Submitted,
    /// Paid.
    Settled,
    /// Definitely not paid.
    Failed,
    /// The quote ran out; quote again.
    Expired,
}

/// Where a journalled payment stands.
#[uniffi::remote(Enum)]
pub enum JournalState {
    /// Confirmed, never sent.
    Confirmed,
    /// Never sent; a cancel is being asked of the backend.
    Cancelling,
    /// Sent (or about to be).
    Submitted,
    /// Paid.
    Settled,
    /// Definitely not paid.
    Failed,
}

/// A code and a message: why a payment failed, or what needs attention.
#[uniffi::remote(Record)]
pub struct Note {
    /// Stable code.
    pub code: String,
    /// For a human.
    pub message: String,
}

/// What became of a payment, exactly as the journal has it.
#[uniffi::remote(Record)]
pub struct PaymentResult {
    /// The payment id.
    pub payment_id: String,
    /// `Settled`, `Failed`, or a pending state while the outcome is not final.
    pub state: SessionState,
    /// Why it failed, or why it is still pending.
    pub note: Option<Note>,
    /// True when the pending payment cannot progress without a human (the note says why).
    pub needs_attention: bool,
}

/// A journalled payment (the core's `JournalEntry`, with amounts as decimals).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct JournalEntry {
    /// Payment id.
    pub payment_id: String,
    /// State.
    pub state: JournalState,
    /// Merchant shown.
    pub merchant: Option<String>,
    /// Debit currency.
    pub debit_currency: String,
    /// Debit value.
    pub debit: Decimal,
    /// Credit currency.
    pub credit_currency: String,
    /// Credit value.
    pub credit: Decimal,
    /// Why it failed.
    pub failure: Option<Note>,
    /// Why a pending payment needs attention.
    pub attention: Option<Note>,
    /// When confirmed, epoch ms.
    pub created_at_ms: i64,
    /// Last change, epoch ms.
    pub updated_at_ms: i64,
}

impl From<flow::JournalEntry> for JournalEntry {
    fn from(e: flow::JournalEntry) -> Self {
        let p = e.payment;
        JournalEntry {
            payment_id: p.payment_id,
            state: e.state,
            merchant: p.merchant,
            debit_currency: p.debit.currency().code().to_owned(),
            debit: p.debit.amount().into(),
            credit_currency: p.credit.currency().code().to_owned(),
            credit: p.credit.amount().into(),
            failure: e.failure,
            attention: e.attention,
            created_at_ms: e.created_at_ms,
            updated_at_ms: e.updated_at_ms,
        }
    }
}

/// A wallet: device key, backend, home currency, journal, and the runtime its work runs on.
#[derive(uniffi::Object)]
pub struct Wallet {
    wallet: flow::Wallet,
    runtime: WalletRuntime,
}

#[uniffi::export]
impl Wallet {
    /// Opens the wallet. `signer` signs every request (a key that never asks the user); `authorizer`,
    /// when given, signs each payment the payer approves — once, at confirmation — and may ask the
    /// user (BiometricPrompt, Secure Enclave `.userPresence`).
    #[uniffi::constructor(default(authorizer = None))]
    pub fn new(
        config: WalletConfig,
        signer: Arc<dyn Signer>,
        authorizer: Option<Arc<dyn Signer>>,
    ) -> Result<Arc<Wallet>, CrossqrError> {
        let server_key = PublicKey::from_spki_base64(&config.server_public_key)?;
        let tls = config
            .tls_ca_pem
            .as_deref()
            .map(|pem| TlsTrust::from_pem(pem).and_then(|t| t.with_pins(&config.tls_pins)))
            .transpose()?;
        let api = ApiConfig {
            attempt_timeout: Duration::from_millis(u64::from(config.attempt_timeout_ms)),
            max_attempts: config.max_attempts,
            allow_http_loopback: config.allow_http_loopback,
            tls,
            ..ApiConfig::new(config.base_url, server_key)
        };
        let options = flow::WalletOptions {
            locale: config.locale.parse::<DisplayLocale>()?,
            khmer_digits: config.khmer_digits,
            ..flow::WalletOptions::new(config.home_currency.parse::<Currency>()?)
        };
        let runtime = WalletRuntime::new()?;
        let mut builder = WalletBuilder::new(api, Arc::new(HostSigner(signer)), options);
        if let Some(a) = authorizer {
            builder = builder.authorizer(Arc::new(HostSigner(a)));
        }
        let wallet = builder.open(Path::new(&config.journal_path))?;
        Ok(Arc::new(Wallet { wallet, runtime }))
    }

    /// The id the backend knows this device by.
    pub fn device_id(&self) -> String {
        self.wallet.device_id().to_owned()
    }

    /// Registers the device's keys with the backend (idempotent).
    pub async fn register(&self) -> Result<(), CrossqrError> {
        let wallet = self.wallet.clone();
        Ok(self.runtime.run(async move { wallet.register().await }).await?)
    }

    /// Fetches the backend's indicative rates (used before a firm quote).
    pub async fn refresh_rates(&self) -> Result<(), CrossqrError> {
        let wallet = self.wallet.clone();
        Ok(self.runtime.run(async move { wallet.refresh_rates().await }).await?)
    }

    /// Starts paying a scanned code.
    pub async fn start(&self, payload: String) -> Result<Arc<PaymentSession>, CrossqrError> {
        let wallet = self.wallet.clone();
        let session = self.runtime.run(async move { wallet.start(&payload).await }).await?;
        Ok(Arc::new(PaymentSession::new(session, self.runtime.clone())))
    }

    /// Reconciles unfinished payments (call at start-up); returns them in their new state.
    pub async fn recover(&self, rounds: u32) -> Result<Vec<JournalEntry>, CrossqrError> {
        let wallet = self.wallet.clone();
        let entries = self.runtime.run(async move { wallet.recover(rounds).await }).await?;
        Ok(entries.into_iter().map(Into::into).collect())
    }

    /// Every journalled payment, newest first.
    pub fn history(&self) -> Result<Vec<JournalEntry>, CrossqrError> {
        Ok(self.wallet.history()?.into_iter().map(Into::into).collect())
    }
}

/// One payment. Its steps take turns; a synchronous getter called while a step runs answers `busy`.
#[derive(uniffi::Object)]
pub struct PaymentSession {
    session: Arc<tokio::sync::Mutex<flow::PaymentSession>>,
    code: CodeSummary,
    runtime: WalletRuntime,
    /// The state when the last step ended, for `state()` while a step runs.
    last: Mutex<SessionState>,
}

impl PaymentSession {
    fn new(session: flow::PaymentSession, runtime: WalletRuntime) -> Self {
        let code = session.code().summary();
        let last = Mutex::new(session.state());
        PaymentSession { session: Arc::new(tokio::sync::Mutex::new(session)), code, runtime, last }
    }

    fn now<T>(
        &self,
        f: impl FnOnce(&mut flow::PaymentSession) -> Result<T, flow::FlowError>,
    ) -> Result<T, CrossqrError> {
        let mut session = self
            .session
            .try_lock()
            .map_err(|_| CrossqrError::new(ErrorCode::Busy, "another step of this payment is running"))?;
        let out = f(&mut session);
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) = session.state();
        Ok(out?)
    }

    /// Runs a step on the wallet's runtime, to its end whoever waits for it.
    async fn step<T: Send + 'static>(
        &self,
        f: impl for<'s> FnOnce(
            &'s mut flow::PaymentSession,
        ) -> futures_util::future::BoxFuture<'s, Result<T, flow::FlowError>>
        + Send
        + 'static,
    ) -> Result<T, CrossqrError> {
        let session = self.session.clone();
        let (out, state) = self
            .runtime
            .run(async move {
                let mut s = session.lock_owned().await;
                let out = f(&mut s).await;
                Ok((out, s.state()))
            })
            .await?;
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) = state;
        Ok(out?)
    }
}

#[uniffi::export]
impl PaymentSession {
    /// What the code says.
    pub fn code(&self) -> CodeSummary {
        self.code.clone()
    }

    /// Current state: the journal's once the payment is journalled.
    pub fn state(&self) -> SessionState {
        match self.session.try_lock() {
            Ok(s) => s.state(),
            Err(_) => *self.last.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// True when the payer must enter the amount.
    pub fn needs_amount(&self) -> Result<bool, CrossqrError> {
        self.now(|s| Ok(s.needs_amount()))
    }

    /// True when the code asks the payer for a tip.
    pub fn asks_for_tip(&self) -> Result<bool, CrossqrError> {
        self.now(|s| Ok(s.asks_for_tip()))
    }

    /// The merchant name to show.
    pub fn merchant_name(&self) -> Result<Option<String>, CrossqrError> {
        self.now(|s| Ok(s.merchant_name().map(str::to_owned)))
    }

    /// Enters the amount of a static code, in the code's currency.
    pub fn enter_amount(&self, amount: Decimal) -> Result<(), CrossqrError> {
        let amount = amount.exact()?;
        self.now(|s| s.enter_amount(amount))
    }

    /// Enters the tip for a code that asks for one.
    pub fn enter_tip(&self, tip: Decimal) -> Result<(), CrossqrError> {
        let tip = tip.exact()?;
        self.now(|s| s.enter_tip(tip))
    }

    /// The confirm screen as it stands (an estimate before a quote, firm after).
    pub fn summary(&self) -> Result<PaymentSummary, CrossqrError> {
        self.now(|s| s.summary())
    }

    /// Asks the backend for a firm quote.
    pub async fn request_quote(&self) -> Result<PaymentSummary, CrossqrError> {
        self.step(|s| Box::pin(s.request_quote())).await
    }

    /// The payer approves: authorised (the authoriser may ask the user) and journalled, not yet sent.
    pub async fn confirm(&self) -> Result<(), CrossqrError> {
        self.step(|s| Box::pin(s.confirm())).await
    }

    /// Sends the confirmed payment.
    pub async fn submit(&self) -> Result<PaymentResult, CrossqrError> {
        self.step(|s| Box::pin(s.submit())).await
    }

    /// Confirms if needed and sends; on a payment already under way, asks about it. Calling it again —
    /// after a cancelled call, say — answers with the same payment: it is never sent twice.
    pub async fn pay(&self) -> Result<PaymentResult, CrossqrError> {
        self.step(|s| Box::pin(s.pay())).await
    }

    /// Asks the backend again about a pending payment.
    pub async fn refresh(&self) -> Result<PaymentResult, CrossqrError> {
        self.step(|s| Box::pin(s.refresh())).await
    }
}
