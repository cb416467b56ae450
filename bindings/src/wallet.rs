//! The wallet and its payment sessions, with signing by the host's key store.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossqr_core::ErrorCode;
use crossqr_core::api::ApiConfig;
use crossqr_core::clock::SystemClock;
use crossqr_core::flow::{self, JournalEntry, JournalState, PaymentResult, SessionState};
use crossqr_core::money::{Currency, Decimal, DisplayLocale};
use crossqr_core::sign::{self, DeviceKey, PublicKey, SignError};

use crate::{CodeInfo, CrossqrError, PaymentSummaryInfo};

/// The currency with ISO 4217 code `code`, in any case.
pub(crate) fn currency(code: &str) -> Result<Currency, CrossqrError> {
    Ok(code.to_ascii_uppercase().parse::<Currency>()?)
}

/// A P-256 key held by the host (Android Keystore, Secure Enclave) that signs for the wallet.
#[uniffi::export(with_foreign)]
pub trait Signer: Send + Sync {
    /// The public key as SubjectPublicKeyInfo DER (Java `PublicKey.getEncoded()`, Security
    /// `SecKeyCopyExternalRepresentation` wrapped in the P-256 SPKI header).
    fn public_key_spki(&self) -> Result<Vec<u8>, CrossqrError>;
    /// ECDSA P-256 / SHA-256 over `message`, ASN.1 DER (`SHA256withECDSA`, `ecdsaSignatureMessageX962SHA256`).
    fn sign(&self, message: Vec<u8>) -> Result<Vec<u8>, CrossqrError>;
}

/// The core's `Signer` over a host key store.
struct HostSigner(Arc<dyn Signer>);

impl sign::Signer for HostSigner {
    fn public_key_spki(&self) -> Result<Vec<u8>, SignError> {
        self.0.public_key_spki().map_err(|e| SignError::new(ErrorCode::SigningFailed, e.to_string()))
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        self.0.sign(message.to_vec()).map_err(|e| SignError::new(ErrorCode::SigningFailed, e.to_string()))
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
impl Signer for SoftwareKey {
    fn public_key_spki(&self) -> Result<Vec<u8>, CrossqrError> {
        Ok(sign::Signer::public_key_spki(&self.0)?)
    }

    fn sign(&self, message: Vec<u8>) -> Result<Vec<u8>, CrossqrError> {
        Ok(sign::Signer::sign(&self.0, &message)?)
    }
}

/// Where the backend is and how the wallet presents itself.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WalletConfig {
    /// Backend base URL.
    pub base_url: String,
    /// The backend's response-signing key, pinned: Base64 SubjectPublicKeyInfo.
    pub server_public_key: String,
    /// The payer's account currency (ISO alpha-3).
    pub home_currency: String,
    /// Display locale, a BCP 47 tag in `en`, `km`, `ja`, `zh` or `zh-Hant` (any region: `en-IN`, `zh-TW`).
    #[uniffi(default = "en")]
    pub locale: String,
    /// Khmer digits in money.
    #[uniffi(default = false)]
    pub khmer_digits: bool,
    /// The payment journal (an SQLite file in the app's private storage).
    pub journal_path: String,
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

/// Where a session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PaymentState {
    /// A code was read.
    Scanned,
    /// The payer entered the amount.
    AmountEntered,
    /// A firm quote is held.
    Quoted,
    /// Approved; journalled, not yet sent.
    Confirmed,
    /// Never sent; being cancelled with the backend.
    Cancelling,
    /// Sent; outcome not yet known.
    Submitted,
    /// Paid.
    Settled,
    /// Definitely not paid.
    Failed,
    /// The quote ran out; quote again.
    Expired,
}

impl From<SessionState> for PaymentState {
    fn from(s: SessionState) -> Self {
        match s {
            SessionState::Scanned => PaymentState::Scanned,
            SessionState::AmountEntered => PaymentState::AmountEntered,
            SessionState::Quoted => PaymentState::Quoted,
            SessionState::Confirmed => PaymentState::Confirmed,
            SessionState::Cancelling => PaymentState::Cancelling,
            SessionState::Submitted => PaymentState::Submitted,
            SessionState::Settled => PaymentState::Settled,
            SessionState::Failed => PaymentState::Failed,
            SessionState::Expired => PaymentState::Expired,
        }
    }
}

/// What became of a payment.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PaymentOutcome {
    /// Payment id.
    pub payment_id: String,
    /// `Settled`, `Failed`, or `Submitted` while the outcome is unknown.
    pub state: PaymentState,
    /// Failure (or pending) code.
    pub failure_code: Option<String>,
    /// Failure (or pending) reason.
    pub failure_reason: Option<String>,
    /// True when the pending payment cannot progress without a human (the code says why).
    pub needs_attention: bool,
}

