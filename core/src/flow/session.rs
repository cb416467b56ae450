//! One payment being made, as the screen drives it. Before the payer confirms, the session's state is
//! its own ([`super::state`]); from then on it is the journal's.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::FlowError;
use super::journal::{JournalEntry, JournalState, NewPayment, Note};
use super::reconcile::{self, Word};
use super::state::{SessionState, Step};
use super::wallet::{Inner, LiveGuard};
use crate::api::wire::{Amount, QuoteRequest};
use crate::error::ErrorCode;
use crate::money::{Currency, Decimal, Money, PaymentSummary, Pricing, Quote};
use crate::schemes::{PaymentCode, Scheme, Tip};

/// What became of a payment, exactly as the journal has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentResult {
    /// The payment id.
    pub payment_id: String,
    /// `Settled`, `Failed`, or `Submitted`/`Cancelling`/`Confirmed` while the outcome is not final.
    pub state: SessionState,
    /// Why it failed (when `Failed`), or why it is still pending.
    pub note: Option<Note>,
    /// True when the pending payment cannot progress without a human (the note says why).
    pub needs_attention: bool,
}

impl PaymentResult {
    fn from_entry(entry: &JournalEntry, reason: Option<Note>) -> PaymentResult {
        let (note, needs_attention) = match (&entry.failure, &entry.attention) {
            (Some(f), _) if entry.state == JournalState::Failed => (Some(f.clone()), false),
            (_, Some(a)) if !entry.state.is_final() => (Some(a.clone()), true),
            _ if entry.state.is_final() => (None, false),
            _ => (reason, false),
        };
        PaymentResult { payment_id: entry.payment.payment_id.clone(), state: entry.state.into(), note, needs_attention }
    }
}

/// One payment being made.
pub struct PaymentSession {
    wallet: Arc<Inner>,
    code: PaymentCode,
    merchant_name: Option<String>,
    order_id: Option<String>,
    /// The code's amount, the order's, or the one the payer entered.
    base: Option<Money>,
    tip: Option<Money>,
    /// The session's own state, until a payment is journalled.
    state: SessionState,
    quote: Option<Quote>,
    /// The journalled payment this session drives, and its claim on it.
    payment: Option<(String, LiveGuard)>,
    result: Option<PaymentResult>,
}

impl fmt::Debug for PaymentSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaymentSession").field("state", &self.state()).field("payment_id", &self.payment_id()).finish()
    }
}

impl PaymentSession {
    pub(crate) fn new(
        wallet: Arc<Inner>,
        code: PaymentCode,
        merchant_name: Option<String>,
        order_id: Option<String>,
        base: Option<Money>,
    ) -> PaymentSession {
        PaymentSession {
            wallet,
            code,
            merchant_name,
            order_id,
            base,
            tip: None,
            state: SessionState::Scanned,
            quote: None,
            payment: None,
            result: None,
        }
    }

    /// Current state: the journal's once the payment is journalled.
    pub fn state(&self) -> SessionState {
        match &self.payment {
            Some((id, _)) => match self.wallet.journal.get(id) {
                Ok(Some(e)) => e.state.into(),
                _ => self.state,
            },
            None => self.state,
        }
    }

    /// The code being paid.
    pub fn code(&self) -> &PaymentCode {
        &self.code
    }

    /// The merchant name to show.
    pub fn merchant_name(&self) -> Option<&str> {
        self.merchant_name.as_deref()
    }

    /// What the merchant receives, once known: the amount plus the code's convenience fee and any tip.
    pub fn amount(&self) -> Option<Money> {
        self.credit().ok().flatten().map(|c| c.total)
    }

    /// The firm quote held.
    pub fn quote(&self) -> Option<&Quote> {
        self.quote.as_ref()
    }

    /// The id of the payment this session journalled.
    pub fn payment_id(&self) -> Option<&str> {
        self.payment.as_ref().map(|(id, _)| id.as_str())
    }

    /// The last outcome reported.
    pub fn result(&self) -> Option<&PaymentResult> {
        self.result.as_ref()
    }

    /// True when the payer must enter the amount (a static code without one).
    pub fn needs_amount(&self) -> bool {
        self.base.is_none()
    }

    /// True when the code asks the payer for a tip (55 = 01).
    pub fn asks_for_tip(&self) -> bool {
        matches!(self.code.tip, Some(Tip::Prompt))
    }

    fn step(&mut self, step: Step) -> Result<(), FlowError> {
        let now = self.state();
        self.state =
            now.after(step).ok_or_else(|| FlowError::state(format!("cannot {step:?} once {}", now.as_str())))?;
        Ok(())
    }

    fn check_step(&self, step: Step) -> Result<(), FlowError> {
        let now = self.state();
        now.after(step).map(drop).ok_or_else(|| FlowError::state(format!("cannot {step:?} once {}", now.as_str())))
    }

