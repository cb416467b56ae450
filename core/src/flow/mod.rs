//! The payment flow a wallet screen drives:
//!
//! ```text
//! scanned ──(enter amount, static codes)──▶ amount_entered ──▶ quoted ──▶ confirmed ──▶ submitted ──▶ settled
//!                                                  ▲             │                        │        └─▶ failed
//!                                                  └── expired ◀─┘ (quote ran out)        └─▶ (outcome unknown: stays submitted,
//!                                                                                             reconciled by refresh/recover)
//! ```
//!
//! A payment is journalled when the payer confirms, marked submitted before it is sent, and finalised
//! only on a definite answer. Retries and recovery send the same payment id and body, so the backend
//! pays it at most once; on start-up [`Wallet::recover`] reconciles every unfinished payment. Visitor
//! mode is the same flow with another home currency.

pub mod journal;

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use journal::{Journal, JournalEntry, JournalError, JournalState};

use crate::api::wire::{Amount, BackendCode, Payment, PaymentOutcome, PaymentRequest};
use crate::api::{ApiClient, ApiConfig, ApiError, ApiErrorKind};
use crate::clock::Clock;
use crate::error::{CodeError, ErrorCode};
use crate::money::{Currency, Decimal, DisplayLocale, Money, MoneyError, PaymentSummary, Pricing, Quote, RateTable};
use crate::schemes::{PaymentCode, Scheme};
use crate::sign::{SignError, Signer};

/// Why a step of the flow failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowError {
    /// Stable code: the underlying error's (`quote_expired`, `crc_mismatch`, `outcome_unknown`…),
    /// or `invalid_state`, `amount_required`, `invalid_amount`, `invalid_quote`, `journal_error`.
    pub code: &'static str,
    /// For a human.
    pub message: String,
}

impl FlowError {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        FlowError { code, message: message.into() }
    }
    fn state(message: impl Into<String>) -> Self {
        FlowError::new("invalid_state", message)
    }
}

impl fmt::Display for FlowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FlowError {}

impl ErrorCode for FlowError {
    fn code(&self) -> &'static str {
        self.code
    }
}

macro_rules! from_coded {
    ($($t:ty),*) => {$(
        impl From<$t> for FlowError {
            fn from(e: $t) -> Self {
                FlowError { code: e.code(), message: e.to_string() }
            }
        }
    )*};
}
from_coded!(CodeError, MoneyError, ApiError, SignError);

impl From<JournalError> for FlowError {
    fn from(e: JournalError) -> Self {
        FlowError::new("journal_error", e.to_string())
    }
}

/// Where a session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionState {
    /// A code was read.
    Scanned,
    /// The payer entered the amount of a static code.
    AmountEntered,
    /// A firm quote is held.
    Quoted,
    /// The payer approved; journalled, not yet sent.
    Confirmed,
    /// Sent; the outcome is not known yet.
    Submitted,
    /// Paid.
    Settled,
    /// Definitely not paid.
    Failed,
    /// The quote ran out before payment; quote again.
    Expired,
}

impl SessionState {
    /// Stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionState::Scanned => "scanned",
            SessionState::AmountEntered => "amount_entered",
            SessionState::Quoted => "quoted",
            SessionState::Confirmed => "confirmed",
            SessionState::Submitted => "submitted",
            SessionState::Settled => "settled",
            SessionState::Failed => "failed",
            SessionState::Expired => "expired",
        }
    }
}

impl From<JournalState> for SessionState {
    fn from(s: JournalState) -> Self {
        match s {
            JournalState::Confirmed => SessionState::Confirmed,
            JournalState::Submitted => SessionState::Submitted,
            JournalState::Settled => SessionState::Settled,
            JournalState::Failed => SessionState::Failed,
        }
    }
}

/// What became of a submitted payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentResult {
    /// The payment id.
    pub payment_id: String,
    /// `Settled`, `Failed`, or `Submitted` while the outcome is unknown.
    pub state: SessionState,
    /// Failure code and message, for `Failed` (and why it is still pending, for `Submitted`).
    pub failure: Option<(String, String)>,
}

/// How the wallet presents itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletOptions {
    /// The payer's account currency.
    pub home: Currency,
    /// Display language.
    pub locale: DisplayLocale,
    /// Khmer digits.
    pub khmer_digits: bool,
}

struct Inner {
    api: ApiClient,
    journal: Journal,
    clock: Arc<dyn Clock>,
    options: WalletOptions,
    rates: Mutex<Option<RateTable>>,
}

/// A wallet: one device, one home currency, one journal.
#[derive(Clone)]
pub struct Wallet {
    inner: Arc<Inner>,
}

impl fmt::Debug for Wallet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wallet").field("home", &self.inner.options.home).field("api", &self.inner.api).finish()
    }
}

