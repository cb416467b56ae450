//! Locale display of money with CLDR data through ICU4X (`icu_experimental`'s currency formatter
//! and `icu_decimal`): grouping, decimal separator, symbol and its placement (`¥1,200`, `32,900៛`,
//! `￥1,200` in Japanese), optional Khmer digits.
//!
//! Two rules sit on top of CLDR, both explicit here:
//! - digits shown: the currency's minor unit, except riel, shown whole (KHQR allows only whole riel);
//!   an amount more precise than that is shown in full, never rounded away;
//! - [`SymbolStyle::Disambiguated`] writes `JP¥`/`CN¥` for the two yen, for screens that hold both.

use std::str::FromStr;

use fixed_decimal::Decimal as FixedDecimal;
use icu_decimal::DecimalFormatter;
use icu_experimental::dimension::currency::CurrencyType;
use icu_experimental::dimension::currency::formatter::CurrencyFormatter;
use icu_locale_core::Locale;
use rust_decimal::Decimal;

use super::{Currency, Money, MoneyError};
use crate::error::ErrorCode;

/// The languages crossqr displays money in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DisplayLocale {
    /// English.
    #[default]
    En,
    /// Khmer.
    Km,
    /// Japanese.
    Ja,
    /// Chinese (Simplified).
    Zh,
}

impl DisplayLocale {
    /// All supported locales.
    pub const ALL: [DisplayLocale; 4] = [DisplayLocale::En, DisplayLocale::Km, DisplayLocale::Ja, DisplayLocale::Zh];

    /// BCP 47 language tag.
    pub fn tag(self) -> &'static str {
        match self {
            DisplayLocale::En => "en",
            DisplayLocale::Km => "km",
            DisplayLocale::Ja => "ja",
            DisplayLocale::Zh => "zh",
        }
    }

    fn icu(self, khmer_digits: bool) -> Locale {
        let tag = if khmer_digits { format!("{}-u-nu-khmr", self.tag()) } else { self.tag().to_owned() };
        Locale::try_from_str(&tag).unwrap_or(Locale::UNKNOWN)
    }
}

impl FromStr for DisplayLocale {
    type Err = MoneyError;

    /// Accepts a BCP 47 tag by its language: `en-US`, `km-KH`, `ja_JP`, `zh-Hans-CN`.
    fn from_str(tag: &str) -> Result<Self, MoneyError> {
        let language = tag.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
        DisplayLocale::ALL.into_iter().find(|l| l.tag() == language).ok_or_else(|| {
            MoneyError::new(
                ErrorCode::UnsupportedLocale,
                format!("no display data for locale {tag:?} (en, km, ja, zh)"),
            )
        })
    }
}

/// Which currency symbol to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SymbolStyle {
    /// The locale's CLDR symbol (`¥` for JPY in English, `￥` in Japanese, ISO code where CLDR has none).
    #[default]
    Locale,
    /// As `Locale`, but the two yen always as `JP¥` and `CN¥`.
    Disambiguated,
    /// The ISO 4217 code (`JPY 1,200`).
    Code,
}

/// How to display money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DisplayOptions {
    /// Symbol style.
    pub symbol: SymbolStyle,
    /// Khmer digits (០១២…) instead of Latin ones.
    pub khmer_digits: bool,
}

fn data_error(e: impl std::fmt::Display) -> MoneyError {
    MoneyError::new(ErrorCode::UnsupportedLocale, format!("locale data: {e}"))
}

/// Decimal places shown for `money`: the currency's minor unit (whole riel shown without decimals),
/// or more if the amount has them.
fn display_scale(money: &Money) -> u32 {
    let scale = money.amount().normalize().scale();
    let minor = money.currency().minor_unit().unwrap_or(0);
    if money.currency() == Currency::KHR && scale == 0 { 0 } else { minor.max(scale) }
}

