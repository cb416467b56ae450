//! Money display and the confirm-screen summary: the core's types, mirrored.

use crossqr_core::money::display::{self, DisplayLocale, DisplayOptions, SymbolStyle};
use crossqr_core::money::{Currency, Money, PaymentSummary, SummaryLine};

use crate::{CrossqrError, Decimal};

/// Which currency symbol to write.
#[uniffi::remote(Enum)]
pub enum SymbolStyle {
    /// The locale's CLDR symbol.
    Locale,
    /// As `Locale`, with the two yen written `JP¥` and `CN¥`.
    Disambiguated,
    /// The ISO code.
    Code,
}

/// Formats `amount` of `currency` (ISO alpha-3) for `locale` (a BCP 47 tag the core supports).
#[uniffi::export]
pub fn format_money(
    amount: Decimal,
    currency: String,
    locale: String,
    symbol: SymbolStyle,
    khmer_digits: bool,
) -> Result<String, CrossqrError> {
    let money = Money::new(amount.exact()?, currency.parse::<Currency>()?)?;
    let locale: DisplayLocale = locale.parse()?;
    Ok(display::format(&money, locale, DisplayOptions { symbol, khmer_digits })?)
}

/// One labelled line of the confirm screen.
#[uniffi::remote(Record)]
pub struct SummaryLine {
    /// Stable key: `merchant_amount`, `amount`, `fee`, `total`, `rate`, `status`.
    pub key: String,
    /// Label in the display language.
    pub label: String,
    /// Formatted value.
    pub value: String,
}

/// Everything the confirm screen shows, formatted.
#[uniffi::remote(Record)]
pub struct PaymentSummary {
    /// Merchant name as given.
    pub merchant_name: Option<String>,
    /// What the merchant receives, in its currency.
    pub merchant_amount: String,
    /// The converted amount in the home currency before fees; absent when paying in the merchant's currency.
    pub home_amount: Option<String>,
    /// Effective rate line; absent when no conversion.
    pub rate: Option<String>,
    /// Fee lines.
    pub fees: Vec<SummaryLine>,
    /// Total that leaves the payer's account.
    pub total: String,
    /// True when the home amount is indicative (cached rate), not a firm quote.
    pub indicative: bool,
    /// Seconds a firm quote is still honoured.
    pub expires_in_s: Option<i64>,
    /// The status line, in the display language.
    pub status: Option<String>,
    /// Every line above in display order, labelled.
    pub lines: Vec<SummaryLine>,
}
