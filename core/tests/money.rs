//! Money: ISO 4217 data, parsing by currency rules, conversion (the tie cases, wrong-way rates, the
//! order of a rate table), and display across currencies × locales × amounts; property tests for
//! conversion + display, display round trips, and cross rates whatever the order of the rates.

use crossqr_core::money::display::{self, format};
use crossqr_core::money::{
    Currency, Decimal, DisplayLocale, DisplayOptions, Money, Precision, Rate, RateTable, RoundingMode, RoundingRule,
    SymbolStyle,
};
use crossqr_core::{Coded, ErrorCode};
use proptest::prelude::*;
use proptest::strategy::Just;

const NBSP: &str = "\u{a0}";

fn every_currency() -> Vec<Currency> {
    (1..=999).filter_map(Currency::from_numeric).collect()
}

#[test]
fn iso_4217_is_complete() {
    let all = every_currency();
    assert!(all.len() >= 170, "{} currencies", all.len());
    let minor = |c: &str| Currency::from_code(c).unwrap().minor_unit();
    for (code, unit) in [
        ("JPY", 0),
        ("KHR", 2),
        ("USD", 2),
        ("CNY", 2),
        ("THB", 2),
        ("VND", 0),
        ("LAK", 2),
        ("MYR", 2),
        ("SGD", 2),
        ("IDR", 2),
        ("INR", 2),
        ("KWD", 3),
        ("BHD", 3),
        ("CLF", 4),
        ("KRW", 0),
    ] {
        assert_eq!(minor(code), Some(unit), "{code}");
    }
    for c in &all {
        assert_eq!(Currency::from_code(c.code()), Some(*c));
        assert_eq!(Currency::from_numeric_str(&c.numeric_str()), Some(*c));
    }
}

#[test]
fn parse_by_currency_rules() {
    let cases: [(&str, &str, Result<&str, ErrorCode>); 12] = [
        ("JPY", "1200", Ok("1200")),
        ("JPY", "1200.5", Err(ErrorCode::TooManyDecimals)),
        ("VND", "200000.0", Err(ErrorCode::TooManyDecimals)),
        ("USD", "8.09", Ok("8.09")),
        ("USD", "8.099", Err(ErrorCode::TooManyDecimals)),
        ("KWD", "1.234", Ok("1.234")),
        ("KHR", "32900.50", Ok("32900.50")),
        ("USD", "-1", Err(ErrorCode::NegativeAmount)),
        ("USD", "1e9", Err(ErrorCode::InvalidAmount)),
        ("USD", "79228162514264337593543950336", Err(ErrorCode::AmountOverflow)),
        ("USD", "", Err(ErrorCode::InvalidAmount)),
        ("USD", "١٢", Err(ErrorCode::InvalidAmount)),
    ];
    for (code, text, want) in cases {
        let got = Money::parse_code(code, text).map(|m| m.amount().to_string()).map_err(|e| e.code);
        assert_eq!(got, want.map(str::to_owned), "{code} {text}");
    }
    assert_eq!(Money::parse_code("ABC", "1").unwrap_err().code().as_str(), "unknown_currency");
    // The KHQR whole-riel rule is a payment rule, applied by rounding, not by refusing ISO's minor unit.
    let riel = RoundingRule::for_payment(Currency::KHR).round("32900.5".parse().unwrap(), Currency::KHR).unwrap();
    assert_eq!(riel.to_string(), "32900");
}

