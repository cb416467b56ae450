//! `PaymentSummary`: every line a confirm screen shows, formatted here so no shell formats money.
//! It follows the disclosure a cross-border wallet owes the payer before approval: the amount the
//! merchant receives in its currency, the amount debited in the home currency, the effective rate
//! (debit ÷ credit, markup and fees included), fees on their own lines, and whether the price is
//! indicative (with the rate's age) or firm (with the time left).

use rust_decimal::Decimal;

use super::display::{self, DisplayLocale, DisplayOptions, SymbolStyle};
use super::{Currency, IndicativeQuote, Money, MoneyError, Quote};

/// One labelled line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryLine {
    /// Stable key: `merchant_amount`, `amount`, `fee`, `total`, `rate`, `status`.
    pub key: String,
    /// Label in the display language.
    pub label: String,
    /// Formatted value.
    pub value: String,
}

/// How the home-currency amount is known.
#[derive(Debug, Clone, Copy)]
pub enum Pricing<'q> {
    /// The payer pays in the merchant's currency.
    Domestic,
    /// From cached rates, before a firm quote.
    Indicative(&'q IndicativeQuote),
    /// From the backend's firm quote.
    Firm(&'q Quote),
}

/// What the confirm screen shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentSummary {
    /// Merchant name as given.
    pub merchant_name: Option<String>,
    /// What the merchant receives, in its currency (`¥1,200`).
    pub merchant_amount: String,
    /// The converted amount in the home currency before fees; `None` when paying in the merchant's currency.
    pub home_amount: Option<String>,
    /// Effective rate line (`1 USD = 148.35 JPY`); `None` when no conversion.
    pub rate: Option<String>,
    /// Fee lines.
    pub fees: Vec<SummaryLine>,
    /// Total that leaves the payer's account.
    pub total: String,
    /// True when the home amount is indicative (cached rate), not a firm quote.
    pub indicative: bool,
    /// Seconds a firm quote is still honoured.
    pub expires_in_s: Option<i64>,
    /// "Indicative · rate 5 min old" / "Rate held for 2:31", in the display language.
    pub status: Option<String>,
    /// Every line above in display order, labelled.
    pub lines: Vec<SummaryLine>,
}

