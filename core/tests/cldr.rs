//! crossqr's display against CLDR: every currency the product meets × every label language and the
//! regional tags that change the result, from `tests/fixtures/cldr/currency-display.json` (ICU 78.2
//! and Babel 2.19 / CLDR 49; see its README).

use crossqr_core::money::display::{self, format};
use crossqr_core::money::{DisplayLocale, DisplayOptions, Money, SymbolStyle};

#[derive(serde::Deserialize)]
struct Table {
    source: String,
    records: Vec<Record>,
}

#[derive(serde::Deserialize)]
struct Record {
    locale: String,
    currency: String,
    amount: String,
    given: String,
    expected: String,
    expected_code: String,
    babel: String,
    rule: Option<String>,
}

fn table() -> Table {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/cldr/currency-display.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn every_currency_in_every_locale_is_shown_as_cldr_shows_it() {
    let table = table();
    assert!(table.source.contains("CLDR 49"), "{}", table.source);
    let mut failures = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for r in &table.records {
        seen.insert((r.locale.as_str(), r.currency.as_str()));
        let locale: DisplayLocale = r.locale.parse().unwrap_or_else(|e| panic!("{}: {e}", r.locale));
        let money = Money::parse_code(&r.currency, &r.given).unwrap();
        for (symbol, want) in [(SymbolStyle::Locale, &r.expected), (SymbolStyle::Code, &r.expected_code)] {
            let got = format(&money, locale, DisplayOptions { symbol, khmer_digits: false }).unwrap();
            if &got != want {
                failures.push(format!("{} {} {} ({symbol:?}): {got:?} ≠ {want:?}", r.locale, r.currency, r.amount));
            }
            assert_eq!(display::parse(&got, money.currency(), locale).unwrap(), money, "{got} reads back");
        }
        // The fixture agrees with CLDR 49 (Babel, which writes no currency spacing) wherever no crossqr
        // rule applies.
        if r.rule.is_none() {
            assert_eq!(r.expected.replace('\u{a0}', ""), r.babel, "{} {} {}", r.locale, r.currency, r.amount);
        }
    }
    assert!(failures.is_empty(), "{} of {} differ:\n{}", failures.len(), table.records.len(), failures.join("\n"));
    assert_eq!(seen.len(), 13 * 10, "13 currencies × 10 locales");
}
