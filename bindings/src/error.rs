//! The single FFI error: a stable snake_case code and a human reason. Kotlin throws
//! `CrossqrException.Failed` (`code`, `reason`; its `message` reads `code=…, reason=…`); Swift throws
//! `CrossqrError.Failed(code:reason:)` whose `description` and `localizedDescription` are the reason.

use std::fmt;

use crossqr_core::Coded;

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
#[uniffi::export(Display)]
pub enum CrossqrError {
    /// Every failure: the code (`crc_mismatch`, `quote_expired`, `outcome_unknown`, …) and the reason.
    Failed {
        /// Stable machine-readable code.
        code: String,
        /// For a human.
        reason: String,
    },
}

impl CrossqrError {
    /// An error with `code` and `reason`.
    pub fn new(code: &str, reason: impl Into<String>) -> Self {
        CrossqrError::Failed { code: code.to_owned(), reason: reason.into() }
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
                CrossqrError::new(e.code().as_str(), e.to_string())
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
    crossqr_core::flow::FlowError
);

/// A host callback (a Kotlin/Swift [`crate::Signer`]) that throws something other than `CrossqrError`
/// becomes an error, not a panic.
impl From<uniffi::UnexpectedUniFFICallbackError> for CrossqrError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        CrossqrError::new("host_callback_failed", format!("the host's callback threw {}", e.reason))
    }
}
