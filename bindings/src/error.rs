//! The single FFI error: what kind of failure it is (an exhaustive enum a Kotlin `when` or a Swift
//! `switch` can cover), the core's stable code, and a human reason. Kotlin throws
//! `CrossqrException.Failed(kind, code, reason)` whose `message` is the reason; Swift throws
//! `CrossqrError.Failed(kind:code:reason:)` whose `description` and `localizedDescription` are the reason.

use std::fmt;

use crossqr_core::{Coded, ErrorCode, ErrorKind};

/// What kind of failure an error is: what the caller can conclude and do.
#[uniffi::remote(Enum)]
pub enum ErrorKind {
    /// The input is not acceptable; nothing happened.
    InvalidInput,
    /// The code or the quote expired.
    Expired,
    /// The backend refused, definitely.
    Rejected,
    /// Nothing was sent.
    NotSent,
    /// It may or may not have happened; the payment stays pending and is reconciled.
    OutcomeUnknown,
    /// The key store could not sign (cancelled, locked, unavailable).
    Signer,
    /// Something else holds the resource.
    Busy,
    /// A fault inside crossqr or its storage.
    Internal,
}

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
#[uniffi::export(Display)]
pub enum CrossqrError {
    /// Every failure: its kind, the stable code (`crc_mismatch`, `quote_expired`, `outcome_unknown`, …)
    /// and the reason.
    Failed {
        /// What the caller can conclude.
        kind: ErrorKind,
        /// Stable machine-readable code, from the core's registry.
        code: String,
        /// For a human.
        reason: String,
    },
}

impl CrossqrError {
    /// An error with `code` (of its default kind) and `reason`.
    pub fn new(code: ErrorCode, reason: impl Into<String>) -> Self {
        CrossqrError::Failed { kind: code.kind(), code: code.as_str().to_owned(), reason: reason.into() }
    }

    /// The stable code.
    pub fn code(&self) -> &str {
        match self {
            CrossqrError::Failed { code, .. } => code,
        }
    }
}

impl fmt::Display for CrossqrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CrossqrError::Failed { reason, .. } => f.write_str(reason),
        }
    }
}

impl std::error::Error for CrossqrError {}

macro_rules! from_core {
    ($($t:ty),*) => {$(
        impl From<$t> for CrossqrError {
            fn from(e: $t) -> Self {
                CrossqrError::Failed { kind: e.kind(), code: e.code().as_str().to_owned(), reason: e.to_string() }
            }
        }
    )*};
}
from_core!(
    crossqr_core::CodeError,
    crossqr_core::money::MoneyError,
    crossqr_core::scan::ScanError,
    crossqr_core::sign::SignError,
    crossqr_core::api::ApiError,
    crossqr_core::api::tls::TlsConfigError,
    crossqr_core::flow::FlowError
);

/// A host callback (a Kotlin/Swift [`crate::Signer`]) that throws something other than `CrossqrError`
/// becomes an error, not a panic.
impl From<uniffi::UnexpectedUniFFICallbackError> for CrossqrError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        CrossqrError::new(ErrorCode::HostCallbackFailed, format!("the host's callback threw {}", e.reason))
    }
}
