//! `PaymentSummary`: every line a confirm screen shows, formatted here so no shell formats money.
//!
//! It follows the disclosure a cross-border wallet owes the payer before approval (EU 2021/1230
//! Art. 4–5, the BIS Nexus sender-approval rules): what the merchant receives in its currency — the
//! code's amount, its own convenience fee and the tip as their own lines — then, for a firm quote, the
//! exchange rate applied, the markup as a percentage over a named reference rate, the converted amount,
//! each fee on its own line by its code, the total debited, the all-in rate labelled as such, and the
//! time the quote is held (or that it expired). Before a firm quote every home-currency figure is an
//! estimate, labelled as one ("Estimate, before fees", "≈", "Indicative rate"), never with a firm label.

use rust_decimal::Decimal;

use super::display::{self, DisplayLocale, DisplayOptions, SymbolStyle};
use super::labels::{Labels, labels};
use super::{Conversion, Credit, Currency, FeeCode, IndicativeQuote, Money, MoneyError, Quote, RoundingRule};

/// One labelled line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryLine {
    /// Stable key: `price`, `convenience_fee`, `tip`, `merchant_amount`, `rate`, `markup`,
    /// `reference_rate`, `amount`, a fee code (`service_fee`, `conversion_fee`), `total`, `all_in`,
    /// `estimate`, `indicative_rate`, `status`.
    pub key: String,
    /// Label in the display language (empty for `status`).
    pub label: String,
    /// Formatted value.
    pub value: String,
}

/// How the home-currency amount is known.
#[derive(Debug, Clone, Copy)]
pub enum Pricing<'q> {
    /// The payer pays in the merchant's currency and has no quote yet.
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
    /// What the merchant receives, in its currency, the code's fee and the tip included (`¥1,100`).
    pub merchant_amount: String,
    /// Firm: the converted amount before fees; estimate: the estimated amount. `None` when paying in
    /// the merchant's currency.
    pub home_amount: Option<String>,
    /// Firm: the exchange rate applied (`1 USD = 148.762 JPY`); estimate: the indicative rate
    /// (`1 USD ≈ 150.25 JPY`). `None` when no conversion.
    pub rate: Option<String>,
    /// Firm conversions: the markup over the reference rate (`1.00%`).
    pub markup: Option<String>,
    /// Firm conversions: the reference rate with its source and time.
    pub reference_rate: Option<String>,
    /// Firm: each fee in the home currency, keyed by its code.
    pub fees: Vec<SummaryLine>,
    /// Firm: the total debited; before a quote: the estimate (without "≈").
    pub total: String,
    /// True before a firm quote: every home figure is an estimate before fees.
    pub indicative: bool,
    /// True when the code asks the payer for a tip (55 = 01): a `tip` line is shown for it to edit.
    pub asks_for_tip: bool,
    /// True when the firm quote has expired: it cannot be paid; quote again.
    pub expired: bool,
    /// Seconds a firm quote is still honoured (0 once expired).
    pub expires_in_s: Option<i64>,
    /// "Indicative rate, 5 min old" / "Rate held for 2:31" / "Quote expired — get a new quote".
    pub status: Option<String>,
    /// Every line above in display order, labelled.
    pub lines: Vec<SummaryLine>,
}

/// Formats lines for one screen.
struct Screen {
    labels: &'static Labels,
    locale: DisplayLocale,
    options: DisplayOptions,
    lines: Vec<SummaryLine>,
}

impl Screen {
    fn show(&self, money: &Money) -> Result<String, MoneyError> {
        display::format(money, self.locale, self.options)
    }

    fn push(&mut self, key: &str, label: &str, value: &str) {
        self.lines.push(SummaryLine { key: key.into(), label: label.into(), value: value.into() });
    }

    fn digits(&self, text: &str) -> String {
        digits(text, self.options.khmer_digits)
    }

    fn number(&self, value: Decimal) -> Result<String, MoneyError> {
        display::format_number(value, self.locale, self.options.khmer_digits)
    }

