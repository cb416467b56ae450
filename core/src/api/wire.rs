//! The JSON bodies of `switch/openapi.yaml`, shared by the client and the reference switch. Tests
//! validate what both sides send against the spec's schemas.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::money::{Currency, Fee, FeeCode, Money, MoneyError, Quote, Rate, RateTable, ReferenceRate};

/// `{"currency": "USD", "value": "8.09"}`: ISO 4217 code and a decimal string in major units.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amount {
    /// ISO 4217 alpha-3.
    pub currency: String,
    /// Decimal in major units.
    pub value: String,
}

impl From<&Money> for Amount {
    fn from(m: &Money) -> Self {
        Amount { currency: m.currency().code().to_owned(), value: m.amount().to_string() }
    }
}

impl Amount {
    /// The amount as [`Money`], by the currency's rules.
    pub fn to_money(&self) -> Result<Money, MoneyError> {
        Money::parse_code(&self.currency, &self.value)
    }
}

/// The same money, compared as amounts (`1.1` and `1.10` are equal); false when either is not money.
pub fn same_amount(a: &Amount, b: &Amount) -> bool {
    matches!((a.to_money(), b.to_money()), (Ok(x), Ok(y)) if x == y)
}

/// `GET /v1/server-key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerKey {
    /// Base64 SubjectPublicKeyInfo DER.
    pub public_key: String,
    /// Key version, 1.
    pub key_version: u32,
}

/// `POST /v1/devices` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceRegistration {
    /// Hash of the public key.
    pub device_id: String,
    /// Base64 SubjectPublicKeyInfo DER.
    pub public_key: String,
    /// Free-form platform name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// Base64 SubjectPublicKeyInfo DER of the key that authorises payments (one that may need the
    /// user); when absent, payments need no authorisation beyond the request signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_key: Option<String>,
}

/// `POST /v1/devices` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Device {
    /// The device id.
    pub device_id: String,
    /// When it was first registered.
    pub registered_at_ms: i64,
}

/// `POST /v1/codes/resolve` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    /// The scanned text.
    pub payload: String,
}

/// `POST /v1/codes/resolve` response: the order behind a network-only code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolvedCode {
    /// Scheme name, e.g. `alipay_plus`.
    pub scheme: String,
    /// Merchant name.
    pub merchant_name: String,
    /// Merchant city.
    #[serde(default)]
    pub merchant_city: Option<String>,
    /// ISO 3166 country.
    #[serde(default)]
    pub country: Option<String>,
    /// The network's order id.
    pub order_id: String,
    /// What is being bought.
    #[serde(default)]
    pub description: Option<String>,
    /// What the merchant asks.
    pub amount: Amount,
}

/// `GET /v1/rates` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rates {
    /// When the rates were set.
    pub as_of_ms: i64,
    /// Who set them (a name shown beside an estimate, e.g. `ECB`).
    pub source: String,
    /// `"USD/JPY"` → `"148.35"`.
    pub rates: BTreeMap<String, String>,
}

impl Rates {
    /// The rates as a [`RateTable`]: every price strict and plausible, every pair once.
    pub fn to_table(&self) -> Result<RateTable, MoneyError> {
        Ok(RateTable::parse(self.rates.iter().map(|(p, v)| (p.as_str(), v.as_str())), self.as_of_ms)?
            .with_source(self.source.clone()))
    }
}

/// `POST /v1/quotes` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuoteRequest {
    /// What the merchant receives: the code's amount (or the amount entered for a static code) plus any
    /// convenience fee the code asks for and any tip entered.
    pub credit: Amount,
    /// The payer's currency.
    pub home_currency: String,
    /// The scheme paid through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    /// The scanned code, exactly as read: the quote is bound to it.
    pub payload: String,
    /// The network's order id, for codes the backend resolved (Alipay+, Weixin Pay).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// The tip the payer entered, for a code that prompts for one (55 = 01); part of `credit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tip: Option<Amount>,
}