/// (currency, amount, locale, symbol style, expected). CLDR via ICU4X, plus whole riel and JP¥/CN¥.
const DISPLAY: &[(&str, &str, &str, SymbolStyle, &str)] = &[
    ("KHR", "32900", "km", SymbolStyle::Locale, "32,900៛"),
    ("KHR", "32900", "en", SymbolStyle::Locale, "KHR\u{a0}32,900"),
    ("KHR", "32900.5", "km", SymbolStyle::Locale, "32,900.50៛"),
    ("KHR", "100", "ja", SymbolStyle::Locale, "KHR\u{a0}100"),
    ("JPY", "1200", "en", SymbolStyle::Locale, "¥1,200"),
    ("JPY", "1200", "ja", SymbolStyle::Locale, "￥1,200"),
    ("JPY", "1200", "zh", SymbolStyle::Locale, "JP¥1,200"),
    ("JPY", "1200", "km", SymbolStyle::Locale, "1,200\u{a0}JP¥"),
    ("JPY", "1200", "en", SymbolStyle::Disambiguated, "JP¥1,200"),
    ("JPY", "1200", "ja", SymbolStyle::Disambiguated, "JP¥1,200"),
    ("JPY", "1234567", "en", SymbolStyle::Code, "JPY\u{a0}1,234,567"),
    ("CNY", "23.72", "en", SymbolStyle::Locale, "CN¥23.72"),
    ("CNY", "23.72", "zh", SymbolStyle::Locale, "¥23.72"),
    ("CNY", "23.72", "ja", SymbolStyle::Locale, "元\u{a0}23.72"),
    ("CNY", "23.72", "zh", SymbolStyle::Disambiguated, "CN¥23.72"),
    ("CNY", "23.72", "ja", SymbolStyle::Disambiguated, "CN¥23.72"),
    ("CNY", "23.72", "km", SymbolStyle::Disambiguated, "23.72\u{a0}CN¥"),
    ("USD", "8.09", "en", SymbolStyle::Locale, "$8.09"),
    ("USD", "8.09", "km", SymbolStyle::Locale, "8.09$"),
    ("USD", "8.09", "zh", SymbolStyle::Locale, "US$8.09"),
    ("USD", "8", "ja", SymbolStyle::Locale, "$8.00"),
    ("USD", "1234.5", "en", SymbolStyle::Locale, "$1,234.50"),
    ("USD", "1234567.89", "km", SymbolStyle::Locale, "1,234,567.89$"),
    ("THB", "1234.50", "en", SymbolStyle::Locale, "THB\u{a0}1,234.50"),
    ("THB", "1234.50", "km", SymbolStyle::Locale, "1,234.50฿"),
    ("VND", "200000", "en", SymbolStyle::Locale, "₫200,000"),
    ("VND", "200000", "km", SymbolStyle::Locale, "200,000₫"),
    ("LAK", "12500", "en", SymbolStyle::Locale, "LAK\u{a0}12,500"),
    ("MYR", "10.50", "zh", SymbolStyle::Locale, "MYR\u{a0}10.50"),
    ("SGD", "4.2", "km", SymbolStyle::Locale, "4.20\u{a0}SGD"),
    ("IDR", "15000", "ja", SymbolStyle::Locale, "IDR\u{a0}15,000"),
    ("IDR", "15000.50", "ja", SymbolStyle::Locale, "IDR\u{a0}15,000.50"),
    ("CNY", "23.72", "zh-TW", SymbolStyle::Locale, "CN¥23.72"),
    ("TWD", "250", "zh-Hant-TW", SymbolStyle::Locale, "$250.00"),
    ("TWD", "250", "zh-HK", SymbolStyle::Locale, "NT$250.00"),
    ("INR", "1000000", "en-IN", SymbolStyle::Locale, "₹10,00,000.00"),
    ("INR", "250.50", "en", SymbolStyle::Locale, "₹250.50"),
    ("EUR", "0.99", "zh", SymbolStyle::Locale, "€0.99"),
    ("KWD", "1.5", "en", SymbolStyle::Code, "KWD\u{a0}1.500"),
];

#[test]
fn display_table() {
    for &(code, amount, locale, symbol, want) in DISPLAY {
        let m = Money::parse_code(code, amount).unwrap();
        let locale: DisplayLocale = locale.parse().unwrap();
        let got = format(&m, locale, DisplayOptions { symbol, khmer_digits: false }).unwrap();
        assert_eq!(locale.tag(), locale.to_string());
        assert_eq!(got, want, "{code} {amount} {locale:?} {symbol:?}");
        assert_eq!(display::parse(&got, m.currency(), locale).unwrap(), m, "round trip {got}");
    }
}

#[test]
fn khmer_digits() {
    let opts = DisplayOptions { symbol: SymbolStyle::Locale, khmer_digits: true };
    let khr = Money::parse_code("KHR", "32900").unwrap();
    assert_eq!(format(&khr, DisplayLocale::KM, opts).unwrap(), "៣២.៩០០៛");
    let usd = Money::parse_code("USD", "1234.56").unwrap();
    assert_eq!(format(&usd, DisplayLocale::KM, opts).unwrap(), "១.២៣៤,៥៦$");
    assert_eq!(display::parse("១.២៣៤,៥៦$", Currency::USD, DisplayLocale::KM).unwrap(), usd);
    assert_eq!(
        format(&usd, DisplayLocale::KM, DisplayOptions { symbol: SymbolStyle::Code, ..opts }).unwrap(),
        format!("១.២៣៤,៥៦{NBSP}USD")
    );
}

