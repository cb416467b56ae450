//! Device keys and request/response signatures.
//!
//! Devices hold ECDSA P-256 keys (what Android Keystore and the Secure Enclave hold): [`DeviceKey`] keeps
//! one in software with ring, and any host key store can sign instead by implementing [`Signer`].
//! Requests and responses are signed over a canonical string modelled on the Alipay+ scheme (see
//! [`message`]); a response without a valid signature from the pinned backend key is refused.

pub mod authorization;
mod keys;
pub mod low_s;
pub mod message;

pub(crate) use keys::hex;
pub use keys::{DeviceKey, PublicKey, SignFuture, Signer, device_id};

use std::fmt;

use crate::error::{Coded, ErrorCode};

/// A signing or verification failure: `invalid_key`, `signing_failed`, `missing_signature`,
/// `malformed_signature` or `bad_signature`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignError {
    /// What went wrong.
    pub code: ErrorCode,
    /// For a human.
    pub message: String,
}

impl SignError {
    /// An error with `code` and `message` (host key stores use `signing_failed`).
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SignError {}

impl Coded for SignError {
    fn code(&self) -> ErrorCode {
        self.code
    }
}