    /// `1 USD = 148.762 JPY`: one unit of whichever currency makes the price at least 1, six
    /// significant digits; `sign` is `=` or `≈`. `conversion` goes from the merchant's currency home.
    fn rate(&self, conversion: &Conversion, sign: &str) -> Result<String, MoneyError> {
        let forward = conversion.to_per_from(RoundingRule::RATE_DISPLAY)?;
        let (one, price, other) = if forward >= Decimal::ONE || forward.is_zero() {
            (conversion.from(), forward, conversion.to())
        } else {
            (conversion.to(), conversion.from_per_to(RoundingRule::RATE_DISPLAY)?, conversion.from())
        };
        Ok(format!("{} {one} {sign} {} {other}", self.number(Decimal::ONE)?, self.number(price.normalize())?))
    }

    /// The code's amount, its convenience fee and the tip as their own lines, then what the merchant
    /// receives.
    fn credit(&mut self, credit: &Credit) -> Result<String, MoneyError> {
        let l = self.labels;
        if credit.fee.is_some() || credit.tip.is_some() || credit.asks_for_tip {
            self.push("price", l.price, &self.show(&credit.base)?);
            if let Some(fee) = &credit.fee {
                let label = match credit.fee_percent {
                    Some(p) => l.convenience_fee_percent.replace("{}", &self.number(p.normalize())?),
                    None => l.convenience_fee.to_owned(),
                };
                self.push("convenience_fee", &label, &self.show(fee)?);
            }
            if credit.asks_for_tip || credit.tip.is_some() {
                let tip = credit.tip.unwrap_or(Money::zero(credit.total.currency()));
                self.push("tip", l.tip, &self.show(&tip)?);
            }
        }
        let total = self.show(&credit.total)?;
        self.push("merchant_amount", l.merchant_amount, &total);
        Ok(total)
    }
}