impl Wallet {
    /// Opens the wallet with its journal at `journal_path`.
    pub fn open(
        api: ApiConfig,
        signer: Arc<dyn Signer>,
        clock: Arc<dyn Clock>,
        journal_path: &Path,
        options: WalletOptions,
    ) -> Result<Wallet, FlowError> {
        let journal = Journal::open(journal_path)?;
        let api = ApiClient::new(api, signer, clock.clone())?;
        Ok(Wallet { inner: Arc::new(Inner { api, journal, clock, options, rates: Mutex::new(None) }) })
    }

    /// The device id the backend knows this wallet by.
    pub fn device_id(&self) -> &str {
        self.inner.api.device_id()
    }

    /// The home currency.
    pub fn home(&self) -> Currency {
        self.inner.options.home
    }

    /// Registers the device key with the backend (idempotent).
    pub async fn register(&self) -> Result<(), FlowError> {
        self.inner.api.register(Some(std::env::consts::OS)).await?;
        Ok(())
    }

    /// Fetches and caches the backend's indicative rates.
    pub async fn refresh_rates(&self) -> Result<(), FlowError> {
        let table = self.inner.api.rates().await?.to_table()?;
        *self.inner.rates.lock().unwrap_or_else(|e| e.into_inner()) = Some(table);
        Ok(())
    }

    /// Starts paying the code `payload` (resolving it with the network when only the network can read it).
    pub async fn start(&self, payload: &str) -> Result<PaymentSession, FlowError> {
        let code = crate::parse_at(payload, self.inner.clock.now_ms())?;
        let (merchant_name, credit) = if code.needs_resolution() {
            let order = self.inner.api.resolve(payload).await?;
            (Some(order.merchant_name.clone()), Some(order.amount.to_money()?))
        } else {
            (display_name(&code, self.inner.options.locale), code.amount)
        };
        Ok(PaymentSession {
            wallet: self.inner.clone(),
            code,
            merchant_name,
            credit,
            state: SessionState::Scanned,
            quote: None,
            payment_id: None,
            result: None,
        })
    }

    /// Every journalled payment, newest first.
    pub fn history(&self) -> Result<Vec<JournalEntry>, FlowError> {
        Ok(self.inner.journal.all()?)
    }

    /// Reconciles every unfinished payment with the backend, retrying up to `rounds` times (with
    /// backoff) those whose outcome is still unknown. Returns the journal entries it touched, in their
    /// state after reconciliation.
    pub async fn recover(&self, rounds: u32) -> Result<Vec<JournalEntry>, FlowError> {
        let mut touched: Vec<String> = Vec::new();
        for round in 0..rounds.max(1) {
            let pending = self.inner.journal.unfinished()?;
            if pending.is_empty() {
                break;
            }
            if round > 0 {
                tokio::time::sleep(Duration::from_millis(200 << round.min(5))).await;
            }
            for entry in pending {
                reconcile(&self.inner, &entry).await?;
                if !touched.contains(&entry.payment_id) {
                    touched.push(entry.payment_id);
                }
            }
        }
        touched
            .iter()
            .filter_map(|id| self.inner.journal.get(id).transpose())
            .collect::<Result<_, _>>()
            .map_err(Into::into)
    }
}

/// The name to show: the alternate-language name when the code's language is the display language.
fn display_name(code: &PaymentCode, locale: DisplayLocale) -> Option<String> {
    let m = &code.merchant;
    match (&m.name_alt, m.language.as_deref()) {
        (Some(alt), Some(lang)) if lang == locale.tag() => Some(alt.clone()),
        _ => m.name.clone().or_else(|| m.name_alt.clone()),
    }
}

/// Brings one journalled payment to a definite state if the backend can say which.
async fn reconcile(inner: &Inner, entry: &JournalEntry) -> Result<JournalState, FlowError> {
    let now = inner.clock.now_ms();
    match entry.state {
        JournalState::Settled | JournalState::Failed => Ok(entry.state),
        // Confirmed but never marked sent: it was never sent, no money moved.
        JournalState::Confirmed => {
            inner.journal.update(
                &entry.payment_id,
                JournalState::Failed,
                Some(("abandoned", "confirmed but never sent; no money moved")),
                now,
            )?;
            Ok(JournalState::Failed)
        }
        JournalState::Submitted => {
            let answer = match inner.api.payment(&entry.payment_id).await {
                // Never received: send it (same id, same body) so it completes exactly once.
                Err(e) if e.is(BackendCode::PaymentNotFound) => inner.api.pay(&entry.request).await,
                other => other,
            };
            settle(inner, &entry.payment_id, answer)
        }
    }
}

