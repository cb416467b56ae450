//! `crossqr parse --home CUR (--rate PAIR=PRICE… | --rates FILE) [--locale L] [--khmer-digits]`:
//! the home-currency lines a wallet would show for the code, from cached (indicative) rates.

use crossqr_core::ErrorCode;
use std::path::PathBuf;

use crossqr_core::PaymentCode;
use crossqr_core::money::{
    Currency, DisplayLocale, IndicativeQuote, Money, PaymentSummary, Pricing, Rate, RateTable, SummaryLine,
};
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
    /// A rate file: {"as_of_ms": 1763769600000, "rates": {"USD/JPY": "148.35", …}}.
    #[arg(long = "rates", value_name = "FILE")]
    rate_file: Option<PathBuf>,
    /// Display language: en, km, ja, zh.
    #[arg(long, default_value = "en")]
    locale: String,
    /// Khmer digits.
    #[arg(long)]
    khmer_digits: bool,
}

/// The `home` object of the parse output.
#[derive(Debug, Serialize)]
pub struct Home {
    /// Home currency.
    currency: String,
    /// Indicative amount in the home currency; null when the code carries no amount.
    amount: Option<String>,
    /// Always true here: cached rates, not a firm quote.
    indicative: bool,
    /// The line a wallet shows, e.g. "¥1,200 ≈ $8.09".
    line: Option<String>,
    /// Effective rate line.
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
struct RateFile {
    as_of_ms: i64,
    rates: std::collections::BTreeMap<String, String>,
}

fn money_error(e: crossqr_core::money::MoneyError) -> CliError {
    CliError::from_core(&e)
}

fn table(args: &HomeArgs, now_ms: i64) -> Result<RateTable, CliError> {
    let mut table = RateTable { rates: Vec::new(), as_of_ms: now_ms };
    if let Some(path) = &args.rate_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::new(ErrorCode::InvalidArgument, format!("cannot read {}: {e}", path.display())))?;
        let file: RateFile = serde_json::from_str(&text).map_err(|e| {
            CliError::new(ErrorCode::InvalidArgument, format!("{} is not a rate file: {e}", path.display()))
        })?;
        table.as_of_ms = file.as_of_ms;
        for (pair, price) in file.rates {
            table.rates.push(Rate::parse(&format!("{pair}={price}")).map_err(money_error)?);
        }
    }
    for rate in &args.rates {
        table.rates.push(Rate::parse(rate).map_err(money_error)?);
    }
    Ok(table)
}

/// The `home` object, or `None` when `--home` was not given.
pub fn home(args: &HomeArgs, code: &PaymentCode, now_ms: i64) -> Result<Option<Home>, CliError> {
    let Some(home) = &args.home else { return Ok(None) };
    let currency: Currency = home.to_ascii_uppercase().parse().map_err(money_error)?;
    let locale: DisplayLocale = args.locale.parse().map_err(money_error)?;
    let table = table(args, now_ms)?;
    let Some(credit) = code.amount else {
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
    let quote: IndicativeQuote;
    let pricing = if credit.currency() == currency {
        Pricing::Domestic
    } else {
        quote = table.indicative(credit, currency, now_ms).map_err(money_error)?;
        Pricing::Indicative(&quote)
    };
    let name = code.merchant.name.as_deref();
    let summary =
        PaymentSummary::new(name, &credit, pricing, locale, args.khmer_digits, now_ms).map_err(money_error)?;
    let debit: Money = match pricing {
        Pricing::Indicative(q) => q.debit,
        _ => credit,
    };
    Ok(Some(Home {
        currency: currency.code().into(),
        amount: Some(debit.amount().to_string()),
        indicative: matches!(pricing, Pricing::Indicative(_)),
        line: Some(if debit.currency() == credit.currency() {
            summary.total.clone()
        } else {
            format!("{} ≈ {}", summary.merchant_amount, summary.total)
        }),
        rate: summary.rate.clone(),
        rate_age_ms: match pricing {
            Pricing::Indicative(q) => Some(q.rate_age_ms),
            _ => None,
        },
        lines: summary.lines.into_iter().map(Line::from).collect(),
    }))
}
