//! A flat, stable view of a [`PaymentCode`]: the fields `crossqr parse` prints and the FFI exposes.

use serde::Serialize;

use super::code::{PaymentCode, SchemeDetails};
use crate::warning::Warning;

/// One account, flattened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountSummary {
    /// Root ID (`"29"`), or `None` for URL codes.
    pub tag: Option<String>,
    /// Scheme name, e.g. `khqr`, `visa`.
    pub scheme: String,
    /// Payee id in that scheme.
    pub id: String,
    /// Template GUID, where there is one.
    pub guid: Option<String>,
    /// The institution the code names for this account; `None` when it names none.
    pub bank: Option<BankSummary>,
}

/// An account's institution, flattened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BankSummary {
    /// The id as the code writes it (VietQR BIN, DuitNow acquirer id, Bakong participant code, QRIS NNS, Lao IIN).
    pub id: String,
    /// Human name from crossqr's sourced table; `None` when the table does not know the id.
    pub name: Option<String>,
}

/// What a payment code says, as plain strings and numbers. Every field is always present; `None`
/// where the code does not say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeSummary {
    /// Scheme of the primary account (`khqr`, `jpqr`, … or `emvco`).
    pub scheme: String,
    /// `emv_mpm`, `alipay_plus_mpm`, `url` or `upi_uri`.
    pub format: String,
    /// Dynamic (one payment) or static; `None` when the code does not say.
    pub dynamic: Option<bool>,
    /// Merchant name.
    pub merchant_name: Option<String>,
    /// Merchant name in the alternate language.
    pub merchant_name_alt: Option<String>,
    /// Alternate language (ISO 639, lowercase).
    pub language: Option<String>,
    /// Merchant city.
    pub merchant_city: Option<String>,
    /// Merchant city in the alternate language.
    pub merchant_city_alt: Option<String>,
    /// ISO 3166-1 alpha-2 country.
    pub country: Option<String>,
    /// Merchant category code.
    pub mcc: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// ISO 4217 alpha-3 currency.
    pub currency: Option<String>,
    /// Amount in major units as written (`"1.10"`).
    pub amount: Option<String>,
    /// Payee id of the primary account.
    pub account: Option<String>,
    /// Every account the code carries.
    pub accounts: Vec<AccountSummary>,
    /// Creation time, epoch ms.
    pub created_at_ms: Option<i64>,
    /// Expiry, epoch ms.
    pub expires_at_ms: Option<i64>,
    /// KHQR md5 (lowercase hex of the payload), the key Bakong looks the payment up by.
    pub md5: Option<String>,
    /// True when the network must expand the code (merchant, order, amount).
    pub needs_resolution: bool,
    /// What was tolerated: `{"code", "message"}`, the code from [`crate::warning::WarningCode`].
    pub warnings: Vec<Warning>,
}

impl PaymentCode {
    /// The flat view of this code.
    pub fn summary(&self) -> CodeSummary {
        let m = &self.merchant;
        CodeSummary {
            scheme: self.scheme.as_str().to_owned(),
            format: self.format.as_str().to_owned(),
            dynamic: self.dynamic,
            merchant_name: m.name.clone(),
            merchant_name_alt: m.name_alt.clone(),
            language: m.language.clone(),
            merchant_city: m.city.clone(),
            merchant_city_alt: m.city_alt.clone(),
            country: m.country.clone(),
            mcc: m.mcc.clone(),
            postal_code: m.postal_code.clone(),
            currency: self.currency.map(|c| c.code().to_owned()),
            amount: self.amount.map(|a| a.amount().to_string()),
            account: self.primary_account().map(|a| a.id.clone()),
            accounts: self
                .accounts
                .iter()
                .map(|a| AccountSummary {
                    tag: a.tag.clone(),
                    scheme: a.scheme.as_str().to_owned(),
                    id: a.id.clone(),
                    guid: a.guid.clone(),
                    bank: a.bank.as_ref().map(|b| BankSummary { id: b.id.clone(), name: b.name.map(str::to_owned) }),
                })
                .collect(),
            created_at_ms: self.created_at_ms,
            expires_at_ms: self.expires_at_ms,
            md5: match &self.details {
                SchemeDetails::Khqr(k) => Some(k.md5.clone()),
                _ => None,
            },
            needs_resolution: self.needs_resolution(),
            warnings: self.warnings.clone(),
        }
    }
}