/// `value` with exactly `scale` decimal places, as ICU4X's decimal.
fn fixed(value: Decimal, scale: u32) -> Result<FixedDecimal, MoneyError> {
    let mut v = value.normalize();
    v.rescale(scale);
    FixedDecimal::from_str(&v.to_string()).map_err(data_error)
}

fn decimal_formatter(locale: DisplayLocale, khmer_digits: bool) -> Result<DecimalFormatter, MoneyError> {
    DecimalFormatter::try_new((&locale.icu(khmer_digits)).into(), Default::default()).map_err(data_error)
}

/// Formats a plain number (no currency) with the locale's grouping and separators.
pub fn format_number(value: Decimal, locale: DisplayLocale, khmer_digits: bool) -> Result<String, MoneyError> {
    let scale = value.normalize().scale();
    Ok(decimal_formatter(locale, khmer_digits)?.format(&fixed(value, scale)?).to_string())
}

/// Formats `money` for `locale`.
pub fn format(money: &Money, locale: DisplayLocale, options: DisplayOptions) -> Result<String, MoneyError> {
    let icu_locale = locale.icu(options.khmer_digits);
    let value = fixed(money.amount(), display_scale(money))?;
    let number = decimal_formatter(locale, options.khmer_digits)?.format(&value).to_string();
    let code = money.currency().code().to_ascii_lowercase();
    let currency = CurrencyType::try_from_str(&code).map_err(data_error)?;
    let prefs = (&icu_locale).into();
    let cldr = match options.symbol {
        SymbolStyle::Code => CurrencyFormatter::try_new_code(prefs, currency, Default::default()),
        SymbolStyle::Locale | SymbolStyle::Disambiguated => {
            CurrencyFormatter::try_new_symbol(prefs, currency, Default::default())
        }
    }
    .map_err(data_error)?
    .format_fixed_decimal(&value)
    .to_string();
    // CLDR's rendering pads to CLDR's fraction digits; keep its symbol and spacing, put our number in.
    let (prefix, suffix) = affixes(&cldr);
    let yen = match money.currency() {
        Currency::JPY => Some("JP¥"),
        Currency::CNY => Some("CN¥"),
        _ => None,
    };
    Ok(match (options.symbol, yen) {
        (SymbolStyle::Disambiguated, Some(symbol)) => {
            let (prefix, suffix) = with_symbol(prefix, suffix, symbol);
            format!("{prefix}{number}{suffix}")
        }
        _ => format!("{prefix}{number}{suffix}"),
    })
}

/// The text before the first digit and after the last one.
fn affixes(formatted: &str) -> (&str, &str) {
    let first = formatted.find(|c: char| c.is_numeric()).unwrap_or(formatted.len());
    let last = formatted
        .rfind(|c: char| c.is_numeric())
        .map_or(formatted.len(), |i| i + formatted[i..].chars().next().map_or(0, char::len_utf8));
    (&formatted[..first], &formatted[last.max(first)..])
}

fn is_gap(c: char) -> bool {
    c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}'
}

/// Puts `symbol` where the CLDR symbol was, spaced as CLDR spaces it: a no-break space between a
/// letter and the number, none between a symbol character (`¥`) and the number.
fn with_symbol(prefix: &str, suffix: &str, symbol: &str) -> (String, String) {
    if !prefix.trim_matches(is_gap).is_empty() || suffix.trim_matches(is_gap).is_empty() {
        let gap = if symbol.chars().last().is_some_and(char::is_alphabetic) { "\u{a0}" } else { "" };
        (format!("{symbol}{gap}"), suffix.to_owned())
    } else {
        let gap = if symbol.chars().next().is_some_and(char::is_alphabetic) { "\u{a0}" } else { "" };
        (prefix.to_owned(), format!("{gap}{symbol}"))
    }
}