/// A fee line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeLine {
    /// What the fee is for: a stable code ([`FeeCode`]); the wallet writes the label.
    pub code: String,
    /// How much, in the debit currency.
    pub amount: Amount,
}

/// The rate a quote's markup is measured against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferenceBody {
    /// `BASE/QUOTE`; direction not fixed.
    pub pair: String,
    /// One BASE buys `price` QUOTE.
    pub price: String,
    /// Who publishes it (`ECB`, `NBC`).
    pub source: String,
    /// When it was published, epoch ms.
    pub as_of_ms: i64,
}

/// `POST /v1/quotes` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuoteBody {
    /// Quote id.
    pub quote_id: String,
    /// `BASE/QUOTE` of the rate applied; direction not fixed.
    pub pair: String,
    /// One BASE buys `price` QUOTE, the markup included, fees excluded.
    pub price: String,
    /// The reference rate the markup is over.
    pub reference: ReferenceBody,
    /// The markup over the reference rate, percent (`"1.00"`).
    pub markup_percent: String,
    /// Total debited, home currency, fees included.
    pub debit: Amount,
    /// What the merchant receives.
    pub credit: Amount,
    /// Fee lines, each by its code.
    pub fees: Vec<FeeLine>,
    /// Expiry, epoch ms.
    pub expires_at_ms: i64,
    /// Lowercase hex SHA-256 of the payload the quote was made for.
    pub payload_digest: String,
    /// The order the quote was made for, for resolved codes.
    #[serde(default)]
    pub order_id: Option<String>,
}

impl QuoteBody {
    /// The quote as a validated [`Quote`]: prices and the markup as strict as amounts, every fee code
    /// known (a fee this version cannot label is refused, never shown in the backend's words).
    pub fn to_quote(&self) -> Result<Quote, MoneyError> {
        // The binding fields are checked by the client against its request; the quote keeps its money.
        let invalid = |m: String| MoneyError::new(ErrorCode::InvalidQuote, m);
        let rate = Rate::from_text(&self.pair, &self.price)?;
        let reference = ReferenceRate {
            rate: Rate::from_text(&self.reference.pair, &self.reference.price)?,
            source: self.reference.source.clone(),
            as_of_ms: self.reference.as_of_ms,
        };
        let markup_percent = crate::money::plain_decimal(&self.markup_percent)
            .map_err(|_| invalid(format!("markup_percent {:?} is not a plain decimal", self.markup_percent)))?;
        let fees = self
            .fees
            .iter()
            .map(|f| {
                let code = FeeCode::parse(&f.code).ok_or_else(|| invalid(format!("unknown fee code {:?}", f.code)))?;
                Ok(Fee { code, amount: f.amount.to_money()? })
            })
            .collect::<Result<_, MoneyError>>()?;
        Quote {
            id: self.quote_id.clone(),
            rate,
            reference,
            markup_percent,
            debit: self.debit.to_money()?,
            credit: self.credit.to_money()?,
            fees,
            expires_at_ms: self.expires_at_ms,
        }
        .checked()
    }

    /// The wire form of `quote`, bound to `payload_digest` and `order_id`.
    pub fn from_quote(quote: &Quote, payload_digest: String, order_id: Option<String>) -> QuoteBody {
        QuoteBody {
            quote_id: quote.id.clone(),
            pair: quote.rate.pair.to_string(),
            price: quote.rate.price.to_string(),
            reference: ReferenceBody {
                pair: quote.reference.rate.pair.to_string(),
                price: quote.reference.rate.price.to_string(),
                source: quote.reference.source.clone(),
                as_of_ms: quote.reference.as_of_ms,
            },
            markup_percent: quote.markup_percent.to_string(),
            debit: Amount::from(&quote.debit),
            credit: Amount::from(&quote.credit),
            fees: quote
                .fees
                .iter()
                .map(|f| FeeLine { code: f.code.as_str().to_owned(), amount: Amount::from(&f.amount) })
                .collect(),
            expires_at_ms: quote.expires_at_ms,
            payload_digest,
            order_id,
        }
    }
}