struct Labels {
    merchant_amount: &'static str,
    amount: &'static str,
    total: &'static str,
    rate: &'static str,
    indicative: &'static str,
    held_for: &'static str,
    units: [&'static str; 3],
}

fn labels(locale: DisplayLocale) -> Labels {
    match locale {
        DisplayLocale::En => Labels {
            merchant_amount: "Merchant receives",
            amount: "Amount",
            total: "Total debited",
            rate: "Effective rate",
            indicative: "Indicative · rate {} old",
            held_for: "Rate held for {}",
            units: [" s", " min", " h"],
        },
        DisplayLocale::Km => Labels {
            merchant_amount: "អ្នកលក់ទទួលបាន",
            amount: "ចំនួនទឹកប្រាក់",
            total: "សរុបដែលត្រូវកាត់",
            rate: "អត្រាប្តូរប្រាក់ជាក់ស្តែង",
            indicative: "ប្រហាក់ប្រហែល · អត្រាកាលពី {} មុន",
            held_for: "អត្រានេះនៅសល់ {}",
            units: [" វិនាទី", " នាទី", " ម៉ោង"],
        },
        DisplayLocale::Ja => Labels {
            merchant_amount: "加盟店の受取額",
            amount: "金額",
            total: "引落合計",
            rate: "実効レート",
            indicative: "参考レート · {}前のレート",
            held_for: "レート有効期限 残り{}",
            units: ["秒", "分", "時間"],
        },
        DisplayLocale::Zh => Labels {
            merchant_amount: "商户收款",
            amount: "金额",
            total: "扣款总额",
            rate: "实际汇率",
            indicative: "参考汇率 · {}前的汇率",
            held_for: "汇率有效期剩余 {}",
            units: ["秒", "分钟", "小时"],
        },
    }
}

impl PaymentSummary {
    /// Builds the summary for paying `credit` to `merchant_name`, priced by `pricing`, at `now_ms`.
    pub fn new(
        merchant_name: Option<&str>,
        credit: &Money,
        pricing: Pricing<'_>,
        locale: DisplayLocale,
        khmer_digits: bool,
        now_ms: i64,
    ) -> Result<PaymentSummary, MoneyError> {
        let l = labels(locale);
        let home = match pricing {
            Pricing::Domestic => credit.currency(),
            Pricing::Indicative(q) => q.debit.currency(),
            Pricing::Firm(q) => q.home(),
        };
        // Both yen on one screen: write JP¥ and CN¥.
        let both_yen =
            [credit.currency(), home].contains(&Currency::JPY) && [credit.currency(), home].contains(&Currency::CNY);
        let symbol = if both_yen { SymbolStyle::Disambiguated } else { SymbolStyle::Locale };
        let opts = DisplayOptions { symbol, khmer_digits };
        let show = |m: &Money| display::format(m, locale, opts);
        let line = |key: &str, label: &str, value: &str| SummaryLine {
            key: key.into(),
            label: label.into(),
            value: value.into(),
        };

        let merchant_amount = show(credit)?;
        let mut lines = vec![line("merchant_amount", l.merchant_amount, &merchant_amount)];
        let (home_amount, rate, fees, total, indicative, expires_in_s, status) = match pricing {
            Pricing::Domestic => (None, None, Vec::new(), merchant_amount.clone(), false, None, None),
            Pricing::Indicative(q) => {
                let amount = show(&q.debit)?;
                let rate = rate_line(q.factor, credit.currency(), home, locale, khmer_digits)?;
                let status = l.indicative.replace("{}", &digits(&age(q.rate_age_ms, &l), khmer_digits));
                (Some(amount.clone()), Some(rate), Vec::new(), amount, true, None, Some(status))
            }
            Pricing::Firm(q) => {
                let factor = q.effective_rate().unwrap_or_default();
                // Paying in the merchant's own currency: fees, but no conversion to show.
                let converted = credit.currency() != home;
                let rate =
                    converted.then(|| rate_line(factor, credit.currency(), home, locale, khmer_digits)).transpose()?;
                let fees = q
                    .fees
                    .iter()
                    .map(|f| Ok(line("fee", &f.label, &show(&f.amount)?)))
                    .collect::<Result<Vec<_>, MoneyError>>()?;
                let left_s = q.remaining_ms(now_ms) / 1000;
                let status =
                    l.held_for.replace("{}", &digits(&format!("{}:{:02}", left_s / 60, left_s % 60), khmer_digits));
                let home_amount = converted.then(|| show(&q.converted())).transpose()?;
                (home_amount, rate, fees, show(&q.debit)?, false, Some(left_s), Some(status))
            }
        };
        if let Some(amount) = &home_amount {
            lines.push(line("amount", l.amount, amount));
        }
        lines.extend(fees.iter().cloned());
        lines.push(line("total", l.total, &total));
        if let Some(rate) = &rate {
            lines.push(line("rate", l.rate, rate));
        }
        if let Some(status) = &status {
            lines.push(line("status", "", status));
        }
        Ok(PaymentSummary {
            merchant_name: merchant_name.map(str::to_owned),
            merchant_amount,
            home_amount,
            rate,
            fees,
            total,
            indicative,
            expires_in_s,
            status,
            lines,
        })
    }
}

/// `1 USD = 148.35 JPY`, written in the direction whose price is at least 1, to six significant digits.
/// `home_per_merchant` is home currency per one unit of merchant currency.
pub fn rate_line(
    home_per_merchant: Decimal,
    merchant: Currency,
    home: Currency,
    locale: DisplayLocale,
    khmer_digits: bool,
) -> Result<String, MoneyError> {
    let (one, price, other) = if home_per_merchant >= Decimal::ONE || home_per_merchant.is_zero() {
        (merchant, home_per_merchant, home)
    } else {
        (home, Decimal::ONE.checked_div(home_per_merchant).unwrap_or_default(), merchant)
    };
    let price = significant(price, 6);
    Ok(format!(
        "{} {one} = {} {other}",
        display::format_number(Decimal::ONE, locale, khmer_digits)?,
        display::format_number(price, locale, khmer_digits)?
    ))
}

/// `value` rounded half-even to `digits` significant digits, trailing zeros dropped.
fn significant(value: Decimal, digits: u32) -> Decimal {
    if value.is_zero() {
        return value;
    }
    let integer_digits = value.abs().trunc().to_string().trim_start_matches('0').len() as u32;
    let scale = digits.saturating_sub(integer_digits);
    value.round_dp_with_strategy(scale, rust_decimal::RoundingStrategy::MidpointNearestEven).normalize()
}

fn age(ms: i64, l: &Labels) -> String {
    let s = ms.max(0) / 1000;
    match s {
        0..60 => format!("{s}{}", l.units[0]),
        60..3600 => format!("{}{}", s / 60, l.units[1]),
        _ => format!("{}{}", s / 3600, l.units[2]),
    }
}

/// Latin digits as Khmer ones when asked.
fn digits(text: &str, khmer: bool) -> String {
    if !khmer {
        return text.to_owned();
    }
    text.chars().map(|c| c.to_digit(10).and_then(|d| char::from_u32('០' as u32 + d)).unwrap_or(c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Fee, Rate, RateTable};

    fn m(code: &str, v: &str) -> Money {
        Money::parse_code(code, v).unwrap()
    }

    #[test]
    fn firm_quote_lines() {
        let q = Quote::new(
            "q1".into(),
            Rate::parse("USD/JPY=148.35").unwrap(),
            m("USD", "8.59"),
            m("JPY", "1200"),
            vec![Fee { label: "Service fee".into(), amount: m("USD", "0.50") }],
            200_000,
        )
        .unwrap();
        let s = PaymentSummary::new(Some("Cafe Mari"), &q.credit, Pricing::Firm(&q), DisplayLocale::En, false, 49_000)
            .unwrap();
        assert_eq!(s.merchant_amount, "¥1,200");
        assert_eq!(s.home_amount.as_deref(), Some("$8.09"));
        assert_eq!(s.fees[0].label, "Service fee");
        assert_eq!(s.fees[0].value, "$0.50");
        assert_eq!(s.total, "$8.59");
        assert_eq!(s.rate.as_deref(), Some("1 USD = 139.697 JPY"));
        assert_eq!((s.indicative, s.expires_in_s, s.status.as_deref()), (false, Some(151), Some("Rate held for 2:31")));
        let keys: Vec<_> = s.lines.iter().map(|l| l.key.as_str()).collect();
        assert_eq!(keys, ["merchant_amount", "amount", "fee", "total", "rate", "status"]);
    }

    #[test]
    fn indicative_lines_in_khmer() {
        let table = RateTable {
            rates: vec![Rate::parse("USD/KHR=4100").unwrap(), Rate::parse("USD/JPY=150").unwrap()],
            as_of_ms: 0,
        };
        let q = table.indicative(m("JPY", "1200"), Currency::KHR, 300_000).unwrap();
        let s =
            PaymentSummary::new(None, &q.credit, Pricing::Indicative(&q), DisplayLocale::Km, false, 300_000).unwrap();
        assert_eq!(s.total, "32,800៛");
        assert_eq!(s.rate.as_deref(), Some("1 JPY = 27.3333 KHR"));
        assert!(s.indicative);
        assert_eq!(s.status.as_deref(), Some("ប្រហាក់ប្រហែល · អត្រាកាលពី 5 នាទី មុន"));
        let digits = PaymentSummary::new(None, &q.credit, Pricing::Indicative(&q), DisplayLocale::Km, true, 0).unwrap();
        assert_eq!(digits.total, "៣២.៨០០៛");
        assert!(digits.status.unwrap().contains('៥'));
    }

    #[test]
    fn both_yen_on_one_screen_are_disambiguated() {
        let table = RateTable { rates: vec![Rate::parse("CNY/JPY=21").unwrap()], as_of_ms: 0 };
        let q = table.indicative(m("JPY", "2100"), Currency::CNY, 0).unwrap();
        let s = PaymentSummary::new(None, &q.credit, Pricing::Indicative(&q), DisplayLocale::En, false, 0).unwrap();
        assert_eq!((s.merchant_amount.as_str(), s.total.as_str()), ("JP¥2,100", "CN¥100.00"));
        let domestic =
            PaymentSummary::new(None, &m("JPY", "2100"), Pricing::Domestic, DisplayLocale::Ja, false, 0).unwrap();
        assert_eq!(
            (domestic.merchant_amount.as_str(), domestic.total.as_str(), domestic.rate),
            ("￥2,100", "￥2,100", None)
        );
    }

    #[test]
    fn same_currency_quote_shows_fees_but_no_rate() {
        let q = Quote::new(
            "q2".into(),
            Rate::parse("USD/USD=1").unwrap(),
            m("USD", "10.25"),
            m("USD", "10.00"),
            vec![Fee { label: "Service fee".into(), amount: m("USD", "0.25") }],
            60_000,
        )
        .unwrap();
        let s = PaymentSummary::new(None, &q.credit, Pricing::Firm(&q), DisplayLocale::En, false, 0).unwrap();
        assert_eq!((s.home_amount, s.rate, s.total.as_str()), (None, None, "$10.25"));
        let keys: Vec<_> = s.lines.iter().map(|l| l.key.as_str()).collect();
        assert_eq!(keys, ["merchant_amount", "fee", "total", "status"]);
    }

    #[test]
    fn significant_digits() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(significant(d("148.3456"), 6).to_string(), "148.346");
        assert_eq!(significant(d("4100.000"), 6).to_string(), "4100");
        assert_eq!(significant(d("0.0067411"), 6).to_string(), "0.006741");
        assert_eq!(significant(d("1234567.8"), 6).to_string(), "1234568");
    }
}