/// Records a payment call's answer in the journal: final on a definite answer, unchanged otherwise.
fn settle(inner: &Inner, payment_id: &str, answer: Result<Payment, ApiError>) -> Result<JournalState, FlowError> {
    let now = inner.clock.now_ms();
    let (state, failure) = match &answer {
        Ok(p) if p.status == PaymentOutcome::Settled => (JournalState::Settled, None),
        Ok(p) => {
            let f = p
                .failure
                .as_ref()
                .map_or(("failed", "the backend failed the payment"), |f| (f.code.as_str(), f.message.as_str()));
            (JournalState::Failed, Some(f))
        }
        Err(e) if e.kind == ApiErrorKind::Rejected => (JournalState::Failed, Some((e.code, e.message.as_str()))),
        Err(_) => return Ok(JournalState::Submitted),
    };
    inner.journal.update(payment_id, state, failure, now)?;
    Ok(state)
}

/// One payment being made.
pub struct PaymentSession {
    wallet: Arc<Inner>,
    code: PaymentCode,
    merchant_name: Option<String>,
    credit: Option<Money>,
    state: SessionState,
    quote: Option<Quote>,
    payment_id: Option<String>,
    result: Option<PaymentResult>,
}

impl fmt::Debug for PaymentSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaymentSession").field("state", &self.state).field("payment_id", &self.payment_id).finish()
    }
}

impl PaymentSession {
    /// Current state.
    pub fn state(&self) -> SessionState {
        self.state
    }

    /// The code being paid.
    pub fn code(&self) -> &PaymentCode {
        &self.code
    }

    /// The merchant name to show.
    pub fn merchant_name(&self) -> Option<&str> {
        self.merchant_name.as_deref()
    }

    /// What the merchant receives, once known.
    pub fn amount(&self) -> Option<Money> {
        self.credit
    }

    /// The firm quote held.
    pub fn quote(&self) -> Option<&Quote> {
        self.quote.as_ref()
    }

    /// The payment id, once confirmed.
    pub fn payment_id(&self) -> Option<&str> {
        self.payment_id.as_deref()
    }

    /// The outcome, once submitted.
    pub fn result(&self) -> Option<&PaymentResult> {
        self.result.as_ref()
    }

    /// True when the payer must enter the amount (a static code without one).
    pub fn needs_amount(&self) -> bool {
        self.credit.is_none()
    }

    /// Enters the amount of a static code, in the code's currency.
    pub fn enter_amount(&mut self, value: Decimal) -> Result<(), FlowError> {
        if !matches!(
            self.state,
            SessionState::Scanned | SessionState::AmountEntered | SessionState::Quoted | SessionState::Expired
        ) {
            return Err(FlowError::state(format!("cannot change the amount once {}", self.state.as_str())));
        }
        if self.code.amount.is_some() || self.code.needs_resolution() {
            return Err(FlowError::state("this code fixes its amount"));
        }
        let currency =
            self.code.currency.ok_or_else(|| FlowError::new("invalid_amount", "the code has no currency"))?;
        let money = Money::new(value, currency)?;
        if money.is_zero() {
            return Err(FlowError::new("invalid_amount", "the amount must be greater than zero"));
        }
        if self.code.scheme == Scheme::Khqr && currency == Currency::KHR && !value.fract().is_zero() {
            return Err(FlowError::new("invalid_amount", "KHQR riel amounts are whole"));
        }
        self.credit = Some(money);
        self.quote = None;
        self.state = SessionState::AmountEntered;
        Ok(())
    }

    /// Asks the backend for a firm quote; the summary is what the confirm screen shows.
    pub async fn request_quote(&mut self) -> Result<PaymentSummary, FlowError> {
        if !matches!(
            self.state,
            SessionState::Scanned | SessionState::AmountEntered | SessionState::Quoted | SessionState::Expired
        ) {
            return Err(FlowError::state(format!("cannot quote once {}", self.state.as_str())));
        }
        let credit = self.credit.ok_or_else(|| FlowError::new("amount_required", "enter the amount first"))?;
        let home = self.wallet.options.home;
        let quote = self.wallet.api.quote(&credit, home, Some(self.code.scheme.as_str())).await?;
        if quote.credit != credit || quote.home() != home {
            return Err(FlowError::new(
                "invalid_quote",
                format!("asked to pay {credit} from {home}, quoted {} for {}", quote.debit, quote.credit),
            ));
        }
        self.quote = Some(quote);
        self.state = SessionState::Quoted;
        self.summary()
    }

