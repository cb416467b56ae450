//! The wallet: one device key, one backend, one home currency, one journal.

use std::collections::HashSet;
use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::journal::{Journal, JournalEntry, Transition};
use super::session::PaymentSession;
use super::{FlowError, reconcile};
use crate::api::{ApiClient, ApiConfig, Transport};
use crate::clock::{Clock, SystemClock};
use crate::entropy::{Entropy, SystemEntropy};
use crate::money::{Currency, DisplayLocale, RateTable};
use crate::schemes::PaymentCode;
use crate::sign::Signer;

/// How the wallet presents itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletOptions {
    /// The payer's account currency.
    pub home: Currency,
    /// Display locale (a whole BCP 47 tag).
    pub locale: DisplayLocale,
    /// Khmer digits.
    pub khmer_digits: bool,
    /// The oldest cached rates an estimate may use, milliseconds (`rates_stale` beyond).
    pub max_rate_age_ms: i64,
}

/// The default [`WalletOptions::max_rate_age_ms`]: one hour.
pub const DEFAULT_MAX_RATE_AGE_MS: i64 = 3_600_000;

impl WalletOptions {
    /// Options for a wallet in `home`: English, Latin digits, estimates from rates at most an hour old.
    pub fn new(home: Currency) -> WalletOptions {
        WalletOptions { home, locale: DisplayLocale::EN, khmer_digits: false, max_rate_age_ms: DEFAULT_MAX_RATE_AGE_MS }
    }
}

pub(crate) struct Inner {
    pub api: ApiClient,
    /// Signs what the payer approves, once per payment (may ask the user); none: no authorisation.
    pub authorizer: Option<Arc<dyn Signer>>,
    pub journal: Journal,
    pub clock: Arc<dyn Clock>,
    pub entropy: Arc<dyn Entropy>,
    pub options: WalletOptions,
    pub rates: Mutex<Option<RateTable>>,
    /// Payments a session of this wallet is driving: recovery leaves them to it.
    live: Mutex<HashSet<String>>,
}

impl Inner {
    pub(crate) fn is_live(&self, payment_id: &str) -> bool {
        self.live.lock().unwrap_or_else(|e| e.into_inner()).contains(payment_id)
    }
}

/// A session's claim on a journalled payment, released when the session lets go of it.
pub(crate) struct LiveGuard {
    inner: Arc<Inner>,
    payment_id: String,
}

impl LiveGuard {
    pub(crate) fn new(inner: &Arc<Inner>, payment_id: &str) -> LiveGuard {
        inner.live.lock().unwrap_or_else(|e| e.into_inner()).insert(payment_id.to_owned());
        LiveGuard { inner: inner.clone(), payment_id: payment_id.to_owned() }
    }
}

impl Drop for LiveGuard {
    fn drop(&mut self) {
        self.inner.live.lock().unwrap_or_else(|e| e.into_inner()).remove(&self.payment_id);
    }
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

/// Builds a [`Wallet`] with the inputs a simulation or test replaces: clock, entropy, transport.
pub struct WalletBuilder {
    api: ApiConfig,
    signer: Arc<dyn Signer>,
    options: WalletOptions,
    clock: Arc<dyn Clock>,
    entropy: Arc<dyn Entropy>,
    transport: Option<Arc<dyn Transport>>,
    authorizer: Option<Arc<dyn Signer>>,
}

impl WalletBuilder {
    /// A wallet talking to `api`, signing with `signer`; the system clock and random source, HTTP(S).
    pub fn new(api: ApiConfig, signer: Arc<dyn Signer>, options: WalletOptions) -> WalletBuilder {
        WalletBuilder {
            api,
            signer,
            options,
            clock: Arc::new(SystemClock),
            entropy: Arc::new(SystemEntropy),
            transport: None,
            authorizer: None,
        }
    }

    /// Reads time from `clock`.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Draws payment ids and retry jitter from `entropy`.
    pub fn entropy(mut self, entropy: Arc<dyn Entropy>) -> Self {
        self.entropy = entropy;
        self
    }

    /// Authorises each payment with `authorizer` once, when the payer confirms (a key that may ask the
    /// user: BiometricPrompt, Secure Enclave `.userPresence`); requests go on being signed by the
    /// request signer, which never asks. Its public key is registered with the device.
    pub fn authorizer(mut self, authorizer: Arc<dyn Signer>) -> Self {
        self.authorizer = Some(authorizer);
        self
    }

