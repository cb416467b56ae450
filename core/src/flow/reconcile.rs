//! What the backend's answer about a payment means, and recording it: the one place that decides
//! whether a payment is final.
//!
//! Final: a payment the backend returns (settled, failed, cancelled) and the POST's payment-level
//! refusals (quote expired, not found or used, amounts or code that do not match, an unsupported code,
//! an unreadable request). Not final: authentication refusals, idempotency conflicts, 5xx, silence,
//! and anything said to a wallet whose device key is not the one that made the payment.

use super::FlowError;
use super::journal::{JournalEntry, JournalState, NewPayment, Note};
use super::wallet::Inner;
use crate::api::ApiError;
use crate::api::wire::{Amount, BackendCode, Payment, PaymentOutcome, PaymentRequest};
use crate::error::{ErrorCode, ErrorKind};

/// The backend's word about one payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Word {
    /// Paid.
    Settled,
    /// Definitely not paid.
    Failed(Note),
    /// The backend never received it.
    NeverReceived,
    /// Nothing final: why, and whether it needs a human.
    Pending { reason: Note, attention: Option<Note> },
}

/// The wire request for a journalled payment: the same bytes every time.
impl From<&NewPayment> for PaymentRequest {
    fn from(p: &NewPayment) -> PaymentRequest {
        PaymentRequest {
            payment_id: p.payment_id.clone(),
            quote_id: p.quote_id.clone(),
            payload: p.payload.clone(),
            order_id: p.order_id.clone(),
            debit: Amount::from(&p.debit),
            credit: Amount::from(&p.credit),
            authorization: p.authorization.clone(),
        }
    }
}

pub(crate) fn request(p: &NewPayment) -> PaymentRequest {
    p.into()
}

fn of_payment(p: &Payment) -> Word {
    match p.status {
        PaymentOutcome::Settled => Word::Settled,
        PaymentOutcome::Failed => {
            Word::Failed(p.failure.as_ref().map_or_else(
                || Note::new("failed", "the backend failed the payment"),
                |f| Note::new(&f.code, &f.message),
            ))
        }
        PaymentOutcome::Cancelled => Word::Failed(Note::new(
            ErrorCode::Abandoned.as_str(),
            "confirmed but never sent, and cancelled with the backend: no money moved",
        )),
    }
}

/// Refusals of a payment POST that are the backend's final word about the payment.
fn is_final_refusal(code: BackendCode) -> bool {
    matches!(
        code,
        BackendCode::QuoteNotFound
            | BackendCode::QuoteExpired
            | BackendCode::QuoteAlreadyUsed
            | BackendCode::AmountMismatch
            | BackendCode::CodeMismatch
            | BackendCode::UnsupportedCode
            | BackendCode::InvalidRequest
    )
}

/// A failure that says nothing final: why, and the note a human needs where it cannot pass by itself.
fn pending(e: &ApiError) -> Word {
    let attention = match e.backend_code() {
        Some(BackendCode::StaleRequest) => Some(ErrorCode::ClockSkew),
        Some(BackendCode::BadSignature | BackendCode::UnknownDevice) => Some(ErrorCode::DeviceKeyReplaced),
        Some(BackendCode::IdempotencyConflict) => Some(ErrorCode::IdempotencyConflict),
        _ if matches!(
            e.code,
            ErrorCode::SigningFailed
                | ErrorCode::TlsUntrusted
                | ErrorCode::TlsExpired
                | ErrorCode::TlsNameMismatch
                | ErrorCode::TlsPinMismatch
                | ErrorCode::TlsFailed
        ) =>
        {
            Some(e.code)
        }
        _ => None,
    };
    Word::Pending {
        reason: Note::new(e.code.as_str(), &e.message),
        attention: attention.map(|code| Note::new(code.as_str(), &e.message)),
    }
}

/// The answer to a payment POST (or its retries).
pub(crate) fn of_post(answer: &Result<Payment, ApiError>) -> Word {
    match answer {
        Ok(p) => of_payment(p),
        Err(e) if e.kind == ErrorKind::Rejected && e.backend_code().is_some_and(is_final_refusal) => {
            Word::Failed(Note::new(e.code.as_str(), &e.message))
        }
        Err(e) => pending(e),
    }
}

/// The answer to a status GET or a cancel.
fn of_status(answer: &Result<Payment, ApiError>) -> Word {
    match answer {
        Ok(p) => of_payment(p),
        Err(e) if e.kind == ErrorKind::Rejected && e.is(BackendCode::PaymentNotFound) => Word::NeverReceived,
        Err(e) => pending(e),
    }
}