#[test]
fn conversion_rounds_by_the_named_rule() {
    let rate = Rate::parse("USD/KHR=4100").unwrap();
    let usd = Money::parse_code("USD", "8.01").unwrap();
    assert_eq!(
        rate.convert(usd, Currency::KHR, RoundingRule::for_payment(Currency::KHR)).unwrap().to_string(),
        "32841 KHR"
    );
    assert_eq!(rate.convert(usd, Currency::KHR, RoundingRule::HALF_EVEN).unwrap().to_string(), "32841.00 KHR");
    let khr = Money::parse_code("KHR", "32900").unwrap();
    assert_eq!(rate.convert(khr, Currency::USD, RoundingRule::HALF_EVEN).unwrap().to_string(), "8.02 USD");
    let up = RoundingRule { mode: RoundingMode::Ceiling, precision: Precision::MinorUnit };
    assert_eq!(rate.convert(khr, Currency::USD, up).unwrap().to_string(), "8.03 USD");
    let idr = Money::parse_code("USD", "2.50").unwrap();
    let rupiah =
        Rate::parse("USD/IDR=16333").unwrap().convert(idr, Currency::IDR, RoundingRule::for_payment(Currency::IDR));
    assert_eq!(rupiah.unwrap().to_string(), "40832 IDR", "whole rupiah, half-even (Alipay+)");
}

#[derive(serde::Deserialize)]
struct Ties {
    cases: Vec<Tie>,
}

#[derive(serde::Deserialize)]
struct Tie {
    id: String,
    rates: Vec<String>,
    from: String,
    amount: String,
    to: String,
    half_even: String,
    half_up: String,
    whole_half_even: Option<String>,
    whole_half_up: Option<String>,
}

fn fixture(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures").join(path))
        .unwrap()
}

/// Every tie case (`tests/fixtures/rounding/ties.json`, exact rational arithmetic) under half-even and
/// half-up, at the minor unit and at whole units, through direct, inverted and crossed rates.
#[test]
fn tie_cases_round_exactly() {
    let ties: Ties = serde_json::from_str(&fixture("rounding/ties.json")).unwrap();
    assert!(ties.cases.len() >= 18);
    let rule = |mode, precision| RoundingRule { mode, precision };
    for case in &ties.cases {
        let table = RateTable::new(case.rates.iter().map(|r| Rate::parse(r).unwrap()), 0).unwrap();
        let (from, to): (Currency, Currency) = (case.from.parse().unwrap(), case.to.parse().unwrap());
        let money = Money::parse(&case.amount, from).unwrap();
        let conversion = table.conversion(from, to).unwrap();
        let mut expected = vec![
            (rule(RoundingMode::HalfEven, Precision::MinorUnit), &case.half_even),
            (rule(RoundingMode::HalfUp, Precision::MinorUnit), &case.half_up),
        ];
        if let (Some(even), Some(up)) = (&case.whole_half_even, &case.whole_half_up) {
            expected.push((rule(RoundingMode::HalfEven, Precision::Digits(0)), even));
            expected.push((rule(RoundingMode::HalfUp, Precision::Digits(0)), up));
        }
        for (rule, want) in expected {
            let got = conversion.apply(money, rule).unwrap().amount().to_string();
            assert_eq!(&got, want, "{} under {rule:?}", case.id);
        }
        if let [single] = case.rates.as_slice() {
            let direct = Rate::parse(single).unwrap().convert(money, to, RoundingRule::HALF_EVEN).unwrap();
            assert_eq!(&direct.amount().to_string(), &case.half_even, "{} through Rate::convert", case.id);
        }
    }
}

/// A pair written the wrong way round is refused with its own code, never priced: `KHR/USD=4100`
/// once gave $134,890,000 for a 32,900-riel coffee.
#[test]
fn a_wrong_way_rate_is_refused() {
    for (text, code) in [
        ("KHR/USD=4100", ErrorCode::ImplausibleRate),
        ("JPY/USD=150.25", ErrorCode::ImplausibleRate),
        ("CNY/USD=7.12", ErrorCode::ImplausibleRate),
        ("IDR/USD=16650", ErrorCode::ImplausibleRate),
        ("USD/KHR=0.000244", ErrorCode::ImplausibleRate),
        ("USD/KHR=41000", ErrorCode::ImplausibleRate),
    ] {
        assert_eq!(Rate::parse(text).unwrap_err().code(), code, "{text}");
    }
    let rates = crossqr_core::api::wire::Rates {
        as_of_ms: 0,
        source: "test".into(),
        rates: [("KHR/USD".to_owned(), "4100".to_owned())].into(),
    };
    assert_eq!(rates.to_table().unwrap_err().code(), ErrorCode::ImplausibleRate);
    assert!(Rate::parse("USD/KHR=4100").is_ok() && Rate::parse("KHR/USD=0.000244").is_ok());
}