    /// Talks to the backend through `transport` instead of HTTP(S).
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// Opens the wallet with its journal at `journal_path` (held exclusively: a second wallet on the
    /// same file fails with `journal_locked`).
    pub fn open(self, journal_path: &Path) -> Result<Wallet, FlowError> {
        let journal = Journal::open(journal_path)?;
        self.with_journal(journal)
    }

    /// Opens the wallet with `journal`.
    pub fn with_journal(self, journal: Journal) -> Result<Wallet, FlowError> {
        let api = match self.transport {
            Some(t) => ApiClient::with_transport(self.api, self.signer, self.clock.clone(), t, self.entropy.clone())?,
            None => ApiClient::new(self.api, self.signer, self.clock.clone())?,
        };
        let inner = Inner {
            api,
            authorizer: self.authorizer,
            journal,
            clock: self.clock,
            entropy: self.entropy,
            options: self.options,
            rates: Mutex::new(None),
            live: Mutex::new(HashSet::new()),
        };
        Ok(Wallet { inner: Arc::new(inner) })
    }
}

impl Wallet {
    /// Opens the wallet with its journal at `journal_path`; see [`WalletBuilder`] for more inputs.
    pub fn open(
        api: ApiConfig,
        signer: Arc<dyn Signer>,
        clock: Arc<dyn Clock>,
        journal_path: &Path,
        options: WalletOptions,
    ) -> Result<Wallet, FlowError> {
        WalletBuilder::new(api, signer, options).clock(clock).open(journal_path)
    }

    /// The device id the backend knows this wallet by.
    pub fn device_id(&self) -> &str {
        self.inner.api.device_id()
    }

    /// The home currency.
    pub fn home(&self) -> Currency {
        self.inner.options.home
    }

    /// Registers the device's request key (and authorisation key) with the backend (idempotent).
    pub async fn register(&self) -> Result<(), FlowError> {
        let authorization_key = match &self.inner.authorizer {
            Some(a) => Some(crate::sign::PublicKey::from_spki(&a.public_key_spki()?)?),
            None => None,
        };
        self.inner.api.register_with(Some(std::env::consts::OS), authorization_key.as_ref()).await?;
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
        let code: PaymentCode = crate::parse_at(payload, self.inner.clock.now_ms())?;
        if code.needs_resolution() {
            let order = self.inner.api.resolve(payload).await?;
            let amount = order.amount.to_money()?;
            return Ok(PaymentSession::new(
                self.inner.clone(),
                code,
                Some(order.merchant_name),
                Some(order.order_id),
                Some(amount),
            ));
        }
        let name = display_name(&code, self.inner.options.locale);
        let amount = code.amount;
        Ok(PaymentSession::new(self.inner.clone(), code, name, None, amount))
    }

    /// Every journalled payment, newest first.
    pub fn history(&self) -> Result<Vec<JournalEntry>, FlowError> {
        Ok(self.inner.journal.all()?)
    }

    /// One journalled payment.
    pub fn payment(&self, payment_id: &str) -> Result<Option<JournalEntry>, FlowError> {
        Ok(self.inner.journal.get(payment_id)?)
    }

    /// Every state a journalled payment went through, in order.
    pub fn transitions(&self, payment_id: &str) -> Result<Vec<Transition>, FlowError> {
        Ok(self.inner.journal.transitions(payment_id)?)
    }

    /// Reconciles every unfinished payment no session of this wallet is driving, asking the backend
    /// (and cancelling with it what was never sent), up to `rounds` times with backoff while some
    /// remain pending. Returns the entries it touched, in their state afterwards.
    pub async fn recover(&self, rounds: u32) -> Result<Vec<JournalEntry>, FlowError> {
        let mut touched: Vec<String> = Vec::new();
        for round in 0..rounds.max(1) {
            let pending: Vec<_> =
                self.inner.journal.unfinished()?.into_iter().filter(|e| !self.inner.is_live(e.payment_id())).collect();
            if pending.is_empty() {
                break;
            }
            if round > 0 {
                tokio::time::sleep(Duration::from_millis(200 << round.min(5))).await;
            }
            for entry in pending {
                // A payment someone else moved meanwhile is left to them; the next round sees it.
                match reconcile::reconcile(&self.inner, &entry).await {
                    Ok(_) => {}
                    Err(e) if e.code == crate::error::ErrorCode::JournalConflict => {}
                    Err(e) => return Err(e),
                }
                if !touched.iter().any(|id| id == entry.payment_id()) {
                    touched.push(entry.payment.payment_id);
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
        (Some(alt), Some(lang)) if lang == locale.language() => Some(alt.clone()),
        _ => m.name.clone().or_else(|| m.name_alt.clone()),
    }
}
