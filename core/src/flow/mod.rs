//! The payment flow a wallet screen drives, and the journal that makes it safe on a phone.
//!
//! - [`state`]: the state machine as pure transition tables.
//! - [`Wallet`] (`wallet.rs`): one device, one home currency, one journal; starts sessions and
//!   recovers unfinished payments.
//! - [`PaymentSession`] (`session.rs`): one payment, from the scanned code to the backend's answer.
//! - `reconcile.rs`: what the backend's answer about a payment means, and recording it.
//! - [`journal`]: the durable, exclusively held, compare-and-set payment journal.
//!
//! The rules: a payment is journalled when the payer confirms and marked submitted (compare-and-set)
//! before it is sent; retries and recovery send the same id and body, so the backend pays it at most
//! once; only the backend's answer about the payment id finalises it — payment-level refusals and
//! the payment's status are final, authentication refusals, conflicts, 5xx and silence are not; a
//! payment that was never sent is abandoned only by cancelling it with the backend; no state moves
//! backwards. A payment that cannot progress on its own (the device key was replaced, the clock is
//! wrong) stays pending with an attention note.

pub mod journal;
mod reconcile;
mod session;
pub mod state;
mod wallet;

use std::fmt;

pub use journal::{Journal, JournalEntry, JournalError, NewPayment, Note, Transition};
pub use session::{PaymentResult, PaymentSession};
pub use state::{JournalState, SessionState, Step};
pub use wallet::{DEFAULT_MAX_RATE_AGE_MS, Wallet, WalletBuilder, WalletOptions};

use crate::api::ApiError;
use crate::error::{CodeError, Coded, ErrorCode, ErrorKind};
use crate::money::MoneyError;
use crate::sign::SignError;

/// Why a step of the flow failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowError {
    /// Stable code: the underlying error's (`quote_expired`, `crc_mismatch`, `outcome_unknown`…), or
    /// `invalid_state`, `amount_required`, `invalid_amount`, `invalid_quote`, a journal code.
    pub code: ErrorCode,
    /// What the caller can conclude (the code's default kind unless the backend call says more).
    pub kind: ErrorKind,
    /// For a human.
    pub message: String,
}

impl FlowError {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        FlowError { code, kind: code.kind(), message: message.into() }
    }
    pub(crate) fn state(message: impl Into<String>) -> Self {
        FlowError::new(ErrorCode::InvalidState, message)
    }
}

impl fmt::Display for FlowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FlowError {}

impl Coded for FlowError {
    fn code(&self) -> ErrorCode {
        self.code
    }
    fn kind(&self) -> ErrorKind {
        self.kind
    }
}

macro_rules! from_coded {
    ($($t:ty),*) => {$(
        impl From<$t> for FlowError {
            fn from(e: $t) -> Self {
                FlowError { code: e.code(), kind: e.kind(), message: e.to_string() }
            }
        }
    )*};
}
from_coded!(CodeError, MoneyError, ApiError, SignError, JournalError);
