//! `crossqr parse --home CUR (--rate PAIR=PRICE… | --rates FILE) [--locale TAG] [--khmer-digits]
//! [--tip AMOUNT] [--max-rate-age-ms MS]`: the estimate a wallet would show for the code from cached
//! rates — what the merchant receives (the code's convenience fee and the tip included) and about what
//! it costs at home, before fees — and the code's `tip` field.

use crossqr_core::ErrorCode;
use std::path::PathBuf;

use crossqr_core::PaymentCode;
use crossqr_core::flow::DEFAULT_MAX_RATE_AGE_MS;
use crossqr_core::money::{
    Credit, Currency, DisplayLocale, IndicativeQuote, Money, PaymentSummary, Pricing, Rate, RateTable, SummaryLine,
};
use crossqr_core::schemes::Tip;
use serde::{Deserialize, Serialize};

use crate::output::CliError;

#[derive(Debug, clap::Args)]
pub struct HomeArgs {
    /// Payer's home currency (ISO 4217), e.g. USD; adds the `home` object to the output.
    #[arg(long, value_name = "CUR")]
    home: Option<String>,
    /// A cached rate, e.g. USD/JPY=148.35 (repeatable). Direction comes from the pair.
    #[arg(long = "rate", value_name = "PAIR=PRICE")]
    rates: Vec<String>,
    /// A rate file: {"as_of_ms": 1763769600000, "source": "ECB", "rates": {"USD/JPY": "148.35", …}}.
    #[arg(long = "rates", value_name = "FILE")]
    rate_file: Option<PathBuf>,
    /// Display locale, a BCP 47 tag: en, en-IN, km, ja, zh, zh-Hant, zh-TW, zh-HK…
    #[arg(long, default_value = "en")]
    locale: String,
    /// Khmer digits.
    #[arg(long)]
    khmer_digits: bool,
    /// The tip the payer enters, in the code's currency, for a code that asks for one (55 = 01).
    #[arg(long, value_name = "AMOUNT")]
    tip: Option<String>,
    /// The oldest rates an estimate may use, milliseconds (default one hour).
    #[arg(long, value_name = "MS", default_value_t = DEFAULT_MAX_RATE_AGE_MS)]
    max_rate_age_ms: i64,
}

/// The code's tip or convenience fee (EMVCo 55–57), as `crossqr parse` prints it.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TipField {
    /// 55 = 01: the payer is asked for a tip.
    Prompt,
    /// 55 = 02: a fixed fee (56), in the code's currency.
    Fixed {
        /// Decimal in major units.
        amount: String,
    },
    /// 55 = 03: a percentage of the amount (57).
    Percent {
        /// The percentage as written, e.g. `"3.5"`.
        percent: String,
    },
}

/// The `tip` field of the parse output: `null` when the code asks for neither a tip nor a fee.
pub fn tip(code: &PaymentCode) -> Option<TipField> {
    code.tip.as_ref().map(|t| match t {
        Tip::Prompt => TipField::Prompt,
        Tip::Fixed(fee) => TipField::Fixed { amount: fee.amount().to_string() },
        Tip::Percentage(percent) => TipField::Percent { percent: percent.clone() },
    })
}

/// The `home` object of the parse output.
#[derive(Debug, Serialize)]
pub struct Home {
    /// Home currency.
    currency: String,
    /// Estimated amount in the home currency for everything the merchant receives (fee and tip
    /// included), before the wallet's fees; null when the code carries no amount.
    amount: Option<String>,
    /// Always true here: cached rates, not a firm quote.
    indicative: bool,
    /// The line a wallet shows, e.g. "¥1,200 ≈ $8.09".
    line: Option<String>,
    /// Indicative rate line.
    rate: Option<String>,
    /// Age of the rate, milliseconds.
    rate_age_ms: Option<i64>,
    /// Every summary line: {key, label, value}.
    lines: Vec<Line>,
}

