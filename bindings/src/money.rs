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

/// Formats `amount` of `currency` (ISO alpha-3) for `locale` (a BCP 47 tag: `en`, `en-IN`, `km`, `ja`, `zh`, `zh-TW`…).
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

/// The display locale for a user's preferred locales (most preferred first: Android
/// `LocaleList.getDefault().toLanguageTags().split(",")`, iOS `Locale.preferredLanguages`): the first
/// crossqr displays, else `en`. The tag for `WalletConfig.locale` and `format_money`.
#[uniffi::export]
pub fn display_locale(preferences: Vec<String>) -> String {
    DisplayLocale::negotiate(preferences.iter().map(String::as_str)).tag()
}

/// One labelled line of the confirm screen.
#[uniffi::remote(Record)]
pub struct SummaryLine {
    /// Stable key (`merchant_amount`, `rate`, `markup`, `total`, a fee code, `estimate`, `status`…).
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
    /// What the merchant receives, in its currency (the code's fee and the tip included).
    pub merchant_amount: String,
    /// The converted amount in the home currency before fees; absent when paying in the merchant's currency.
    pub home_amount: Option<String>,
    /// Rate line: the exchange rate applied (firm) or the indicative rate (estimate).
    pub rate: Option<String>,
    /// The markup over the reference rate (`1.00%`), for a firm quote that converts.
    pub markup: Option<String>,
    /// The reference rate with its source and time, for a firm quote that converts.
    pub reference_rate: Option<String>,
    /// Fee lines.
    pub fees: Vec<SummaryLine>,
    /// Total debited (firm), or the estimate before fees.
    pub total: String,
    /// True when the home amount is an estimate (cached rate), not a firm quote.
    pub indicative: bool,
    /// True when the code asks the payer for a tip.
    pub asks_for_tip: bool,
    /// True when the firm quote has expired (quote again).
    pub expired: bool,
    /// Seconds a firm quote is still honoured.
    pub expires_in_s: Option<i64>,
    /// The status line, in the display language.
    pub status: Option<String>,
    /// Every line above in display order, labelled.
    pub lines: Vec<SummaryLine>,
}
