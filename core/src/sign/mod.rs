//! Device keys and request/response signatures.
//!
//! Devices hold ECDSA P-256 keys (what Android Keystore and the Secure Enclave hold): [`DeviceKey`] keeps
//! one in software with ring, and any host key store can sign instead by implementing [`Signer`].
//! Requests and responses are signed over a canonical string modelled on the Alipay+ scheme (see
//! [`message`]); a response without a valid signature from the pinned backend key is refused.

mod keys;
pub mod message;

pub use keys::{DeviceKey, PublicKey, Signer, device_id};

use std::fmt;

use crate::error::ErrorCode;

/// Why signing or verifying failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignErrorKind {
    /// A key that is not a valid P-256 key in the expected encoding.
    InvalidKey,
    /// The signer (a host key store) could not sign.
    SigningFailed,
    /// No signature where one is required.
    MissingSignature,
    /// A signature header that cannot be read.
    MalformedSignature,
    /// A signature that does not verify.
    BadSignature,
}

/// A signing or verification failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignError {
    /// What went wrong.
    pub kind: SignErrorKind,
    /// For a human.
    pub message: String,
}

impl SignError {
    pub(crate) fn new(kind: SignErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SignError {}

impl ErrorCode for SignError {
    fn code(&self) -> &'static str {
        match self.kind {
            SignErrorKind::InvalidKey => "invalid_key",
            SignErrorKind::SigningFailed => "signing_failed",
            SignErrorKind::MissingSignature => "missing_signature",
            SignErrorKind::MalformedSignature => "malformed_signature",
            SignErrorKind::BadSignature => "bad_signature",
        }
    }
}