#[derive(Debug, Serialize)]
struct Line {
    key: String,
    label: String,
    value: String,
}

impl From<SummaryLine> for Line {
    fn from(l: SummaryLine) -> Self {
        Line { key: l.key, label: l.label, value: l.value }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RateFile {
    as_of_ms: i64,
    #[serde(default)]
    source: Option<String>,
    rates: std::collections::BTreeMap<String, String>,
}

fn money_error(e: crossqr_core::money::MoneyError) -> CliError {
    CliError::from_core(&e)
}

/// The rates of `--rates FILE` (dated by the file) and `--rate` (dated now), as one table: a pair
/// given twice, in either place, is refused.
fn table(args: &HomeArgs, now_ms: i64) -> Result<RateTable, CliError> {
    let (mut rates, mut as_of_ms, mut source) = (Vec::new(), now_ms, None);
    if let Some(path) = &args.rate_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::new(ErrorCode::InvalidArgument, format!("cannot read {}: {e}", path.display())))?;
        let file: RateFile = serde_json::from_str(&text).map_err(|e| {
            CliError::new(ErrorCode::InvalidArgument, format!("{} is not a rate file: {e}", path.display()))
        })?;
        let parsed = RateTable::parse(file.rates.iter().map(|(p, v)| (p.as_str(), v.as_str())), file.as_of_ms)
            .map_err(money_error)?;
        rates.extend(parsed.rates().copied());
        (as_of_ms, source) = (file.as_of_ms, file.source);
    }
    for rate in &args.rates {
        rates.push(Rate::parse(rate).map_err(money_error)?);
    }
    let table = RateTable::new(rates, as_of_ms).map_err(money_error)?;
    Ok(match source {
        Some(s) => table.with_source(s),
        None => table,
    })
}

/// The `home` object, or `None` when `--home` was not given.
pub fn home(args: &HomeArgs, code: &PaymentCode, now_ms: i64) -> Result<Option<Home>, CliError> {
    let Some(home) = &args.home else {
        if args.tip.is_some() {
            return Err(CliError::new(ErrorCode::InvalidArgument, "--tip needs --home"));
        }
        return Ok(None);
    };
    let currency: Currency = home.to_ascii_uppercase().parse().map_err(money_error)?;
    let locale: DisplayLocale = args.locale.parse().map_err(money_error)?;
    let table = table(args, now_ms)?;
    let Some(base) = code.amount else {
        return Ok(Some(Home {
            currency: currency.code().into(),
            amount: None,
            indicative: true,
            line: None,
            rate: None,
            rate_age_ms: None,
            lines: Vec::new(),
        }));
    };
    let tip = args.tip.as_deref().map(|t| Money::parse(t, base.currency())).transpose().map_err(money_error)?;
    let credit: Credit = code.credit(base, tip).map_err(money_error)?;
    let quote: IndicativeQuote;
    let pricing = if credit.total.currency() == currency {
        Pricing::Domestic
    } else {
        quote = table.indicative(credit.total, currency, now_ms, args.max_rate_age_ms).map_err(money_error)?;
        Pricing::Indicative(&quote)
    };
    let name = code.merchant.name.as_deref();
    let summary =
        PaymentSummary::new(name, &credit, pricing, locale, args.khmer_digits, now_ms).map_err(money_error)?;
    let (debit, age) = match pricing {
        Pricing::Indicative(q) => (q.debit, Some(q.rate_age_ms)),
        _ => (credit.total, None),
    };
    Ok(Some(Home {
        currency: currency.code().into(),
        amount: Some(debit.amount().to_string()),
        indicative: true,
        line: Some(if debit.currency() == credit.total.currency() {
            summary.total.clone()
        } else {
            format!("{} ≈ {}", summary.merchant_amount, summary.total)
        }),
        rate: summary.rate.clone(),
        rate_age_ms: age,
        lines: summary.lines.into_iter().map(Line::from).collect(),
    }))
}
