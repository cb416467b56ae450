//! Money display and the confirm-screen summary.

use crossqr_core::money::display::{self, DisplayLocale, DisplayOptions, SymbolStyle};
use crossqr_core::money::{Decimal, Money, PaymentSummary};

use crate::CrossqrError;

/// Which currency symbol to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum MoneySymbol {
    /// The locale's CLDR symbol.
    Locale,
    /// As `Locale`, with the two yen written `JP¥` and `CN¥`.
    Disambiguated,
    /// The ISO code.
    Code,
}

/// Formats `amount` of `currency` (ISO alpha-3) for `locale` (a BCP 47 tag: `en`, `en-IN`, `km`, `ja`, `zh`, `zh-TW`…).
#[uniffi::export]
pub fn format_money(
    amount: Decimal,
    currency: String,
    locale: String,
    symbol: MoneySymbol,
    khmer_digits: bool,
) -> Result<String, CrossqrError> {
    let money = Money::new(amount, crate::wallet::currency(&currency)?)?;
    let symbol = match symbol {
        MoneySymbol::Locale => SymbolStyle::Locale,
        MoneySymbol::Disambiguated => SymbolStyle::Disambiguated,
        MoneySymbol::Code => SymbolStyle::Code,
    };
    let locale: DisplayLocale = locale.parse()?;
    Ok(display::format(&money, locale, DisplayOptions { symbol, khmer_digits })?)
}

/// One labelled line of the confirm screen.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SummaryLine {
    /// Stable key (`merchant_amount`, `rate`, `markup`, `total`, a fee code, `estimate`, `status`…).
    pub key: String,
    /// Label in the display language.
    pub label: String,
    /// Formatted value.
    pub value: String,
}

/// Everything the confirm screen shows, formatted.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PaymentSummaryInfo {
    /// Merchant name.
    pub merchant_name: Option<String>,
    /// What the merchant receives.
    pub merchant_amount: String,
    /// Converted amount before fees (absent when paying in the merchant's currency).
    pub home_amount: Option<String>,
    /// Rate line: the exchange rate applied (firm) or the indicative rate (estimate).
    pub rate: Option<String>,
    /// Fee lines.
    pub fees: Vec<SummaryLine>,
    /// Total debited (firm), or the estimate before fees.
    pub total: String,
    /// Indicative (cached rate) rather than a firm quote.
    pub indicative: bool,
    /// Seconds a firm quote is held.
    pub expires_in_s: Option<i64>,
    /// Status line.
    pub status: Option<String>,
    /// Every line in display order.
    pub lines: Vec<SummaryLine>,
}

impl From<PaymentSummary> for PaymentSummaryInfo {
    fn from(s: PaymentSummary) -> Self {
        let line = |l: crossqr_core::money::SummaryLine| SummaryLine { key: l.key, label: l.label, value: l.value };
        PaymentSummaryInfo {
            merchant_name: s.merchant_name,
            merchant_amount: s.merchant_amount,
            home_amount: s.home_amount,
            rate: s.rate,
            fees: s.fees.into_iter().map(line).collect(),
            total: s.total,
            indicative: s.indicative,
            expires_in_s: s.expires_in_s,
            status: s.status,
            lines: s.lines.into_iter().map(line).collect(),
        }
    }
}
