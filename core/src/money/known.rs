//! What crossqr knows about the currencies it meets, beside ISO 4217: how many of each one US dollar
//! plausibly buys (to refuse a rate written the wrong way round, `KHR/USD=4100`), and which currency a
//! currency is pegged to (the bridge a rate table may cross through after USD).
//!
//! Sources of the bounds (USD/XXX, units of XXX per US dollar), each well outside what was observed:
//! ECB euro reference rates crossed through EUR/USD, 2024-11-01…2026-10-30 (JPY 140.3–163.9, CNY
//! 6.65–7.35, THB 31.0–35.0, MYR 3.89–4.51, SGD 1.26–1.37, IDR 15,598–18,176, INR 84.1–96.8, HKD
//! 7.75–7.85); the NBC's official rate for KHR ("US$1 = 4,000–4,100 riel"); the SBV central rate for
//! VND (24,500–26,600, 2025); Xinhua/BCEL, Laotian Times and KPL for LAK (8,790 in 2019, 9,494 in 2021,
//! about 21,000–22,000 in 2024–2025); the CBC for TWD (29.5–33). The bounds are an order-of-magnitude
//! guard, not a market check: an inverted price falls outside them by a factor of at least 1.3.

use super::Currency;

/// `(currency, lowest, highest)` units per US dollar, as exact decimal strings.
const USD_BOUNDS: &[(&str, &str, &str)] = &[
    ("CNY", "5", "9"),
    ("HKD", "7", "8.5"),
    ("IDR", "10000", "30000"),
    ("INR", "60", "150"),
    ("JPY", "80", "300"),
    ("KHR", "3500", "4800"),
    ("LAK", "8000", "40000"),
    ("MYR", "2.5", "6.5"),
    ("SGD", "1", "2"),
    ("THB", "20", "50"),
    ("TWD", "25", "40"),
    ("VND", "20000", "32000"),
];

/// Currencies pegged to another, from the IMF's Annual Report on Exchange Arrangements (AREAER):
/// currency boards and conventional pegs at par or a fixed rate.
const ANCHORS: &[(&str, &str)] = &[
    ("BAM", "EUR"),
    ("BGN", "EUR"),
    ("BND", "SGD"),
    ("BTN", "INR"),
    ("DKK", "EUR"),
    ("KMF", "EUR"),
    ("MOP", "HKD"),
    ("NPR", "INR"),
    ("XAF", "EUR"),
    ("XOF", "EUR"),
];

/// The plausible range of units of `currency` one US dollar buys, when crossqr knows one (USD is 1–1).
pub(crate) fn usd_bounds(currency: Currency) -> Option<(rust_decimal::Decimal, rust_decimal::Decimal)> {
    if currency == Currency::USD {
        return Some((rust_decimal::Decimal::ONE, rust_decimal::Decimal::ONE));
    }
    let (_, low, high) = USD_BOUNDS.iter().find(|(code, _, _)| *code == currency.code())?;
    Some((low.parse().ok()?, high.parse().ok()?))
}

/// The currency `currency` is pegged to, if any.
pub(crate) fn anchor(currency: Currency) -> Option<Currency> {
    ANCHORS.iter().find(|(code, _)| *code == currency.code()).and_then(|(_, to)| Currency::from_code(to))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_hold_together() {
        for (code, _, _) in USD_BOUNDS {
            let c = Currency::from_code(code).unwrap();
            let (low, high) = usd_bounds(c).unwrap();
            assert!(low > rust_decimal::Decimal::ZERO && high > low, "{code}");
            // An inverted rate (USD per unit) must fall below the lowest bound.
            assert!(rust_decimal::Decimal::ONE / high < low, "{code}: a wrong-way rate would pass");
        }
        for (from, to) in ANCHORS {
            assert!(Currency::from_code(from).is_some() && Currency::from_code(to).is_some(), "{from}");
        }
        assert_eq!(anchor(Currency::from_code("MOP").unwrap()), Currency::from_code("HKD"));
        assert_eq!(anchor(Currency::JPY), None);
        assert_eq!(usd_bounds(Currency::from_code("EUR").unwrap()), None);
    }
}