impl PaymentSummary {
    /// Builds the summary for paying `credit` to `merchant_name`, priced by `pricing`, at `now_ms`.
    pub fn new(
        merchant_name: Option<&str>,
        credit: &Credit,
        pricing: Pricing<'_>,
        locale: DisplayLocale,
        khmer_digits: bool,
        now_ms: i64,
    ) -> Result<PaymentSummary, MoneyError> {
        let merchant = credit.total.currency();
        let home = match pricing {
            Pricing::Domestic => merchant,
            Pricing::Indicative(q) => q.debit.currency(),
            Pricing::Firm(q) => q.home(),
        };
        // Both yen on one screen: write JP¥ and CN¥.
        let both_yen = [merchant, home].contains(&Currency::JPY) && [merchant, home].contains(&Currency::CNY);
        let symbol = if both_yen { SymbolStyle::Disambiguated } else { SymbolStyle::Locale };
        let mut s = Screen {
            labels: labels(locale.labels()),
            locale,
            options: DisplayOptions { symbol, khmer_digits },
            lines: Vec::new(),
        };
        let l = s.labels;
        let merchant_amount = s.credit(credit)?;
        let mut summary = PaymentSummary {
            merchant_name: merchant_name.map(str::to_owned),
            merchant_amount,
            home_amount: None,
            rate: None,
            markup: None,
            reference_rate: None,
            fees: Vec::new(),
            total: String::new(),
            indicative: true,
            asks_for_tip: credit.asks_for_tip,
            expired: false,
            expires_in_s: None,
            status: None,
            lines: Vec::new(),
        };
        match pricing {
            Pricing::Domestic => {
                summary.total = summary.merchant_amount.clone();
                s.push("estimate", l.estimate, &summary.total);
            }
            Pricing::Indicative(q) => {
                let amount = s.show(&q.debit)?;
                let mut rate = s.rate(&q.conversion, "≈")?;
                if let Some(source) = &q.source {
                    rate = format!("{rate} ({source})");
                }
                let status = l.indicative_status.replace("{}", &s.digits(&age(q.rate_age_ms, l)));
                s.push("estimate", l.estimate, &format!("≈ {amount}"));
                s.push("indicative_rate", l.indicative_rate, &rate);
                s.push("status", "", &status);
                (summary.home_amount, summary.rate, summary.status) = (Some(amount.clone()), Some(rate), Some(status));
                summary.total = amount;
            }
            Pricing::Firm(q) => {
                summary.indicative = false;
                if merchant != home {
                    let applied = Conversion::direct(&q.rate, merchant, home)?;
                    let reference = Conversion::direct(&q.reference.rate, merchant, home)?;
                    let rate = s.rate(&applied, "=")?;
                    let markup =
                        format!("{}%", s.number(RoundingRule::PERCENT_DISPLAY.round(q.markup_percent, home)?)?);
                    let when = s.digits(&utc_minute(q.reference.as_of_ms));
                    let reference = format!("{} ({}, {when})", s.rate(&reference, "=")?, q.reference.source);
                    let converted = s.show(&q.converted())?;
                    s.push("rate", l.rate, &rate);
                    s.push("markup", l.markup, &markup);
                    s.push("reference_rate", l.reference_rate, &reference);
                    s.push("amount", l.converted, &converted);
                    (summary.rate, summary.markup, summary.reference_rate, summary.home_amount) =
                        (Some(rate), Some(markup), Some(reference), Some(converted));
                }
                for fee in &q.fees {
                    let label = match fee.code {
                        FeeCode::ServiceFee => l.service_fee,
                        FeeCode::ConversionFee => l.conversion_fee,
                    };
                    let line =
                        SummaryLine { key: fee.code.as_str().into(), label: label.into(), value: s.show(&fee.amount)? };
                    s.lines.push(line.clone());
                    summary.fees.push(line);
                }
                summary.total = s.show(&q.debit)?;
                s.push("total", l.total, &summary.total);
                if merchant != home && !q.fees.is_empty() && !q.credit.is_zero() {
                    let all_in = Conversion::ratio(q.debit.amount(), q.credit.amount(), merchant, home);
                    s.push("all_in", l.all_in, &s.rate(&all_in, "=")?);
                }
                let left_s = q.remaining_ms(now_ms) / 1000;
                summary.expired = q.is_expired(now_ms);
                let status = if summary.expired {
                    l.expired.to_owned()
                } else {
                    l.held_for.replace("{}", &s.digits(&format!("{}:{:02}", left_s / 60, left_s % 60)))
                };
                s.push("status", "", &status);
                (summary.expires_in_s, summary.status) = (Some(left_s), Some(status));
            }
        }
        summary.lines = s.lines;
        Ok(summary)
    }
}