    /// Every line of the confirm screen: firm once quoted, indicative from cached rates before.
    pub fn summary(&self) -> Result<PaymentSummary, FlowError> {
        let credit = self.credit.ok_or_else(|| FlowError::new("amount_required", "enter the amount first"))?;
        let o = &self.wallet.options;
        let rates = self.wallet.rates.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let indicative;
        let pricing = match (&self.quote, rates) {
            (Some(q), _) => Pricing::Firm(q),
            (None, Some(table)) if credit.currency() != o.home => {
                indicative = table.indicative(credit, o.home, self.wallet.clock.now_ms())?;
                Pricing::Indicative(&indicative)
            }
            _ => Pricing::Domestic,
        };
        Ok(PaymentSummary::new(
            self.merchant_name.as_deref(),
            &credit,
            pricing,
            o.locale,
            o.khmer_digits,
            self.wallet.clock.now_ms(),
        )?)
    }

    /// The payer approves: the payment is journalled (not yet sent). Refused once the quote expired.
    pub fn confirm(&mut self) -> Result<(), FlowError> {
        if self.state != SessionState::Quoted {
            return Err(FlowError::state(format!("confirm needs a quote; the session is {}", self.state.as_str())));
        }
        let quote = self.quote.as_ref().ok_or_else(|| FlowError::state("no quote"))?;
        let now = self.wallet.clock.now_ms();
        if let Err(e) = quote.ensure_usable(now) {
            self.state = SessionState::Expired;
            return Err(e.into());
        }
        let request = PaymentRequest {
            payment_id: random_id()?,
            quote_id: quote.id.clone(),
            payload: self.code.payload.clone(),
            debit: Amount::from(&quote.debit),
            credit: Amount::from(&quote.credit),
        };
        self.wallet.journal.record(&request, self.merchant_name.as_deref(), now)?;
        self.payment_id = Some(request.payment_id);
        self.state = SessionState::Confirmed;
        Ok(())
    }

    /// Sends the confirmed payment. A definite answer settles or fails it; no answer leaves it
    /// `Submitted` (pending) for [`PaymentSession::refresh`] or [`Wallet::recover`].
    pub async fn submit(&mut self) -> Result<PaymentResult, FlowError> {
        if self.state != SessionState::Confirmed {
            return Err(FlowError::state(format!(
                "submit needs a confirmed payment; the session is {}",
                self.state.as_str()
            )));
        }
        let id = self.payment_id.clone().ok_or_else(|| FlowError::state("no payment id"))?;
        let entry =
            self.wallet.journal.get(&id)?.ok_or_else(|| FlowError::state("the payment is not in the journal"))?;
        self.wallet.journal.update(&id, JournalState::Submitted, None, self.wallet.clock.now_ms())?;
        let answer = self.wallet.api.pay(&entry.request).await;
        let pending = answer.as_ref().err().filter(|e| !e.definitely_failed()).map(|e| e.message.clone());
        if let Err(e) = &answer
            && e.kind == ApiErrorKind::NotSent
        {
            self.wallet.journal.update(&id, JournalState::Confirmed, None, self.wallet.clock.now_ms())?;
            return Err(e.clone().into());
        }
        let expired = answer.as_ref().err().is_some_and(|e| e.is(BackendCode::QuoteExpired));
        let state = settle(&self.wallet, &id, answer)?;
        Ok(self.finish(&id, state, expired, pending))
    }

    /// Confirms and submits.
    pub async fn pay(&mut self) -> Result<PaymentResult, FlowError> {
        self.confirm()?;
        self.submit().await
    }

    /// Asks the backend again about a pending payment (re-sending it if the backend never got it).
    pub async fn refresh(&mut self) -> Result<PaymentResult, FlowError> {
        let id = self.payment_id.clone().ok_or_else(|| FlowError::state("nothing was submitted"))?;
        let entry =
            self.wallet.journal.get(&id)?.ok_or_else(|| FlowError::state("the payment is not in the journal"))?;
        let state = reconcile(&self.wallet, &entry).await?;
        let pending = (state == JournalState::Submitted).then(|| "the backend has not answered yet".to_owned());
        Ok(self.finish(&id, state, false, pending))
    }

    fn finish(&mut self, id: &str, state: JournalState, expired: bool, pending: Option<String>) -> PaymentResult {
        let entry = self.wallet.journal.get(id).ok().flatten();
        let failure = match (state, &entry, pending) {
            (JournalState::Failed, Some(e), _) => {
                Some((e.failure_code.clone().unwrap_or_default(), e.failure_message.clone().unwrap_or_default()))
            }
            (JournalState::Submitted, _, Some(why)) => Some(("outcome_unknown".to_owned(), why)),
            _ => None,
        };
        self.state = if expired { SessionState::Expired } else { state.into() };
        let result = PaymentResult { payment_id: id.to_owned(), state: state.into(), failure };
        self.result = Some(result.clone());
        result
    }
}

/// 16 random bytes as 32 lowercase hex digits.
fn random_id() -> Result<String, FlowError> {
    let mut bytes = [0u8; 16];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
        .map_err(|_| FlowError::new("signing_failed", "no random source"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