/// A table of rates whose crosses could be taken several ways: the bridge is chosen by rule.
const CROSSABLE: [&str; 8] = [
    "USD/KHR=4100",
    "USD/JPY=150.25",
    "USD/CNY=7.12",
    "EUR/JPY=162.5",
    "EUR/KHR=4420",
    "CNY/JPY=21.2",
    "SGD/MYR=3.3",
    "HKD/MOP=1.03",
];

fn locale() -> impl Strategy<Value = DisplayLocale> {
    let tags = ["en", "en-IN", "km", "ja", "zh", "zh-Hant", "zh-TW", "zh-HK"];
    proptest::sample::select(tags.map(|t| t.parse::<DisplayLocale>().unwrap()).to_vec())
}

fn currency() -> impl Strategy<Value = Currency> {
    proptest::sample::select(every_currency())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Any amount of any currency, converted at any positive rate into any currency, displays in every
    /// locale without panicking, and what is displayed reads back to the amount.
    #[test]
    fn conversion_then_display(units in 0u64..10_000_000_000_000, from in currency(), to in currency(),
                               price_units in 1i64..1_000_000_000_000, price_scale in 0u32..12,
                               locale in locale(), khmer_digits in any::<bool>(), style in 0u8..3) {
        let minor = from.minor_unit().unwrap_or(0);
        let Ok(money) = Money::new(Decimal::from_i128_with_scale(i128::from(units), minor), from) else { return Ok(()) };
        let symbol = [SymbolStyle::Locale, SymbolStyle::Disambiguated, SymbolStyle::Code][usize::from(style)];
        let opts = DisplayOptions { symbol, khmer_digits };
        let shown = format(&money, locale, opts).unwrap();
        prop_assert_eq!(display::parse(&shown, from, locale).unwrap(), money);
        let pair = format!("{from}/{to}").parse().unwrap();
        if let (true, Ok(rate)) = (from != to, Rate::new(pair, Decimal::new(price_units, price_scale))) {
            if let Ok(converted) = rate.convert(money, to, RoundingRule::for_payment(to)) {
                let shown = format(&converted, locale, opts).unwrap();
                prop_assert_eq!(display::parse(&shown, to, locale).unwrap(), converted);
            }
            let table = RateTable::new([rate], 0).unwrap();
            let _ = table.indicative(money, to, 0, i64::MAX);
        }
    }

    /// Any permutation of the same rates gives the same answer for every pair of their currencies.
    #[test]
    fn cross_rates_do_not_depend_on_the_order_of_the_rates(
        order in Just(CROSSABLE.to_vec()).prop_shuffle(), units in 1u64..100_000_000
    ) {
        let table = |rates: &[&str]| RateTable::new(rates.iter().map(|r| Rate::parse(r).unwrap()), 0).unwrap();
        let (reference, shuffled) = (table(&CROSSABLE), table(&order));
        let currencies: Vec<Currency> = ["USD", "KHR", "JPY", "CNY", "EUR", "SGD", "MYR", "HKD", "MOP"]
            .iter().map(|c| c.parse().unwrap()).collect();
        for &from in &currencies {
            for &to in &currencies {
                let Ok(money) = Money::new(Decimal::from_i128_with_scale(i128::from(units), 2), from) else { continue };
                let convert = |t: &RateTable| {
                    t.conversion(from, to).and_then(|c| c.apply(money, RoundingRule::for_payment(to))).map_err(|e| e.code)
                };
                prop_assert_eq!(convert(&reference), convert(&shuffled), "{} → {}", from, to);
            }
        }
    }

    #[test]
    fn parsing_never_panics(text in any::<String>(), c in currency(), locale in locale()) {
        let _ = Money::parse(&text, c);
        let _ = display::parse(&text, c, locale);
        let _ = Rate::parse(&text);
        let _ = text.parse::<DisplayLocale>();
    }
}