/// `2026-12-02 14:30 UTC` for an epoch-millisecond time (the proleptic Gregorian calendar).
fn utc_minute(ms: i64) -> String {
    let minutes = ms.div_euclid(60_000);
    let (days, minute) = (minutes.div_euclid(1440), minutes.rem_euclid(1440));
    // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02} UTC", minute / 60, minute % 60)
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
    use crate::money::{Fee, Rate, RateTable, ReferenceRate};

    fn m(code: &str, v: &str) -> Money {
        Money::parse_code(code, v).unwrap()
    }

    fn keys(s: &PaymentSummary) -> Vec<&str> {
        s.lines.iter().map(|l| l.key.as_str()).collect()
    }

    fn quote(rate: &str, reference: &str, markup: &str, debit: Money, credit: Money, fees: Vec<Fee>) -> Quote {
        Quote {
            id: "q1".into(),
            rate: Rate::parse(rate).unwrap(),
            reference: ReferenceRate {
                rate: Rate::parse(reference).unwrap(),
                source: "ECB".into(),
                as_of_ms: 1_764_685_800_000,
            },
            markup_percent: markup.parse().unwrap(),
            debit,
            credit,
            fees,
            expires_at_ms: 200_000,
        }
        .checked()
        .unwrap()
    }

    /// Worked example 1 of the disclosure notes: ¥1,000 from USD, reference 150.25, 1 % markup, $0.25 fee.
    fn example() -> Quote {
        let fee = Fee { code: FeeCode::ServiceFee, amount: m("USD", "0.25") };
        quote("USD/JPY=148.76237624", "USD/JPY=150.25", "1.00", m("USD", "6.97"), m("JPY", "1000"), vec![fee])
    }

    #[test]
    fn firm_quote_discloses_rate_markup_reference_fees_and_all_in() {
        let q = example();
        let credit = Credit::plain(q.credit);
        let s = PaymentSummary::new(Some("Cafe Mari"), &credit, Pricing::Firm(&q), DisplayLocale::EN, false, 49_000)
            .unwrap();
        let text: Vec<(&str, &str)> = s.lines.iter().map(|l| (l.label.as_str(), l.value.as_str())).collect();
        assert_eq!(
            text,
            [
                ("Merchant receives", "¥1,000"),
                ("Exchange rate", "1 USD = 148.762 JPY"),
                ("Markup over reference rate", "1.00%"),
                ("Reference rate", "1 USD = 150.25 JPY (ECB, 2025-12-02 14:30 UTC)"),
                ("Converted amount", "$6.72"),
                ("Service fee", "$0.25"),
                ("Total debited", "$6.97"),
                ("Effective rate (all-in, incl. fees)", "1 USD = 143.472 JPY"),
                ("", "Rate held for 2:31"),
            ]
        );
        assert_eq!(keys(&s)[5], "service_fee");
        assert_eq!((s.indicative, s.expired, s.expires_in_s), (false, false, Some(151)));
        assert_eq!(s.markup.as_deref(), Some("1.00%"));
    }

    #[test]
    fn fee_labels_come_from_codes_in_every_language() {
        let q = example();
        let credit = Credit::plain(q.credit);
        let label = |locale: &str| {
            let s = PaymentSummary::new(None, &credit, Pricing::Firm(&q), locale.parse().unwrap(), false, 0).unwrap();
            s.fees[0].label.clone()
        };
        assert_eq!(
            ["en", "km", "ja", "zh", "zh-TW"].map(label),
            ["Service fee", "កម្រៃសេវា", "手数料", "手续费", "手續費"]
        );
    }

    #[test]
    fn an_expired_quote_says_so() {
        let q = example();
        let s =
            PaymentSummary::new(None, &Credit::plain(q.credit), Pricing::Firm(&q), DisplayLocale::JA, false, 200_000)
                .unwrap();
        assert!(s.expired);
        assert_eq!(s.status.as_deref(), Some("レートの有効期限が切れました。再取得してください"));
        assert_eq!(s.expires_in_s, Some(0));
    }

    #[test]
    fn the_code_s_fee_and_tip_are_their_own_lines() {
        let q = quote("USD/JPY=148.76237624", "USD/JPY=150.25", "1.00", m("USD", "7.53"), m("JPY", "1120"), vec![]);
        let credit = Credit {
            base: m("JPY", "1000"),
            fee: Some(m("JPY", "30")),
            fee_percent: Some("3.00".parse().unwrap()),
            tip: Some(m("JPY", "90")),
            asks_for_tip: false,
            total: m("JPY", "1120"),
        };
        let s = PaymentSummary::new(None, &credit, Pricing::Firm(&q), DisplayLocale::EN, false, 0).unwrap();
        let text: Vec<(&str, &str)> = s.lines.iter().take(4).map(|l| (l.label.as_str(), l.value.as_str())).collect();
        assert_eq!(
            text,
            [
                ("Amount", "¥1,000"),
                ("Convenience fee (merchant, 3%)", "¥30"),
                ("Tip", "¥90"),
                ("Merchant receives", "¥1,120"),
            ]
        );
        assert!(!keys(&s).contains(&"all_in"), "no fees: the all-in rate would repeat the rate");
        let prompt =
            Credit { fee: None, fee_percent: None, tip: None, asks_for_tip: true, total: m("JPY", "1000"), ..credit };
        let s = PaymentSummary::new(None, &prompt, Pricing::Domestic, DisplayLocale::ZH_HANT, false, 0).unwrap();
        assert!(s.asks_for_tip);
        assert_eq!(
            s.lines.iter().map(|l| (l.label.as_str(), l.value.as_str())).collect::<Vec<_>>(),
            [("金額", "¥1,000"), ("小費", "¥0"), ("商店實收金額", "¥1,000"), ("預估金額（不含手續費）", "¥1,000")]
        );
    }

    #[test]
    fn estimates_are_labelled_as_estimates() {
        let table = RateTable::new([Rate::parse("USD/KHR=4100").unwrap(), Rate::parse("USD/JPY=150").unwrap()], 0)
            .unwrap()
            .with_source("NBC/ECB");
        let q = table.indicative(m("JPY", "1200"), Currency::KHR, 300_000, 3_600_000).unwrap();
        let s = PaymentSummary::new(
            None,
            &Credit::plain(q.credit),
            Pricing::Indicative(&q),
            DisplayLocale::KM,
            false,
            300_000,
        )
        .unwrap();
        assert_eq!(s.total, "32,800៛");
        assert_eq!(s.rate.as_deref(), Some("1 JPY ≈ 27.3333 KHR (NBC/ECB)"));
        assert!(s.indicative);
        assert_eq!(s.status.as_deref(), Some("អត្រាប៉ាន់ស្មាន កាលពី 5 នាទីមុន"));
        assert_eq!(keys(&s), ["merchant_amount", "estimate", "indicative_rate", "status"]);
        assert_eq!(s.lines[1].value, "≈ 32,800៛");
        let km = labels(DisplayLocale::KM.labels());
        let firm_labels = [km.total, km.rate, km.converted];
        assert!(s.lines.iter().all(|l| !firm_labels.contains(&l.label.as_str())));
        let digits =
            PaymentSummary::new(None, &Credit::plain(q.credit), Pricing::Indicative(&q), DisplayLocale::KM, true, 0)
                .unwrap();
        assert_eq!(digits.total, "៣២.៨០០៛");
        assert!(digits.status.unwrap().contains('៥'));
    }

    #[test]
    fn both_yen_on_one_screen_are_disambiguated() {
        let table = RateTable::new([Rate::parse("CNY/JPY=21").unwrap()], 0).unwrap();
        let q = table.indicative(m("JPY", "2100"), Currency::CNY, 0, 1).unwrap();
        let s =
            PaymentSummary::new(None, &Credit::plain(q.credit), Pricing::Indicative(&q), DisplayLocale::EN, false, 0)
                .unwrap();
        assert_eq!((s.merchant_amount.as_str(), s.total.as_str()), ("JP¥2,100", "CN¥100.00"));
        let domestic =
            PaymentSummary::new(None, &Credit::plain(m("JPY", "2100")), Pricing::Domestic, DisplayLocale::JA, false, 0)
                .unwrap();
        assert_eq!(
            (domestic.merchant_amount.as_str(), domestic.total.as_str(), domestic.rate),
            ("￥2,100", "￥2,100", None)
        );
    }

    #[test]
    fn same_currency_quote_shows_fees_but_no_rate() {
        let fee = Fee { code: FeeCode::ServiceFee, amount: m("USD", "0.25") };
        let q = quote("USD/USD=1", "USD/USD=1", "0", m("USD", "10.25"), m("USD", "10.00"), vec![fee]);
        let s = PaymentSummary::new(None, &Credit::plain(q.credit), Pricing::Firm(&q), DisplayLocale::EN, false, 0)
            .unwrap();
        assert_eq!(keys(&s), ["merchant_amount", "service_fee", "total", "status"]);
        assert_eq!((s.home_amount, s.rate, s.markup, s.total.as_str()), (None, None, None, "$10.25"));
    }

    #[test]
    fn times_are_utc() {
        assert_eq!(utc_minute(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_minute(951_782_400_000), "2000-02-29 00:00 UTC");
        assert_eq!(utc_minute(1_764_685_859_999), "2025-12-02 14:30 UTC");
        assert_eq!(utc_minute(-60_000), "1969-12-31 23:59 UTC");
    }
}