/// Lowercase hex SHA-256 of a scanned payload, as quotes carry it.
pub fn payload_digest(payload: &str) -> String {
    crate::sign::hex(ring::digest::digest(&ring::digest::SHA256, payload.as_bytes()).as_ref())
}

/// `POST /v1/payments` body.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentRequest {
    /// Client-chosen id, 32 lowercase hex digits: the idempotency key.
    pub payment_id: String,
    /// The quote paid.
    pub quote_id: String,
    /// The scanned code (the quote's).
    pub payload: String,
    /// The network's order id, for resolved codes (the quote's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// Debit, as quoted.
    pub debit: Amount,
    /// Credit, as quoted.
    pub credit: Amount,
    /// The payer's authorisation: base64url DER ECDSA (low-s) over [`PaymentRequest::approval`] by the
    /// device's authorisation key; required when the device registered one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization: Option<String>,
}

impl PaymentRequest {
    /// What the payer approved, as the authorisation signs it, for `device_id`.
    pub fn approval<'a>(
        &'a self,
        device_id: &'a str,
        payload_sha256: &'a str,
    ) -> crate::sign::authorization::Approval<'a> {
        crate::sign::authorization::Approval {
            payment_id: &self.payment_id,
            device_id,
            quote_id: &self.quote_id,
            payload_sha256,
            order_id: self.order_id.as_deref(),
            debit: (&self.debit.currency, &self.debit.value),
            credit: (&self.credit.currency, &self.credit.value),
        }
    }
}

/// Outcome of a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentOutcome {
    /// Money moved.
    Settled,
    /// Definitely not paid.
    Failed,
    /// Cancelled before it was received: definitely not paid, and the id can never be paid.
    Cancelled,
}

/// Why a payment failed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Failure {
    /// Stable code.
    pub code: String,
    /// For a human.
    pub message: String,
}

/// `POST /v1/payments`, `GET /v1/payments/{id}` and `POST /v1/payments/{id}/cancel` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payment {
    /// The id.
    pub payment_id: String,
    /// Settled or failed.
    pub status: PaymentOutcome,
    /// The quote paid.
    pub quote_id: String,
    /// Debited.
    pub debit: Amount,
    /// Credited.
    pub credit: Amount,
    /// When the backend first received it.
    pub created_at_ms: i64,
    /// When it settled.
    #[serde(default)]
    pub settled_at_ms: Option<i64>,
    /// Why it failed.
    #[serde(default)]
    pub failure: Option<Failure>,
}

/// The error body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// Code and message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorDetail {
    /// Stable code (see [`BackendCode`]).
    pub code: String,
    /// For a human.
    pub message: String,
}

/// A sandbox fault rule (`POST /_sandbox/faults`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// Path prefix the rule applies to; every path when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The fault (see the spec).
    pub fault: String,
    /// How many matching requests; 1 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
}

/// The backend's error codes, from the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BackendCode {
    /// 400.
    InvalidRequest,
    /// 401: the request signature does not verify.
    BadSignature,
    /// 401: request time outside the replay window.
    StaleRequest,
    /// 401: signature seen before.
    ReplayedRequest,
    /// 401: device not registered.
    UnknownDevice,
    /// 422.
    UnsupportedCode,
    /// 422.
    NoRate,
    /// 404.
    QuoteNotFound,
    /// 410.
    QuoteExpired,
    /// 409: another payment already used the quote.
    QuoteAlreadyUsed,
    /// 422: amounts differ from the quote.
    AmountMismatch,
    /// 409: same payment id, different body.
    IdempotencyConflict,
    /// 404.
    PaymentNotFound,
    /// 422: the payment is not for the code (or order) its quote was made for.
    CodeMismatch,
    /// 422: the payment's authorisation does not verify.
    AuthorizationInvalid,
    /// 503.
    ServiceUnavailable,
    /// 500.
    Internal,
}