    /// The code's currency, for amounts the payer enters.
    fn entry_currency(&self) -> Result<Currency, FlowError> {
        self.code.currency.ok_or_else(|| FlowError::new(ErrorCode::InvalidAmount, "the code has no currency"))
    }

    /// Enters the amount of a static code, in the code's currency.
    pub fn enter_amount(&mut self, value: Decimal) -> Result<(), FlowError> {
        self.check_step(Step::EnterAmount)?;
        if self.code.amount.is_some() || self.code.needs_resolution() {
            return Err(FlowError::state("this code fixes its amount"));
        }
        let currency = self.entry_currency()?;
        let money = Money::new(value, currency)?;
        if money.is_zero() {
            return Err(FlowError::new(ErrorCode::InvalidAmount, "the amount must be greater than zero"));
        }
        if self.code.scheme == Scheme::Khqr && currency == Currency::KHR && !value.fract().is_zero() {
            return Err(FlowError::new(ErrorCode::InvalidAmount, "KHQR riel amounts are whole"));
        }
        self.base = Some(money);
        self.quote = None;
        self.step(Step::EnterAmount)
    }

    /// Enters the tip for a code that asks for one (zero for none).
    pub fn enter_tip(&mut self, value: Decimal) -> Result<(), FlowError> {
        self.check_step(Step::EnterAmount)?;
        if !self.asks_for_tip() {
            return Err(FlowError::new(ErrorCode::InvalidAmount, "this code does not ask for a tip"));
        }
        self.tip = Some(Money::new(value, self.entry_currency()?)?);
        self.quote = None;
        self.step(Step::EnterAmount)
    }

    fn credit(&self) -> Result<Option<crate::schemes::Credit>, FlowError> {
        match self.base {
            Some(base) => Ok(Some(self.code.credit(base, self.tip)?)),
            None => Ok(None),
        }
    }

    fn require_credit(&self) -> Result<crate::schemes::Credit, FlowError> {
        self.credit()?.ok_or_else(|| FlowError::new(ErrorCode::AmountRequired, "enter the amount first"))
    }

    /// Asks the backend for a firm quote, bound to this code; the summary is what the confirm screen shows.
    pub async fn request_quote(&mut self) -> Result<PaymentSummary, FlowError> {
        self.check_step(Step::Quote)?;
        let credit = self.require_credit()?.total;
        let request = QuoteRequest {
            credit: Amount::from(&credit),
            home_currency: self.wallet.options.home.code().to_owned(),
            scheme: Some(self.code.scheme.as_str().to_owned()),
            payload: self.code.payload.clone(),
            order_id: self.order_id.clone(),
            tip: self.tip.as_ref().filter(|t| !t.is_zero()).map(Amount::from),
        };
        let quote = self.wallet.api.quote(&request).await?;
        self.quote = Some(quote);
        self.step(Step::Quote)?;
        self.summary()
    }

    /// Every line of the confirm screen: firm once quoted (the quote's own figures, and "expired" once it
    /// is), an estimate from cached rates before — refused when they are older than the wallet allows
    /// (`rates_stale`). The code's convenience fee and the tip are lines of their own; a code that asks
    /// for a tip always shows the tip line.
    pub fn summary(&self) -> Result<PaymentSummary, FlowError> {
        let credit = self.require_credit()?;
        let o = &self.wallet.options;
        let now = self.wallet.clock.now_ms();
        let rates = self.wallet.rates.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let indicative;
        let pricing = match (&self.quote, rates) {
            (Some(q), _) => Pricing::Firm(q),
            (None, Some(table)) if credit.total.currency() != o.home => {
                indicative = table.indicative(credit.total, o.home, now, o.max_rate_age_ms)?;
                Pricing::Indicative(&indicative)
            }
            _ => Pricing::Domestic,
        };
        Ok(PaymentSummary::new(self.merchant_name.as_deref(), &credit, pricing, o.locale, o.khmer_digits, now)?)
    }