impl From<PaymentResult> for PaymentOutcome {
    fn from(r: PaymentResult) -> Self {
        let (code, reason) = r.note.map_or((None, None), |n| (Some(n.code), Some(n.message)));
        PaymentOutcome {
            payment_id: r.payment_id,
            state: r.state.into(),
            failure_code: code,
            failure_reason: reason,
            needs_attention: r.needs_attention,
        }
    }
}

/// A journalled payment.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PaymentRecord {
    /// Payment id.
    pub payment_id: String,
    /// State.
    pub state: PaymentState,
    /// Merchant shown.
    pub merchant: Option<String>,
    /// Debit currency and value.
    pub debit_currency: String,
    /// Debit value.
    pub debit: Decimal,
    /// Credit currency.
    pub credit_currency: String,
    /// Credit value.
    pub credit: Decimal,
    /// Failure code.
    pub failure_code: Option<String>,
    /// When confirmed, epoch ms.
    pub created_at_ms: i64,
}

impl TryFrom<JournalEntry> for PaymentRecord {
    type Error = CrossqrError;

    fn try_from(e: JournalEntry) -> Result<Self, CrossqrError> {
        let state = match e.state {
            JournalState::Confirmed => PaymentState::Confirmed,
            JournalState::Cancelling => PaymentState::Cancelling,
            JournalState::Submitted => PaymentState::Submitted,
            JournalState::Settled => PaymentState::Settled,
            JournalState::Failed => PaymentState::Failed,
        };
        let p = e.payment;
        Ok(PaymentRecord {
            payment_id: p.payment_id,
            state,
            merchant: p.merchant,
            debit_currency: p.debit.currency().code().to_owned(),
            debit: p.debit.amount(),
            credit_currency: p.credit.currency().code().to_owned(),
            credit: p.credit.amount(),
            failure_code: e.failure.map(|f| f.code),
            created_at_ms: e.created_at_ms,
        })
    }
}

/// A wallet: device key, backend, home currency, journal.
#[derive(uniffi::Object)]
pub struct Wallet(flow::Wallet);

#[uniffi::export(async_runtime = "tokio")]
impl Wallet {
    /// Opens the wallet; `signer` is the device key (a host key store, or a [`SoftwareKey`]).
    #[uniffi::constructor]
    pub fn new(config: WalletConfig, signer: Arc<dyn Signer>) -> Result<Arc<Wallet>, CrossqrError> {
        let server_key = PublicKey::from_spki_base64(&config.server_public_key)?;
        let api = ApiConfig {
            attempt_timeout: Duration::from_millis(u64::from(config.attempt_timeout_ms)),
            max_attempts: config.max_attempts,
            allow_http_loopback: config.allow_http_loopback,
            ..ApiConfig::new(config.base_url, server_key)
        };
        let options = flow::WalletOptions {
            locale: config.locale.parse::<DisplayLocale>()?,
            khmer_digits: config.khmer_digits,
            ..flow::WalletOptions::new(currency(&config.home_currency)?)
        };
        let wallet = flow::Wallet::open(
            api,
            Arc::new(HostSigner(signer)),
            Arc::new(SystemClock),
            Path::new(&config.journal_path),
            options,
        )?;
        Ok(Arc::new(Wallet(wallet)))
    }

    /// The id the backend knows this device by.
    pub fn device_id(&self) -> String {
        self.0.device_id().to_owned()
    }

    /// Registers the device key with the backend (idempotent).
    pub async fn register(&self) -> Result<(), CrossqrError> {
        Ok(self.0.register().await?)
    }