/// Records `word` for the payment `entry` describes; returns the entry as the journal now has it and
/// why it is still pending, if it is.
pub(crate) fn record(
    inner: &Inner,
    entry: &JournalEntry,
    word: Word,
) -> Result<(JournalEntry, Option<Note>), FlowError> {
    let now = inner.clock.now_ms();
    let id = entry.payment_id();
    let (to, failure) = match word {
        Word::Settled => (JournalState::Settled, None),
        Word::Failed(note) => (JournalState::Failed, Some(note)),
        Word::NeverReceived => {
            let reason = Note::new(ErrorCode::PaymentNotFound.as_str(), "the backend has not received it");
            return Ok((entry.clone(), Some(reason)));
        }
        Word::Pending { reason, attention } => {
            let now_entry = match &attention {
                Some(a) => inner.journal.set_attention(id, Some(a), now)?,
                None => inner.journal.get(id)?.unwrap_or_else(|| entry.clone()),
            };
            return Ok((now_entry, Some(reason)));
        }
    };
    match inner.journal.transition(id, entry.state, to, failure.as_ref(), now) {
        Ok(e) => Ok((e, None)),
        // Someone recorded the backend's word first: the same word is no conflict.
        Err(e) if e.code == ErrorCode::JournalConflict => match inner.journal.get(id)? {
            Some(current) if current.state == to => Ok((current, None)),
            _ => Err(e.into()),
        },
        Err(e) => Err(e.into()),
    }
}

/// The journalled payment was made with another device key than this wallet's: only that key (or the
/// backend's operator) can settle it, and nothing is sent in its name.
fn foreign_device(inner: &Inner, entry: &JournalEntry) -> Result<Option<(JournalEntry, Option<Note>)>, FlowError> {
    let device = &entry.payment.device_id;
    if device.is_empty() || device == inner.api.device_id() {
        return Ok(None);
    }
    let note = Note::new(
        ErrorCode::DeviceKeyReplaced.as_str(),
        format!("made with device {device}; this wallet's key is {}", inner.api.device_id()),
    );
    Ok(Some((inner.journal.set_attention(entry.payment_id(), Some(&note), inner.clock.now_ms())?, Some(note))))
}

/// Sends a submitted payment again (same id, same body) and records the answer.
pub(crate) async fn resend(inner: &Inner, entry: &JournalEntry) -> Result<(JournalEntry, Option<Note>), FlowError> {
    if let Some(done) = foreign_device(inner, entry)? {
        return Ok(done);
    }
    let answer = inner.api.pay(&request(&entry.payment), || Ok(())).await;
    record(inner, entry, of_post(&answer))
}

/// Brings one journalled payment as far as the backend's word allows: asks about a submitted one
/// (re-sending it if the backend never got it), cancels one that was never sent.
pub(crate) async fn reconcile(inner: &Inner, entry: &JournalEntry) -> Result<(JournalEntry, Option<Note>), FlowError> {
    if entry.state.is_final() {
        return Ok((entry.clone(), None));
    }
    if let Some(done) = foreign_device(inner, entry)? {
        return Ok(done);
    }
    match entry.state {
        JournalState::Settled | JournalState::Failed => Ok((entry.clone(), None)),
        JournalState::Confirmed => {
            let cancelling = inner.journal.transition(
                entry.payment_id(),
                JournalState::Confirmed,
                JournalState::Cancelling,
                None,
                inner.clock.now_ms(),
            )?;
            cancel(inner, &cancelling).await
        }
        JournalState::Cancelling => cancel(inner, entry).await,
        JournalState::Submitted => {
            let answer = inner.api.status(&request(&entry.payment)).await;
            match of_status(&answer) {
                Word::NeverReceived => resend(inner, entry).await,
                word => record(inner, entry, word),
            }
        }
    }
}

async fn cancel(inner: &Inner, entry: &JournalEntry) -> Result<(JournalEntry, Option<Note>), FlowError> {
    let answer = inner.api.cancel(&request(&entry.payment)).await;
    match of_status(&answer) {
        // A cancel is answered with the payment; "not found" would be a broken backend: keep asking.
        Word::NeverReceived => {
            let reason = Note::new(ErrorCode::OutcomeUnknown.as_str(), "the backend did not record the cancel");
            Ok((entry.clone(), Some(reason)))
        }
        word => record(inner, entry, word),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(code: BackendCode, kind: ErrorKind) -> Result<Payment, ApiError> {
        Err(ApiError { kind, code: code.code(), message: "m".into() })
    }

    #[test]
    fn only_payment_level_refusals_are_final() {
        for code in BackendCode::ALL {
            let word = of_post(&refusal(code, ErrorKind::Rejected));
            assert_eq!(matches!(word, Word::Failed(_)), is_final_refusal(code), "{code:?}");
        }
        for code in [
            BackendCode::BadSignature,
            BackendCode::StaleRequest,
            BackendCode::UnknownDevice,
            BackendCode::IdempotencyConflict,
        ] {
            let Word::Pending { attention, .. } = of_post(&refusal(code, ErrorKind::Rejected)) else {
                panic!("{code:?}")
            };
            assert!(attention.is_some(), "{code:?} needs a human");
        }
        // A refusal after an earlier attempt may have been delivered says nothing final.
        assert!(matches!(
            of_post(&refusal(BackendCode::StaleRequest, ErrorKind::OutcomeUnknown)),
            Word::Pending { .. }
        ));
        let unknown =
            Err(ApiError { kind: ErrorKind::OutcomeUnknown, code: ErrorCode::OutcomeUnknown, message: "m".into() });
        assert!(matches!(of_post(&unknown), Word::Pending { attention: None, .. }));
        assert_eq!(of_status(&refusal(BackendCode::PaymentNotFound, ErrorKind::Rejected)), Word::NeverReceived);
        assert!(matches!(of_status(&refusal(BackendCode::QuoteExpired, ErrorKind::Rejected)), Word::Pending { .. }));
    }
}