impl BackendCode {
    /// Every code.
    pub const ALL: [BackendCode; 17] = [
        BackendCode::InvalidRequest,
        BackendCode::BadSignature,
        BackendCode::StaleRequest,
        BackendCode::ReplayedRequest,
        BackendCode::UnknownDevice,
        BackendCode::UnsupportedCode,
        BackendCode::NoRate,
        BackendCode::QuoteNotFound,
        BackendCode::QuoteExpired,
        BackendCode::QuoteAlreadyUsed,
        BackendCode::AmountMismatch,
        BackendCode::IdempotencyConflict,
        BackendCode::PaymentNotFound,
        BackendCode::CodeMismatch,
        BackendCode::AuthorizationInvalid,
        BackendCode::ServiceUnavailable,
        BackendCode::Internal,
    ];

    /// The code in the registry.
    pub fn code(self) -> ErrorCode {
        match self {
            BackendCode::InvalidRequest => ErrorCode::InvalidRequest,
            BackendCode::BadSignature => ErrorCode::BadSignature,
            BackendCode::StaleRequest => ErrorCode::StaleRequest,
            BackendCode::ReplayedRequest => ErrorCode::ReplayedRequest,
            BackendCode::UnknownDevice => ErrorCode::UnknownDevice,
            BackendCode::UnsupportedCode => ErrorCode::UnsupportedCode,
            BackendCode::NoRate => ErrorCode::NoRate,
            BackendCode::QuoteNotFound => ErrorCode::QuoteNotFound,
            BackendCode::QuoteExpired => ErrorCode::QuoteExpired,
            BackendCode::QuoteAlreadyUsed => ErrorCode::QuoteAlreadyUsed,
            BackendCode::AmountMismatch => ErrorCode::AmountMismatch,
            BackendCode::IdempotencyConflict => ErrorCode::IdempotencyConflict,
            BackendCode::PaymentNotFound => ErrorCode::PaymentNotFound,
            BackendCode::CodeMismatch => ErrorCode::CodeMismatch,
            BackendCode::AuthorizationInvalid => ErrorCode::AuthorizationInvalid,
            BackendCode::ServiceUnavailable => ErrorCode::ServiceUnavailable,
            BackendCode::Internal => ErrorCode::Internal,
        }
    }

    /// The wire string.
    pub fn as_str(self) -> &'static str {
        self.code().as_str()
    }

    /// From the wire string.
    pub fn parse(code: &str) -> Option<BackendCode> {
        BackendCode::ALL.into_iter().find(|c| c.as_str() == code)
    }

    /// True when the backend refused before looking at the request's content (authentication, replay
    /// window): such a refusal says nothing about an earlier attempt of the same request.
    pub fn is_authentication(self) -> bool {
        matches!(
            self,
            BackendCode::BadSignature
                | BackendCode::StaleRequest
                | BackendCode::ReplayedRequest
                | BackendCode::UnknownDevice
        )
    }

    /// The HTTP status the backend answers with.
    pub fn http_status(self) -> u16 {
        match self {
            BackendCode::InvalidRequest => 400,
            BackendCode::BadSignature
            | BackendCode::StaleRequest
            | BackendCode::ReplayedRequest
            | BackendCode::UnknownDevice => 401,
            BackendCode::QuoteNotFound | BackendCode::PaymentNotFound => 404,
            BackendCode::QuoteAlreadyUsed | BackendCode::IdempotencyConflict => 409,
            BackendCode::QuoteExpired => 410,
            BackendCode::UnsupportedCode
            | BackendCode::NoRate
            | BackendCode::AmountMismatch
            | BackendCode::CodeMismatch
            | BackendCode::AuthorizationInvalid => 422,
            BackendCode::Internal => 500,
            BackendCode::ServiceUnavailable => 503,
        }
    }
}

/// Parses an ISO code into a currency, for request validation.
pub fn currency(code: &str) -> Result<Currency, MoneyError> {
    Currency::from_code(code)
        .ok_or_else(|| MoneyError::new(ErrorCode::UnknownCurrency, format!("{code:?} is not an ISO 4217 currency")))
}
