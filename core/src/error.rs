//! The one registry of stable error codes, and what kind of failure each is.
//!
//! Every error crossqr reports — reading a code, scanning a frame, money, signing, the backend, the
//! payment flow, the journal, the CLI and the bindings — carries an [`ErrorCode`] from this enum. A
//! code never changes meaning; its snake_case string ([`ErrorCode::as_str`]) is what crosses the FFI,
//! the CLI's JSON and logs. Each code has a default [`ErrorKind`], the one fact a screen needs most
//! (is it the input, is it final, may it have happened); an error may carry a more specific kind than
//! its code's default where the context knows better (a payment refusal after an earlier attempt was
//! sent is `OutcomeUnknown`, whatever its code).

use std::fmt;

/// What kind of failure an error is: what the caller can conclude and do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The input is not acceptable (a code, an amount, a frame, a locale, an argument, a call made in
    /// the wrong state); fix the input, nothing happened.
    InvalidInput,
    /// Something ran out of time: the code or the quote expired. Scan again or quote again.
    Expired,
    /// The backend refused, definitely: the operation did not take effect.
    Rejected,
    /// Nothing was sent: the operation did not take effect and may be tried again.
    NotSent,
    /// The operation may or may not have taken effect; only the backend can say. Never retry with a
    /// new id: reconcile.
    OutcomeUnknown,
    /// The key store (a host [`crate::sign::Signer`]) could not sign: locked, cancelled, unavailable.
    Signer,
    /// Something else holds the resource (another step of the payment, another wallet on the journal).
    Busy,
    /// A fault inside crossqr or its storage (a corrupt journal, an I/O error): report it.
    Internal,
}

impl ErrorKind {
    /// Every kind.
    pub const ALL: [ErrorKind; 8] = [
        ErrorKind::InvalidInput,
        ErrorKind::Expired,
        ErrorKind::Rejected,
        ErrorKind::NotSent,
        ErrorKind::OutcomeUnknown,
        ErrorKind::Signer,
        ErrorKind::Busy,
        ErrorKind::Internal,
    ];

