//! Locale display of money with CLDR data through ICU4X (`icu_experimental`'s currency formatter
//! and `icu_decimal`): grouping, decimal separator, symbol and its placement (`¥1,200`, `32,900៛`,
//! `￥1,200` in Japanese, `CN¥` in Traditional Chinese, `₹1,00,000.00` in Indian English), optional
//! Khmer digits.
//!
//! A [`DisplayLocale`] is a BCP 47 tag kept whole — language, script and region — for the formatter,
//! and one of the five label languages (`en`, `km`, `ja`, `zh` Simplified, `zh-Hant` Traditional) for
//! the confirm screen; any other language, script, variant or extension is refused
//! (`unsupported_locale`), never folded.
//!
//! Digits shown are CLDR's for the currency (the same CLDR 49 data: IDR and LAK have none, JPY none,
//! most two), with two rules on top, both explicit here:
//! - riel is shown whole when it is whole (KHQR allows only whole riel), and any amount more precise
//!   than CLDR's digits is shown in full, never rounded away;
//! - [`SymbolStyle::Disambiguated`] writes `JP¥`/`CN¥` for the two yen, for screens that hold both.

use std::fmt;
use std::str::FromStr;

use fixed_decimal::Decimal as FixedDecimal;
use icu_decimal::DecimalFormatter;
use icu_experimental::dimension::currency::CurrencyType;
use icu_experimental::dimension::currency::formatter::CurrencyFormatter;
use icu_experimental::dimension::provider::currency::fractions::CurrencyFractionsV1;
use icu_locale_core::subtags::{Language, Region, Script, language, region, script};
use icu_locale_core::{LanguageIdentifier, Locale};
use icu_provider::prelude::*;
use rust_decimal::Decimal;

use super::{Currency, Money, MoneyError};
use crate::error::ErrorCode;

/// The languages the confirm screen has labels in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LabelLanguage {
    /// English.
    En,
    /// Khmer.
    Km,
    /// Japanese.
    Ja,
    /// Simplified Chinese (`zh`, `zh-Hans`, `zh-CN`, `zh-SG`).
    ZhHans,
    /// Traditional Chinese (`zh-Hant`, `zh-TW`, `zh-HK`, `zh-MO`).
    ZhHant,
}

/// A display locale: a BCP 47 tag kept whole (language, script, region) and its label language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DisplayLocale {
    language: Language,
    script: Option<Script>,
    region: Option<Region>,
}

impl Default for DisplayLocale {
    fn default() -> Self {
        DisplayLocale::EN
    }
}

const fn bare(language: Language) -> DisplayLocale {
    DisplayLocale { language, script: None, region: None }
}

impl DisplayLocale {
    /// English (`en`).
    pub const EN: DisplayLocale = bare(language!("en"));
    /// Khmer (`km`).
    pub const KM: DisplayLocale = bare(language!("km"));
    /// Japanese (`ja`).
    pub const JA: DisplayLocale = bare(language!("ja"));
    /// Chinese, Simplified (`zh`).
    pub const ZH: DisplayLocale = bare(language!("zh"));
    /// Chinese, Traditional (`zh-Hant`: CLDR's Taiwan conventions).
    pub const ZH_HANT: DisplayLocale =
        DisplayLocale { language: language!("zh"), script: Some(script!("Hant")), region: None };
    /// One locale per label language.
    pub const LABELLED: [DisplayLocale; 5] =
        [DisplayLocale::EN, DisplayLocale::KM, DisplayLocale::JA, DisplayLocale::ZH, DisplayLocale::ZH_HANT];

    /// The language subtag, e.g. `zh` (what a code's alternate-language template names).
    pub fn language(&self) -> &str {
        self.language.as_str()
    }

    /// The whole tag, e.g. `zh-Hant-TW`, `en-IN`.
    pub fn tag(&self) -> String {
        self.id().to_string()
    }

    /// The first of the user's preferred locales that crossqr displays, most preferred first as the
    /// phone lists them (Android `LocaleList`, iOS `Locale.preferredLanguages`), else English. Each
    /// preference is read whole, as [`FromStr`] reads it: `fr-FR` is passed over, never folded into
    /// something near it.
    pub fn negotiate<'a>(preferences: impl IntoIterator<Item = &'a str>) -> DisplayLocale {
        preferences.into_iter().find_map(|tag| tag.parse().ok()).unwrap_or(DisplayLocale::EN)
    }

    /// The language the confirm screen's labels are in.
    pub fn labels(&self) -> LabelLanguage {
        match (self.language.as_str(), self.chinese_script()) {
            ("km", _) => LabelLanguage::Km,
            ("ja", _) => LabelLanguage::Ja,
            (_, Some(s)) if s == script!("Hant") => LabelLanguage::ZhHant,
            (_, Some(_)) => LabelLanguage::ZhHans,
            _ => LabelLanguage::En,
        }
    }

    /// For Chinese, the script: as written, else Traditional in TW, HK and MO and Simplified elsewhere
    /// (CLDR likely subtags).
    fn chinese_script(&self) -> Option<Script> {
        if self.language != language!("zh") {
            return None;
        }
        let traditional = self.region.is_some_and(|r| [region!("TW"), region!("HK"), region!("MO")].contains(&r));
        Some(self.script.unwrap_or(if traditional { script!("Hant") } else { script!("Hans") }))
    }

    fn id(&self) -> LanguageIdentifier {
        let mut id = LanguageIdentifier::UNKNOWN;
        (id.language, id.script, id.region) = (self.language, self.script, self.region);
        id
    }

    /// The ICU locale: the whole tag, Chinese with its script spelled out (`zh-TW` → `zh-Hant-TW`).
    fn icu(&self, khmer_digits: bool) -> Locale {
        let mut id = self.id();
        id.script = self.chinese_script().or(id.script);
        let mut locale = Locale::from(id.clone());
        if khmer_digits {
            locale = Locale::try_from_str(&format!("{id}-u-nu-khmr")).unwrap_or(locale);
        }
        locale
    }
}