    /// The payer approves: the authoriser (which may ask the user, once) signs what is approved, and the
    /// payment is journalled with that signature (not yet sent). Refused once the quote expired; an
    /// authoriser that declines leaves nothing journalled (`signer_cancelled`…).
    pub async fn confirm(&mut self) -> Result<(), FlowError> {
        self.check_step(Step::Confirm)?;
        let confirmed = self.state.after(Step::Confirm).unwrap_or(SessionState::Confirmed);
        let quote = self.quote.as_ref().ok_or_else(|| FlowError::state("no quote"))?;
        if let Err(e) = quote.ensure_usable(self.wallet.clock.now_ms()) {
            self.step(Step::QuoteRanOut)?;
            return Err(e.into());
        }
        let payment_id = crate::entropy::random_id(self.wallet.entropy.as_ref())
            .ok_or_else(|| FlowError::new(ErrorCode::Internal, "no random source for a payment id"))?;
        let mut payment = NewPayment {
            payment_id: payment_id.clone(),
            device_id: self.wallet.api.device_id().to_owned(),
            quote_id: quote.id.clone(),
            payload: self.code.payload.clone(),
            order_id: self.order_id.clone(),
            debit: quote.debit,
            credit: quote.credit,
            merchant: self.merchant_name.clone(),
            authorization: None,
        };
        if let Some(authorizer) = &self.wallet.authorizer {
            let request = crate::api::wire::PaymentRequest::from(&payment);
            let digest = crate::api::wire::payload_digest(&payment.payload);
            let approval = request.approval(&payment.device_id, &digest).string();
            let der = authorizer.sign(&approval).await?;
            payment.authorization = Some(crate::sign::message::signature_value(&der)?);
        }
        // The payer may have taken a while over the prompt.
        let now = self.wallet.clock.now_ms();
        if let Err(e) = quote.ensure_usable(now) {
            self.step(Step::QuoteRanOut)?;
            return Err(e.into());
        }
        self.wallet.journal.record(&payment, now)?;
        let guard = LiveGuard::new(&self.wallet, &payment_id);
        self.payment = Some((payment_id, guard));
        // From here on the state is the journal's; this is what the session had before.
        self.state = confirmed;
        Ok(())
    }

    /// The journalled payment, as the journal has it now.
    fn entry(&self) -> Result<JournalEntry, FlowError> {
        let (id, _) = self.payment.as_ref().ok_or_else(|| FlowError::state("nothing was confirmed"))?;
        self.wallet.journal.get(id)?.ok_or_else(|| FlowError::state("the payment is not in the journal"))
    }

    /// Sends the confirmed payment. The journal is moved to submitted (compare-and-set) once the first
    /// attempt is signed and before it leaves; if that move fails — recovery cancelled the payment
    /// meanwhile — nothing is sent (`journal_conflict`). A signer that cannot sign the first attempt
    /// leaves it confirmed (`signing_failed`, nothing sent). After that, only the backend's answer
    /// finalises it; without one it stays `Submitted` for [`PaymentSession::refresh`] or recovery.
    pub async fn submit(&mut self) -> Result<PaymentResult, FlowError> {
        let entry = self.entry()?;
        if entry.state != JournalState::Confirmed {
            return Err(FlowError::state(format!(
                "submit needs a confirmed payment; this one is {}",
                entry.state.as_str()
            )));
        }
        let wallet = self.wallet.clone();
        let id = entry.payment_id().to_owned();
        let gated = AtomicBool::new(false);
        let gate = || {
            let now = wallet.clock.now_ms();
            match wallet.journal.transition(&id, JournalState::Confirmed, JournalState::Submitted, None, now) {
                Ok(_) => {
                    gated.store(true, Ordering::SeqCst);
                    Ok(())
                }
                Err(e) => Err((e.code, e.message)),
            }
        };
        let answer = wallet.api.pay(&reconcile::request(&entry.payment), gate).await;
        if !gated.load(Ordering::SeqCst) {
            // Nothing was sent; the journal did not move (or someone else moved it).
            return Err(answer
                .err()
                .map_or_else(|| FlowError::new(ErrorCode::Internal, "answered without sending"), Into::into));
        }
        let submitted = wallet.journal.get(&id)?.unwrap_or(entry);
        let word = reconcile::of_post(&answer);
        let expired = matches!(&word, Word::Failed(n) if n.code == ErrorCode::QuoteExpired.as_str());
        let (now, reason) = reconcile::record(&wallet, &submitted, word)?;
        Ok(self.finish(&now, reason, expired))
    }

    /// Pays: confirms if needed and submits; on a payment already under way, asks again about it and
    /// returns what the journal says. Calling it twice never pays twice.
    pub async fn pay(&mut self) -> Result<PaymentResult, FlowError> {
        if self.payment.is_none() {
            self.confirm().await?;
        }
        match self.entry()?.state {
            JournalState::Confirmed => self.submit().await,
            _ => self.refresh().await,
        }
    }

    /// Asks the backend again about a pending payment (re-sending it, same id and body, if the backend
    /// never got it); on a final one, returns it as journalled.
    pub async fn refresh(&mut self) -> Result<PaymentResult, FlowError> {
        let entry = self.entry()?;
        let (now, reason) = match entry.state {
            JournalState::Confirmed => return self.submit().await,
            _ => reconcile::reconcile(&self.wallet, &entry).await?,
        };
        Ok(self.finish(&now, reason, false))
    }

    fn finish(&mut self, entry: &JournalEntry, reason: Option<Note>, expired: bool) -> PaymentResult {
        let result = PaymentResult::from_entry(entry, reason);
        if expired && entry.state == JournalState::Failed {
            // That payment is over; the session may quote again and pay under a new id.
            self.payment = None;
            self.quote = None;
            self.state = SessionState::Failed.after(Step::QuoteRanOut).unwrap_or(SessionState::Expired);
        } else if entry.state.is_final() {
            self.state = entry.state.into();
        }
        self.result = Some(result.clone());
        result
    }
}