    /// Stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Expired => "expired",
            ErrorKind::Rejected => "rejected",
            ErrorKind::NotSent => "not_sent",
            ErrorKind::OutcomeUnknown => "outcome_unknown",
            ErrorKind::Signer => "signer",
            ErrorKind::Busy => "busy",
            ErrorKind::Internal => "internal",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! registry {
    ($($(#[doc = $doc:literal])* $variant:ident = $text:literal, $kind:ident;)*) => {
        /// Every stable error code crossqr reports, in one place. New codes may be added (the enum is
        /// non-exhaustive); a code is never renamed or given another meaning.
        #[non_exhaustive]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ErrorCode {
            $($(#[doc = $doc])* $variant,)*
        }

        impl ErrorCode {
            /// Every code, in registry order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The stable snake_case string, e.g. `crc_mismatch`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $text,)*
                }
            }

            /// What kind of failure this code is, unless the error says more precisely.
            pub fn kind(self) -> ErrorKind {
                match self {
                    $(ErrorCode::$variant => ErrorKind::$kind,)*
                }
            }
        }
    };
}

registry! {
    // Reading and generating payment codes.
    /// Not well-formed: TLV framing, lengths, ordering, duplicates, size, zero-length values.
    Malformed = "malformed", InvalidInput;
    /// The CRC in tag 63 does not match the payload.
    CrcMismatch = "crc_mismatch", InvalidInput;
    /// A field the scheme requires is absent.
    MissingField = "missing_field", InvalidInput;
    /// A field is present but its value breaks the rules for it.
    InvalidField = "invalid_field", InvalidInput;
    /// The code carries an expiry that has passed.
    Expired = "expired", Expired;
    /// A consumer-presented code (somebody's payment token), not a merchant code.
    ConsumerPresentedCode = "consumer_presented_code", InvalidInput;
    /// Not a payment code this library can pay.
    UnsupportedCode = "unsupported_code", InvalidInput;

    // Scanning.
    /// A frame whose dimensions, stride, format or buffer do not fit together.
    InvalidFrame = "invalid_frame", InvalidInput;
    /// An image file that cannot be read or decoded.
    ImageUnreadable = "image_unreadable", InvalidInput;

    // Money.
    /// Not a plain decimal number, or not a valid amount here (zero where one is needed).
    InvalidAmount = "invalid_amount", InvalidInput;
    /// More digits after the point than the currency's minor unit allows.
    TooManyDecimals = "too_many_decimals", InvalidInput;
    /// Below zero.
    NegativeAmount = "negative_amount", InvalidInput;
    /// Too large to represent exactly.
    AmountOverflow = "amount_overflow", InvalidInput;
    /// Not an ISO 4217 currency.
    UnknownCurrency = "unknown_currency", InvalidInput;
    /// Two amounts in different currencies were combined.
    CurrencyMismatch = "currency_mismatch", InvalidInput;
    /// No exchange rate connects the two currencies.
    NoRate = "no_rate", InvalidInput;
    /// An exchange rate that is zero, negative, malformed or between a currency and itself; a rate
    /// table that prices a pair twice or both ways, or is dated ahead of the clock.
    InvalidRate = "invalid_rate", InvalidInput;
    /// A rate outside the range crossqr knows for its two currencies: probably written the wrong way
    /// round (`KHR/USD=4100`).
    ImplausibleRate = "implausible_rate", InvalidInput;
    /// Cached rates older than the wallet allows for an estimate: fetch them again.
    RatesStale = "rates_stale", Expired;
    /// A firm quote used after its expiry.
    QuoteExpired = "quote_expired", Expired;
    /// A quote whose parts do not fit together, or do not fit what was asked.
    InvalidQuote = "invalid_quote", Internal;
    /// A display locale this library has no data for.
    UnsupportedLocale = "unsupported_locale", InvalidInput;

    // Keys and signatures.
    /// A key that is not a valid P-256 key in the expected encoding.
    InvalidKey = "invalid_key", InvalidInput;
    /// The key store could not sign.
    SigningFailed = "signing_failed", Signer;
    /// The user declined the key store's prompt.
    SignerCancelled = "signer_cancelled", Signer;
    /// The key store needs the user to authenticate first.
    SignerLocked = "signer_locked", Signer;
    /// The key is gone or invalidated (a new enrolment, a wiped key store).
    SignerUnavailable = "signer_unavailable", Signer;
    /// No signature where one is required.
    MissingSignature = "missing_signature", InvalidInput;
    /// A signature header that cannot be read.
    MalformedSignature = "malformed_signature", InvalidInput;
    /// A signature that does not verify (for the backend: the request's).
    BadSignature = "bad_signature", Rejected;

    // The backend contract (`switch/openapi.yaml`) and the client.
    /// Bad client configuration (URL, TLS roots, timeouts): nothing was sent.
    InvalidConfig = "invalid_config", NotSent;
    /// No usable answer: the request may or may not have taken effect.
    OutcomeUnknown = "outcome_unknown", OutcomeUnknown;
    /// The backend could not read the request.
    InvalidRequest = "invalid_request", Rejected;
    /// The request's time is outside the backend's replay window (the device clock is wrong).
    StaleRequest = "stale_request", Rejected;
    /// The backend has seen this signed request before.
    ReplayedRequest = "replayed_request", Rejected;
    /// The backend does not know this device key.
    UnknownDevice = "unknown_device", Rejected;
    /// The backend has no such quote for this device.
    QuoteNotFound = "quote_not_found", Rejected;
    /// Another payment already used the quote.
    QuoteAlreadyUsed = "quote_already_used", Rejected;
    /// The payment's amounts are not the quote's, or not what the code asks.
    AmountMismatch = "amount_mismatch", Rejected;
    /// The payment or quote is not for the code (or resolved order) it names.
    CodeMismatch = "code_mismatch", Rejected;
    /// The payment's authorisation signature does not verify against the device's authorisation key.
    AuthorizationInvalid = "authorization_invalid", Rejected;
    /// The payment id was used with a different request.
    IdempotencyConflict = "idempotency_conflict", Rejected;
    /// The backend never received this payment.
    PaymentNotFound = "payment_not_found", Rejected;
    /// The payment was cancelled; its id can never be paid.
    PaymentCancelled = "payment_cancelled", Rejected;
    /// The backend's TLS certificate is not from a CA the wallet trusts.
    TlsUntrusted = "tls_untrusted", NotSent;
    /// The backend's TLS certificate has expired (or is not yet valid).
    TlsExpired = "tls_certificate_expired", NotSent;
    /// The backend's TLS certificate is for another host name.
    TlsNameMismatch = "tls_name_mismatch", NotSent;
    /// No certificate of the backend's chain has a pinned public key.
    TlsPinMismatch = "tls_pin_mismatch", NotSent;
    /// The TLS handshake failed for another reason.
    TlsFailed = "tls_handshake_failed", NotSent;
    /// The backend is temporarily unavailable.
    ServiceUnavailable = "service_unavailable", OutcomeUnknown;
    /// The backend answered with a code outside the contract.
    BackendError = "backend_error", Rejected;
    /// The merchant's side refused the payment (a final payment failure).
    Declined = "declined", Rejected;
    /// The payment is over the payer's limit (a final payment failure).
    LimitExceeded = "limit_exceeded", Rejected;

    // The payment flow.
    /// A step called in a state that does not allow it.
    InvalidState = "invalid_state", InvalidInput;
    /// The code has no amount and none was entered.
    AmountRequired = "amount_required", InvalidInput;
    /// Confirmed but never sent, and cancelled with the backend: no money moved.
    Abandoned = "abandoned", Rejected;
    /// The payment was made with a device key this wallet no longer holds: only the backend's
    /// operator can settle the question.
    DeviceKeyReplaced = "device_key_replaced", OutcomeUnknown;
    /// The device clock is too far from the backend's for requests to be accepted.
    ClockSkew = "clock_skew", OutcomeUnknown;

    // The payment journal.
    /// The journal cannot be read or written.
    JournalError = "journal_error", Internal;
    /// The journal holds something this version cannot read (unknown state, bad amount).
    JournalCorrupt = "journal_corrupt", Internal;
    /// The journal was written by a newer crossqr.
    JournalVersion = "journal_version", Internal;
    /// Another wallet holds the journal open.
    JournalLocked = "journal_locked", Busy;
    /// The payment was no longer where the move expected it: something else moved it first, and
    /// nothing was done.
    JournalConflict = "journal_conflict", Busy;

    // Hosts: the CLI and the bindings.
    /// A command-line argument or FFI argument that cannot be used.
    InvalidArgument = "invalid_argument", InvalidInput;
    /// A file could not be read or written.
    IoError = "io_error", Internal;
    /// No QR code was found where one was required.
    NoCode = "no_code", InvalidInput;
    /// The in-process reference switch could not start.
    SwitchFailed = "switch_failed", Internal;
    /// Another step of the same payment is running.
    Busy = "busy", Busy;
    /// A host callback threw something unexpected.
    HostCallbackFailed = "host_callback_failed", Internal;
    /// A fault inside crossqr (or, from the backend, inside the backend).
    Internal = "internal", Internal;
}

impl ErrorCode {
    /// The code whose string is `text`.
    pub fn parse(text: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.iter().copied().find(|c| c.as_str() == text)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// An error with a code from the registry and a human message.
pub trait Coded: fmt::Display {
    /// The stable code.
    fn code(&self) -> ErrorCode;
    /// What kind of failure it is; the code's default unless the error knows better.
    fn kind(&self) -> ErrorKind {
        self.code().kind()
    }
}

/// Why a payment code could not be read or generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeError {
    /// What went wrong, as a stable code.
    pub code: ErrorCode,
    /// What went wrong, for a human.
    pub message: String,
}

impl CodeError {
    /// An error with `code` and `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
    pub(crate) fn malformed(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Malformed, message)
    }
    pub(crate) fn missing(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::MissingField, message)
    }
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidField, message)
    }
    pub(crate) fn unsupported(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::UnsupportedCode, message)
    }
}