impl fmt::Display for DisplayLocale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.id())
    }
}

impl FromStr for DisplayLocale {
    type Err = MoneyError;

    /// Reads a BCP 47 tag (`en`, `en-IN`, `km-KH`, `ja-JP`, `zh`, `zh-Hans-CN`, `zh-TW`, `zh-Hant-HK`;
    /// `_` is read as `-`). The language must be `en`, `km`, `ja` or `zh` in its own script; Chinese
    /// without a script is Traditional in TW, HK and MO and Simplified elsewhere (CLDR likely
    /// subtags). Variants and extensions are refused.
    fn from_str(tag: &str) -> Result<Self, MoneyError> {
        let refuse = |why: &str| {
            MoneyError::new(
                ErrorCode::UnsupportedLocale,
                format!("locale {tag:?}: {why} (supported: en, km, ja, zh, zh-Hant, with any region)"),
            )
        };
        let locale = Locale::try_from_str(&tag.replace('_', "-")).map_err(|_| refuse("not a BCP 47 tag"))?;
        if !locale.extensions.is_empty() || !locale.id.variants.is_empty() {
            return Err(refuse("variants and extensions are not supported"));
        }
        let LanguageIdentifier { language, script, region, .. } = locale.id;
        let scripts: &[Script] = match language.as_str() {
            "en" => &[script!("Latn")],
            "km" => &[script!("Khmr")],
            "ja" => &[script!("Jpan")],
            "zh" => &[script!("Hans"), script!("Hant")],
            _ => return Err(refuse("no labels in this language")),
        };
        if script.is_some_and(|s| !scripts.contains(&s)) {
            return Err(refuse("not a script the language is shown in"));
        }
        Ok(DisplayLocale { language, script, region })
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

/// CLDR's fraction digits for `currency` (ICU4X's CLDR 49 data), the ISO minor unit if it has none.
fn cldr_digits(currency: Currency) -> u32 {
    let iso = currency.minor_unit().unwrap_or(0);
    let Ok(code) = CurrencyType::try_from_str(currency.code()) else { return iso };
    let loaded: Result<DataResponse<CurrencyFractionsV1>, _> =
        icu_experimental::provider::Baked.load(Default::default());
    loaded.map_or(iso, |r| u32::from(r.payload.get().resolve(code).digits))
}

/// Decimal places shown for `money`: CLDR's digits for the currency (whole riel shown without
/// decimals); an amount that needs more is shown with all of them, at least the ISO minor unit
/// (`IDR 15,000.50`, never `IDR 15,000.5` nor `IDR 15,001`).
fn display_scale(money: &Money) -> u32 {
    let (scale, currency) = (money.amount().normalize().scale(), money.currency());
    let cldr = if currency == Currency::KHR { 0 } else { cldr_digits(currency) };
    if scale <= cldr { cldr } else { scale.max(currency.minor_unit().unwrap_or(0)) }
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

/// Formats a plain number (no currency) with the locale's grouping and separators, with exactly the
/// decimals `value` is written with (`1.00` stays `1.00`).
pub fn format_number(value: Decimal, locale: DisplayLocale, khmer_digits: bool) -> Result<String, MoneyError> {
    Ok(decimal_formatter(locale, khmer_digits)?.format(&fixed(value, value.scale())?).to_string())
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

    fn tag(t: &str) -> DisplayLocale {
        t.parse().unwrap()
    }

    #[test]
    fn riel_is_whole_and_yen_disambiguates() {
        let (en, km, ja) = (DisplayLocale::EN, DisplayLocale::KM, DisplayLocale::JA);
        assert_eq!(show("KHR", "32900", km, SymbolStyle::Locale), "32,900៛");
        assert_eq!(show("KHR", "32900.50", km, SymbolStyle::Locale), "32,900.50៛", "never rounds away");
        assert_eq!(show("JPY", "1200", en, SymbolStyle::Locale), "¥1,200");
        assert_eq!(show("JPY", "1200", en, SymbolStyle::Disambiguated), "JP¥1,200");
        assert_eq!(show("CNY", "23.72", ja, SymbolStyle::Disambiguated), "CN¥23.72");
        assert_eq!(show("JPY", "1200", km, SymbolStyle::Disambiguated), format!("1,200{NBSP}JP¥"));
        assert_eq!(show("KHR", "32900", en, SymbolStyle::Locale), format!("KHR{NBSP}32,900"));
        assert_eq!(show("USD", "8", en, SymbolStyle::Code), format!("USD{NBSP}8.00"));
    }

    #[test]
    fn digits_are_cldr_s() {
        let en = DisplayLocale::EN;
        assert_eq!(show("IDR", "15000", en, SymbolStyle::Locale), format!("IDR{NBSP}15,000"));
        assert_eq!(
            show("IDR", "15000.50", en, SymbolStyle::Locale),
            format!("IDR{NBSP}15,000.50"),
            "never rounds away"
        );
        assert_eq!(show("LAK", "12500", en, SymbolStyle::Locale), format!("LAK{NBSP}12,500"));
        assert_eq!(show("TWD", "12", en, SymbolStyle::Locale), "NT$12.00");
        assert_eq!(cldr_digits(Currency::JPY), 0);
        assert_eq!(cldr_digits(Currency::IDR), 0);
        assert_eq!(cldr_digits(Currency::USD), 2);
    }

    #[test]
    fn traditional_chinese_and_indian_english() {
        assert_eq!(show("CNY", "23.72", tag("zh-TW"), SymbolStyle::Locale), "CN¥23.72");
        assert_eq!(show("CNY", "23.72", tag("zh-Hant-HK"), SymbolStyle::Locale), "CN¥23.72");
        assert_eq!(show("CNY", "23.72", tag("zh"), SymbolStyle::Locale), "¥23.72");
        assert_eq!(show("TWD", "1234.5", tag("zh-Hant-TW"), SymbolStyle::Locale), "$1,234.50");
        assert_eq!(show("TWD", "1234.5", tag("zh-HK"), SymbolStyle::Locale), "NT$1,234.50");
        assert_eq!(show("INR", "100000", tag("en-IN"), SymbolStyle::Locale), "₹1,00,000.00");
        assert_eq!(show("INR", "100000", tag("en"), SymbolStyle::Locale), "₹100,000.00");
    }

    #[test]
    fn parses_what_it_displays() {
        for locale in DisplayLocale::LABELLED.into_iter().chain([tag("en-IN"), tag("zh-HK")]) {
            for khmer_digits in [false, true] {
                for (code, amount) in [("KHR", "32900"), ("JPY", "1200"), ("USD", "1234567.89"), ("CNY", "0.05")] {
                    let m = Money::parse_code(code, amount).unwrap();
                    let opts = DisplayOptions { symbol: SymbolStyle::Disambiguated, khmer_digits };
                    let shown = format(&m, locale, opts).unwrap();
                    assert_eq!(parse(&shown, m.currency(), locale).unwrap(), m, "{shown}");
                }
            }
        }
        assert!(parse("free", Currency::USD, DisplayLocale::EN).is_err());
        assert!(parse("$1.2.3", Currency::USD, DisplayLocale::EN).is_err());
    }

    #[test]
    fn the_first_preference_crossqr_displays_wins_else_english() {
        assert_eq!(DisplayLocale::negotiate(["fr-FR", "km-KH", "en-US"]).tag(), "km-KH");
        assert_eq!(DisplayLocale::negotiate(["zh-Hant-TW", "ja-JP"]).tag(), "zh-Hant-TW");
        assert_eq!(DisplayLocale::negotiate(["fr-FR", "de"]), DisplayLocale::EN);
        assert_eq!(DisplayLocale::negotiate([]), DisplayLocale::EN);
        assert_eq!(
            DisplayLocale::negotiate(["en-US-u-nu-khmr", "ja"]),
            DisplayLocale::JA,
            "an extension is passed over"
        );
    }

    #[test]
    fn locales_are_kept_whole_and_never_folded() {
        assert_eq!(tag("km-KH").labels(), LabelLanguage::Km);
        assert_eq!(tag("km-KH").tag(), "km-KH");
        assert_eq!(tag("zh_Hans_CN").labels(), LabelLanguage::ZhHans);
        assert_eq!(tag("zh").labels(), LabelLanguage::ZhHans);
        assert_eq!(tag("zh-SG").labels(), LabelLanguage::ZhHans);
        for traditional in ["zh-Hant", "zh-TW", "zh-HK", "zh-MO", "zh-Hant-HK", "ZH-hant-tw"] {
            assert_eq!(tag(traditional).labels(), LabelLanguage::ZhHant, "{traditional}");
        }
        assert_eq!(tag("zh-Hans-TW").labels(), LabelLanguage::ZhHans, "a script as written wins");
        assert_eq!(tag("en-IN").tag(), "en-IN");
        assert_eq!(tag("zh").language(), "zh");
        assert_eq!(tag("ja"), DisplayLocale::JA);
        for bad in ["fr", "ko-KR", "zh-Latn", "en-Khmr", "en-US-u-nu-khmr", "en-US-posix", "", "x", "en--US"] {
            assert_eq!(bad.parse::<DisplayLocale>().unwrap_err().code().as_str(), "unsupported_locale", "{bad}");
        }
    }
}
