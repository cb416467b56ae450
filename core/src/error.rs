//! Errors with stable snake_case codes. Every area of the core has its own error type; each
//! carries a [`ErrorCode::code`] that never changes meaning and a human-readable message.

use std::fmt;

/// Anything that has a stable, machine-readable error code.
pub trait ErrorCode {
    /// The stable snake_case code, e.g. `crc_mismatch`.
    fn code(&self) -> &'static str;
}

/// Why a payment code could not be read or generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeErrorKind {
    /// The text is not well-formed: TLV framing, lengths, ordering, duplicates, size.
    Malformed,
    /// The CRC in tag 63 does not match the payload.
    CrcMismatch,
    /// A field the scheme requires is absent.
    MissingField,
    /// A field is present but its value breaks the rules for it.
    InvalidField,
    /// The code carries an expiry that has passed.
    Expired,
    /// A consumer-presented code (somebody's payment token), not a merchant code.
    ConsumerPresentedCode,
    /// Not a payment code this library knows.
    UnsupportedCode,
}

impl CodeErrorKind {
    /// The stable code string.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Malformed => "malformed",
            Self::CrcMismatch => "crc_mismatch",
            Self::MissingField => "missing_field",
            Self::InvalidField => "invalid_field",
            Self::Expired => "expired",
            Self::ConsumerPresentedCode => "consumer_presented_code",
            Self::UnsupportedCode => "unsupported_code",
        }
    }
}

/// An error reading or generating a payment code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeError {
    /// What went wrong, as a stable code.
    pub kind: CodeErrorKind,
    /// What went wrong, for a human.
    pub message: String,
}

impl CodeError {
    /// An error of `kind` with `message`.
    pub fn new(kind: CodeErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }
    pub(crate) fn malformed(message: impl Into<String>) -> Self {
        Self::new(CodeErrorKind::Malformed, message)
    }
    pub(crate) fn missing(message: impl Into<String>) -> Self {
        Self::new(CodeErrorKind::MissingField, message)
    }
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(CodeErrorKind::InvalidField, message)
    }
    pub(crate) fn unsupported(message: impl Into<String>) -> Self {
        Self::new(CodeErrorKind::UnsupportedCode, message)
    }
}

impl fmt::Display for CodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CodeError {}

impl ErrorCode for CodeError {
    fn code(&self) -> &'static str {
        self.kind.as_str()
    }
}

/// Something a parser tolerated and wants the caller to know about: a field a scheme legitimately
/// omits, a length over the EMVCo limit, a sub-tag it did not understand.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Warning {
    /// Stable snake_case code, e.g. `merchant_city_missing`.
    pub code: &'static str,
    /// What was tolerated, for a human.
    pub message: String,
}

impl Warning {
    /// A warning with `code` and `message`.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}
