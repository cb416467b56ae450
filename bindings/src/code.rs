//! Reading and generating payment codes: the core's flat views, mirrored.

use crossqr_core::clock::system_now_ms;
use crossqr_core::schemes::khqr::{self, GeneratedKhqr, KhqrFields, KhqrRequest};
use crossqr_core::schemes::{AccountSummary, BankSummary, CodeSummary};
use crossqr_core::warning::{Warning, WarningCode};

use crate::CrossqrError;

uniffi::custom_type!(WarningCode, String, {
    remote,
    lower: |c| c.as_str().to_owned(),
    try_lift: |s| WarningCode::parse(&s).ok_or_else(|| uniffi::deps::anyhow::anyhow!("{s:?} is not a warning code")),
});

/// Something a parser tolerated and a wallet should know: a stable code and a message.
#[uniffi::remote(Record)]
pub struct Warning {
    /// Stable snake_case code (`zero_amount`, `field_too_long`, …).
    pub code: WarningCode,
    /// For a human.
    pub message: String,
}

/// The institution a code names for an account.
#[uniffi::remote(Record)]
pub struct BankSummary {
    /// The id as the code writes it (VietQR BIN, DuitNow acquirer id, Bakong participant code, …).
    pub id: String,
    /// Human name from crossqr's sourced table; absent when the table does not know the id.
    pub name: Option<String>,
}

/// One account a code carries.
#[uniffi::remote(Record)]
pub struct AccountSummary {
    /// EMVCo root ID (`"29"`), absent for URL codes.
    pub tag: Option<String>,
    /// Scheme or card network (`khqr`, `visa`, …).
    pub scheme: String,
    /// Payee id in that scheme.
    pub id: String,
    /// Template GUID.
    pub guid: Option<String>,
    /// The institution the code names for this account.
    pub bank: Option<BankSummary>,
}

/// What a payment code says (the fields of `crossqr parse`).
#[uniffi::remote(Record)]
pub struct CodeSummary {
    /// `khqr`, `jpqr`, `alipay_plus`, … or `emvco`.
    pub scheme: String,
    /// `emv_mpm`, `alipay_plus_mpm`, `url`, `upi_uri`.
    pub format: String,
    /// Dynamic (one payment) or static; absent when the code does not say.
    pub dynamic: Option<bool>,
    /// Merchant name.
    pub merchant_name: Option<String>,
    /// Merchant name in the alternate language.
    pub merchant_name_alt: Option<String>,
    /// Alternate language (ISO 639).
    pub language: Option<String>,
    /// Merchant city.
    pub merchant_city: Option<String>,
    /// Merchant city in the alternate language.
    pub merchant_city_alt: Option<String>,
    /// ISO 3166 country.
    pub country: Option<String>,
    /// Merchant category code.
    pub mcc: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// ISO 4217 currency.
    pub currency: Option<String>,
    /// Amount in major units, exactly as the code writes it (`"1.10"`).
    pub amount: Option<String>,
    /// Payee id of the primary account.
    pub account: Option<String>,
    /// Every account.
    pub accounts: Vec<AccountSummary>,
    /// Creation time, epoch ms.
    pub created_at_ms: Option<i64>,
    /// Expiry, epoch ms.
    pub expires_at_ms: Option<i64>,
    /// KHQR md5.
    pub md5: Option<String>,
    /// True when the network must expand the code.
    pub needs_resolution: bool,
    /// What was tolerated.
    pub warnings: Vec<Warning>,
}

/// Reads a payment code; expiry judged at `now_ms` (the system clock when absent).
#[uniffi::export]
pub fn parse_code(payload: String, now_ms: Option<i64>) -> Result<CodeSummary, CrossqrError> {
    let code = crossqr_core::parse_at(&payload, now_ms.unwrap_or_else(system_now_ms))?;
    Ok(code.summary())
}

/// What a KHQR code should say, as text (a form or a host writes it). `merchant_id` (with
/// `acquiring_bank`) makes a merchant code; `amount` (an exact decimal string) makes it dynamic and then
/// needs `expires_at_ms`.
#[uniffi::remote(Record)]
pub struct KhqrFields {
    /// Bakong account id, `name@bank`.
    pub account_id: String,
    /// Merchant name (≤ 25).
    pub merchant_name: String,
    /// Merchant city (≤ 15); "Phnom Penh" when absent.
    #[uniffi(default = None)]
    pub merchant_city: Option<String>,
    /// `KHR` or `USD`.
    #[uniffi(default = "KHR")]
    pub currency: String,
    /// Fixed amount, a decimal string (`"1.10"`).
    #[uniffi(default = None)]
    pub amount: Option<String>,
    /// Expiry of a dynamic code, epoch ms.
    #[uniffi(default = None)]
    pub expires_at_ms: Option<i64>,
    /// Merchant id (tag 30).
    #[uniffi(default = None)]
    pub merchant_id: Option<String>,
    /// Acquiring bank.
    #[uniffi(default = None)]
    pub acquiring_bank: Option<String>,
    /// Account information (individual codes).
    #[uniffi(default = None)]
    pub account_information: Option<String>,
    /// Merchant category code.
    #[uniffi(default = None)]
    pub mcc: Option<String>,
    /// UnionPay account (tag 15).
    #[uniffi(default = None)]
    pub unionpay: Option<String>,
    /// 62/01.
    #[uniffi(default = None)]
    pub bill_number: Option<String>,
    /// 62/02.
    #[uniffi(default = None)]
    pub mobile_number: Option<String>,
    /// 62/03.
    #[uniffi(default = None)]
    pub store_label: Option<String>,
    /// 62/07.
    #[uniffi(default = None)]
    pub terminal_label: Option<String>,
    /// 62/08.
    #[uniffi(default = None)]
    pub purpose: Option<String>,
    /// 64/00, e.g. `km`.
    #[uniffi(default = None)]
    pub alt_language: Option<String>,
    /// 64/01.
    #[uniffi(default = None)]
    pub alt_name: Option<String>,
    /// 64/02.
    #[uniffi(default = None)]
    pub alt_city: Option<String>,
}

/// A generated code and the md5 Bakong looks its payment up by.
#[uniffi::remote(Record)]
pub struct GeneratedKhqr {
    /// The QR text.
    pub payload: String,
    /// Lowercase hex md5 (Bakong's lookup key).
    pub md5: String,
}

/// Generates a KHQR code; `now_ms` (the system clock when absent) is the creation time.
#[uniffi::export]
pub fn generate_khqr(fields: KhqrFields, now_ms: Option<i64>) -> Result<GeneratedKhqr, CrossqrError> {
    let request = KhqrRequest::from_fields(fields)?;
    Ok(khqr::generate(&request, now_ms.unwrap_or_else(system_now_ms))?)
}