/// Reads back a displayed amount of `currency` (Latin or Khmer digits, the locale's separators).
pub fn parse(text: &str, currency: Currency, locale: DisplayLocale) -> Result<Money, MoneyError> {
    let invalid = || MoneyError::new(ErrorCode::InvalidAmount, format!("{text:?} is not a displayed amount"));
    let khmer = text.chars().any(|c| ('០'..='៩').contains(&c));
    let sample = decimal_formatter(locale, khmer)?.format(&fixed(Decimal::new(12345, 1), 1)?).to_string();
    let (group, decimal) = separators(&sample).ok_or_else(invalid)?;
    let first = text.find(|c: char| c.is_numeric()).ok_or_else(invalid)?;
    let last = text.rfind(|c: char| c.is_numeric()).ok_or_else(invalid)?;
    let mut plain = String::new();
    for c in text[first..].chars().take_while({
        let mut at = first;
        move |c| {
            let keep = at <= last;
            at += c.len_utf8();
            keep
        }
    }) {
        match c {
            '០'..='៩' => plain.push(char::from(b'0' + (c as u32 - '០' as u32) as u8)),
            '0'..='9' => plain.push(c),
            c if c == group => {}
            c if c == decimal => plain.push('.'),
            _ => return Err(invalid()),
        }
    }
    Money::parse(&plain, currency)
}

/// (group, decimal) separators seen in the locale's rendering of 1234.5.
fn separators(sample: &str) -> Option<(char, char)> {
    let mut non_digits = sample.chars().filter(|c| !c.is_numeric());
    Some((non_digits.next()?, non_digits.next()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Coded as _;

    const NBSP: char = '\u{a0}';

    fn show(code: &str, amount: &str, locale: DisplayLocale, symbol: SymbolStyle) -> String {
        let m = Money::parse_code(code, amount).unwrap();
        format(&m, locale, DisplayOptions { symbol, khmer_digits: false }).unwrap()
    }

    #[test]
    fn riel_is_whole_and_yen_disambiguates() {
        use DisplayLocale::*;
        assert_eq!(show("KHR", "32900", Km, SymbolStyle::Locale), "32,900៛");
        assert_eq!(show("KHR", "32900.50", Km, SymbolStyle::Locale), "32,900.50៛", "never rounds away");
        assert_eq!(show("JPY", "1200", En, SymbolStyle::Locale), "¥1,200");
        assert_eq!(show("JPY", "1200", En, SymbolStyle::Disambiguated), "JP¥1,200");
        assert_eq!(show("CNY", "23.72", Ja, SymbolStyle::Disambiguated), "CN¥23.72");
        assert_eq!(show("JPY", "1200", Km, SymbolStyle::Disambiguated), format!("1,200{NBSP}JP¥"));
        assert_eq!(show("KHR", "32900", En, SymbolStyle::Locale), format!("KHR{NBSP}32,900"));
        assert_eq!(show("USD", "8", En, SymbolStyle::Code), format!("USD{NBSP}8.00"));
    }

    #[test]
    fn parses_what_it_displays() {
        for locale in DisplayLocale::ALL {
            for khmer_digits in [false, true] {
                for (code, amount) in [("KHR", "32900"), ("JPY", "1200"), ("USD", "1234567.89"), ("CNY", "0.05")] {
                    let m = Money::parse_code(code, amount).unwrap();
                    let opts = DisplayOptions { symbol: SymbolStyle::Disambiguated, khmer_digits };
                    let shown = format(&m, locale, opts).unwrap();
                    assert_eq!(parse(&shown, m.currency(), locale).unwrap(), m, "{shown}");
                }
            }
        }
        assert!(parse("free", Currency::USD, DisplayLocale::En).is_err());
        assert!(parse("$1.2.3", Currency::USD, DisplayLocale::En).is_err());
    }

    #[test]
    fn locales_parse_from_tags() {
        assert_eq!("km-KH".parse::<DisplayLocale>().unwrap(), DisplayLocale::Km);
        assert_eq!("zh_Hans_CN".parse::<DisplayLocale>().unwrap(), DisplayLocale::Zh);
        assert_eq!("fr".parse::<DisplayLocale>().unwrap_err().code().as_str(), "unsupported_locale");
    }
}