impl fmt::Display for CodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CodeError {}

impl Coded for CodeError {
    fn code(&self) -> ErrorCode {
        self.code
    }
}

pub use crate::warning::Warning;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_and_parse_back() {
        let mut seen = std::collections::BTreeSet::new();
        for &code in ErrorCode::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "{text} is registered twice");
            assert!(
                !text.is_empty() && text.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{text} is not snake_case"
            );
            assert_eq!(ErrorCode::parse(text), Some(code));
        }
        assert_eq!(ErrorCode::parse("no_such_code"), None);
        let kinds: std::collections::BTreeSet<_> = ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(kinds.len(), ErrorKind::ALL.len());
    }

    #[test]
    fn kinds_say_what_a_screen_needs() {
        assert_eq!(ErrorCode::CrcMismatch.kind(), ErrorKind::InvalidInput);
        assert_eq!(ErrorCode::QuoteExpired.kind(), ErrorKind::Expired);
        assert_eq!(ErrorCode::OutcomeUnknown.kind(), ErrorKind::OutcomeUnknown);
        assert_eq!(ErrorCode::SigningFailed.kind(), ErrorKind::Signer);
        assert_eq!(ErrorCode::JournalLocked.kind(), ErrorKind::Busy);
        assert_eq!(ErrorCode::Declined.kind(), ErrorKind::Rejected);
    }
}