    /// Fetches the backend's indicative rates (used before a firm quote).
    pub async fn refresh_rates(&self) -> Result<(), CrossqrError> {
        Ok(self.0.refresh_rates().await?)
    }

    /// Starts paying a scanned code.
    pub async fn start(&self, payload: String) -> Result<Arc<PaymentSession>, CrossqrError> {
        let session = self.0.start(&payload).await?;
        Ok(Arc::new(PaymentSession::new(session)))
    }

    /// Reconciles unfinished payments (call at start-up); returns them in their new state.
    pub async fn recover(&self, rounds: u32) -> Result<Vec<PaymentRecord>, CrossqrError> {
        self.0.recover(rounds).await?.into_iter().map(TryInto::try_into).collect()
    }

    /// Every journalled payment, newest first.
    pub fn history(&self) -> Result<Vec<PaymentRecord>, CrossqrError> {
        self.0.history()?.into_iter().map(TryInto::try_into).collect()
    }
}

/// One payment. Methods are not meant to run concurrently; one that finds another in flight fails
/// with `busy`.
#[derive(uniffi::Object)]
pub struct PaymentSession {
    session: tokio::sync::Mutex<flow::PaymentSession>,
    code: CodeInfo,
    /// Last known state, readable while an async step runs.
    state: Mutex<PaymentState>,
}

impl PaymentSession {
    fn new(session: flow::PaymentSession) -> Self {
        let code = session.code().into();
        let state = Mutex::new(session.state().into());
        PaymentSession { session: tokio::sync::Mutex::new(session), code, state }
    }

    fn sync<T>(
        &self,
        f: impl FnOnce(&mut flow::PaymentSession) -> Result<T, flow::FlowError>,
    ) -> Result<T, CrossqrError> {
        let mut session = self
            .session
            .try_lock()
            .map_err(|_| CrossqrError::new("busy", "another step of this payment is running"))?;
        let out = f(&mut session);
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = session.state().into();
        Ok(out?)
    }

    fn record(&self, session: &flow::PaymentSession) {
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = session.state().into();
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl PaymentSession {
    /// What the code says.
    pub fn code(&self) -> CodeInfo {
        self.code.clone()
    }

    /// Current state.
    pub fn state(&self) -> PaymentState {
        *self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// True when the payer must enter the amount.
    pub fn needs_amount(&self) -> Result<bool, CrossqrError> {
        self.sync(|s| Ok(s.needs_amount()))
    }

    /// The merchant name to show.
    pub fn merchant_name(&self) -> Result<Option<String>, CrossqrError> {
        self.sync(|s| Ok(s.merchant_name().map(str::to_owned)))
    }

    /// Enters the amount of a static code, in the code's currency.
    pub fn enter_amount(&self, amount: Decimal) -> Result<(), CrossqrError> {
        self.sync(|s| s.enter_amount(amount))
    }

    /// The confirm screen as it stands (indicative before a quote, firm after).
    pub fn summary(&self) -> Result<PaymentSummaryInfo, CrossqrError> {
        self.sync(|s| s.summary()).map(Into::into)
    }

    /// Asks the backend for a firm quote.
    pub async fn request_quote(&self) -> Result<PaymentSummaryInfo, CrossqrError> {
        let mut session = self.session.lock().await;
        let out = session.request_quote().await;
        self.record(&session);
        Ok(out?.into())
    }

    /// The payer approves: journalled, not yet sent.
    pub fn confirm(&self) -> Result<(), CrossqrError> {
        self.sync(|s| s.confirm())
    }

    /// Sends the confirmed payment.
    pub async fn submit(&self) -> Result<PaymentOutcome, CrossqrError> {
        let mut session = self.session.lock().await;
        let out = session.submit().await;
        self.record(&session);
        Ok(out?.into())
    }

    /// Confirms and sends.
    pub async fn pay(&self) -> Result<PaymentOutcome, CrossqrError> {
        let mut session = self.session.lock().await;
        let out = session.pay().await;
        self.record(&session);
        Ok(out?.into())
    }

    /// Asks the backend again about a pending payment.
    pub async fn refresh(&self) -> Result<PaymentOutcome, CrossqrError> {
        let mut session = self.session.lock().await;
        let out = session.refresh().await;
        self.record(&session);
        Ok(out?.into())
    }
}
