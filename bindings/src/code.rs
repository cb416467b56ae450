//! Reading and generating payment codes.

use crossqr_core::clock::system_now_ms;
use crossqr_core::money::{Currency, Decimal};
use crossqr_core::schemes::khqr::{self, KhqrAccount, KhqrRequest};
use crossqr_core::schemes::{AccountSummary, CodeSummary, PaymentCode};

use crate::CrossqrError;

/// One account a code carries.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AccountInfo {
    /// EMVCo root ID (`"29"`), absent for URL codes.
    pub tag: Option<String>,
    /// Scheme or card network (`khqr`, `visa`, …).
    pub scheme: String,
    /// Payee id in that scheme.
    pub id: String,
    /// Template GUID.
    pub guid: Option<String>,
}

/// What a payment code says (the fields of `crossqr parse`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CodeInfo {
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
    /// Amount in major units.
    pub amount: Option<Decimal>,
    /// Payee id of the primary account.
    pub account: Option<String>,
    /// Every account.
    pub accounts: Vec<AccountInfo>,
    /// Creation time, epoch ms.
    pub created_at_ms: Option<i64>,
    /// Expiry, epoch ms.
    pub expires_at_ms: Option<i64>,
    /// KHQR md5.
    pub md5: Option<String>,
    /// True when the network must expand the code.
    pub needs_resolution: bool,
    /// What was tolerated.
    pub warnings: Vec<String>,
}

impl From<&PaymentCode> for CodeInfo {
    fn from(code: &PaymentCode) -> Self {
        let s: CodeSummary = code.summary();
        CodeInfo {
            scheme: s.scheme,
            format: s.format,
            dynamic: s.dynamic,
            merchant_name: s.merchant_name,
            merchant_name_alt: s.merchant_name_alt,
            language: s.language,
            merchant_city: s.merchant_city,
            merchant_city_alt: s.merchant_city_alt,
            country: s.country,
            mcc: s.mcc,
            postal_code: s.postal_code,
            currency: s.currency,
            amount: code.amount.map(|m| m.amount()),
            account: s.account,
            accounts: s
                .accounts
                .into_iter()
                .map(|a: AccountSummary| AccountInfo { tag: a.tag, scheme: a.scheme, id: a.id, guid: a.guid })
                .collect(),
            created_at_ms: s.created_at_ms,
            expires_at_ms: s.expires_at_ms,
            md5: s.md5,
            needs_resolution: s.needs_resolution,
            warnings: s.warnings.iter().map(ToString::to_string).collect(),
        }
    }
}

/// Reads a payment code; expiry judged at `now_ms` (the system clock when absent).
#[uniffi::export]
pub fn parse_code(payload: String, now_ms: Option<i64>) -> Result<CodeInfo, CrossqrError> {
    let code = crossqr_core::parse_at(&payload, now_ms.unwrap_or_else(system_now_ms))?;
    Ok((&code).into())
}

/// What a KHQR code should say. `merchant_id` (with `acquiring_bank`) makes a merchant code; `amount`
/// makes it dynamic and then needs `expires_at_ms`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct KhqrInput {
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
    /// Fixed amount.
    #[uniffi(default = None)]
    pub amount: Option<Decimal>,
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

/// A generated code.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct GeneratedCode {
    /// The QR text.
    pub payload: String,
    /// Lowercase hex md5 (Bakong's lookup key).
    pub md5: String,
}

/// Generates a KHQR code; `now_ms` (the system clock when absent) is the creation time.
#[uniffi::export]
pub fn generate_khqr(input: KhqrInput, now_ms: Option<i64>) -> Result<GeneratedCode, CrossqrError> {
    let currency = Currency::from_code(&input.currency.to_ascii_uppercase()).ok_or_else(|| {
        CrossqrError::new("invalid_field", format!("currency {:?} is not KHR or USD", input.currency))
    })?;
    let account = match input.merchant_id {
        Some(merchant_id) => {
            KhqrAccount::Merchant { merchant_id, acquiring_bank: input.acquiring_bank.unwrap_or_default() }
        }
        None => KhqrAccount::Individual {
            account_information: input.account_information,
            acquiring_bank: input.acquiring_bank,
        },
    };
    let request = KhqrRequest {
        account,
        merchant_city: input.merchant_city,
        currency,
        amount: input.amount,
        expires_at_ms: input.expires_at_ms,
        mcc: input.mcc,
        unionpay: input.unionpay,
        bill_number: input.bill_number,
        mobile_number: input.mobile_number,
        store_label: input.store_label,
        terminal_label: input.terminal_label,
        purpose: input.purpose,
        alt_language: input.alt_language,
        alt_name: input.alt_name,
        alt_city: input.alt_city,
        ..KhqrRequest::individual(input.account_id, input.merchant_name)
    };
    let generated = khqr::generate(&request, now_ms.unwrap_or_else(system_now_ms))?;
    Ok(GeneratedCode { payload: generated.payload, md5: generated.md5 })
}
