//! Exchange rates. A rate belongs to a pair `BASE/QUOTE` and says how many QUOTE one BASE buys; the
//! direction of a conversion is derived from the pair, never assumed (a quoted price may be below 1).

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use super::{Currency, Money, MoneyError, RoundingRule};
use crate::error::ErrorCode;

/// `BASE/QUOTE`, e.g. `USD/JPY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CurrencyPair {
    /// The currency one unit of which is priced.
    pub base: Currency,
    /// The currency the price is in.
    pub quote: Currency,
}

impl FromStr for CurrencyPair {
    type Err = MoneyError;

    /// Parses `USD/JPY`.
    fn from_str(s: &str) -> Result<Self, MoneyError> {
        let invalid = || MoneyError::new(ErrorCode::InvalidRate, format!("{s:?} is not a currency pair like USD/JPY"));
        let (base, quote) = s.split_once('/').ok_or_else(invalid)?;
        Ok(CurrencyPair { base: base.trim().parse()?, quote: quote.trim().parse()? })
    }
}

impl fmt::Display for CurrencyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.base, self.quote)
    }
}

/// A price for a pair: one `pair.base` buys `price` `pair.quote`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rate {
    /// The pair priced.
    pub pair: CurrencyPair,
    /// Units of quote currency per unit of base currency; positive.
    pub price: Decimal,
}

impl Rate {
    /// A rate, refusing a non-positive price, and any price but 1 between a currency and itself.
    pub fn new(pair: CurrencyPair, price: Decimal) -> Result<Rate, MoneyError> {
        if price <= Decimal::ZERO {
            return Err(MoneyError::new(ErrorCode::InvalidRate, format!("rate {pair} = {price} is not positive")));
        }
        if pair.base == pair.quote && price != Decimal::ONE {
            return Err(MoneyError::new(
                ErrorCode::InvalidRate,
                format!("rate {pair} = {price}: a currency buys itself at 1"),
            ));
        }
        Ok(Rate { pair, price })
    }

    /// Parses `USD/JPY=148.35`.
    pub fn parse(text: &str) -> Result<Rate, MoneyError> {
        let (pair, price) = text
            .split_once('=')
            .ok_or_else(|| MoneyError::new(ErrorCode::InvalidRate, format!("{text:?} is not PAIR=PRICE")))?;
        let price = Decimal::from_str(price.trim())
            .map_err(|_| MoneyError::new(ErrorCode::InvalidRate, format!("rate {price:?} is not a decimal number")))?;
        Rate::new(pair.trim().parse()?, price)
    }

    /// Multiplier that turns an amount of `from` into `to`: the price when converting base → quote,
    /// its reciprocal when converting quote → base.
    pub fn factor(&self, from: Currency, to: Currency) -> Result<Decimal, MoneyError> {
        let CurrencyPair { base, quote } = self.pair;
        if (from, to) == (base, quote) {
            Ok(self.price)
        } else if (from, to) == (quote, base) {
            Decimal::ONE
                .checked_div(self.price)
                .ok_or_else(|| MoneyError::new(ErrorCode::InvalidRate, format!("rate {self} cannot be inverted")))
        } else {
            Err(MoneyError::new(ErrorCode::NoRate, format!("rate {} does not convert {from} to {to}", self.pair)))
        }
    }

    /// Converts `money` into `to`, rounding the result by `rule`.
    pub fn convert(&self, money: Money, to: Currency, rule: RoundingRule) -> Result<Money, MoneyError> {
        convert_by(money, self.factor(money.currency(), to)?, to, rule)
    }

    /// The same rate seen from the other side (`JPY/USD` for `USD/JPY`).
    pub fn inverse(&self) -> Result<Rate, MoneyError> {
        let pair = CurrencyPair { base: self.pair.quote, quote: self.pair.base };
        Rate::new(pair, self.factor(pair.base, pair.quote)?)
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.pair, self.price)
    }
}

/// `money × factor` in `to`, rounded by `rule`.
pub(crate) fn convert_by(money: Money, factor: Decimal, to: Currency, rule: RoundingRule) -> Result<Money, MoneyError> {
    let raw = money
        .amount()
        .checked_mul(factor)
        .ok_or_else(|| MoneyError::new(ErrorCode::AmountOverflow, format!("{money} × {factor} overflows")))?;
    Money::new(rule.round(raw, to)?, to)
}

/// Cached rates for indicative conversions, with the time they were fetched.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RateTable {
    /// The rates.
    pub rates: Vec<Rate>,
    /// When they were fetched, epoch milliseconds.
    pub as_of_ms: i64,
}

impl RateTable {
    /// The multiplier from `from` to `to`: a direct rate in either direction, else a cross through one
    /// currency both sides share.
    pub fn factor(&self, from: Currency, to: Currency) -> Result<Decimal, MoneyError> {
        if from == to {
            return Ok(Decimal::ONE);
        }
        if let Some(f) = self.rates.iter().find_map(|r| r.factor(from, to).ok()) {
            return Ok(f);
        }
        for first in &self.rates {
            let Some(via) = other_side(first, from) else { continue };
            let Ok(a) = first.factor(from, via) else { continue };
            if let Some(b) = self.rates.iter().find_map(|r| r.factor(via, to).ok()) {
                return a
                    .checked_mul(b)
                    .ok_or_else(|| MoneyError::new(ErrorCode::AmountOverflow, "cross rate overflows"));
            }
        }
        Err(MoneyError::new(ErrorCode::NoRate, format!("no cached rate converts {from} to {to}")))
    }

    /// How old the rates are at `now_ms`.
    pub fn age_ms(&self, now_ms: i64) -> i64 {
        now_ms.saturating_sub(self.as_of_ms).max(0)
    }
}

fn other_side(rate: &Rate, currency: Currency) -> Option<Currency> {
    match (rate.pair.base, rate.pair.quote) {
        (b, q) if b == currency => Some(q),
        (b, q) if q == currency => Some(b),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Coded as _;

    fn money(code: &str, v: &str) -> Money {
        Money::parse_code(code, v).unwrap()
    }

    #[test]
    fn direction_comes_from_the_pair() {
        let usd_jpy = Rate::parse("USD/JPY=150").unwrap();
        let jpy_usd = Rate::parse("JPY/USD=0.0066666").unwrap();
        let r = RoundingRule::HALF_EVEN;
        assert_eq!(usd_jpy.convert(money("JPY", "1200"), Currency::USD, r).unwrap().to_string(), "8.00 USD");
        assert_eq!(usd_jpy.convert(money("USD", "8.00"), Currency::JPY, r).unwrap().to_string(), "1200 JPY");
        assert_eq!(jpy_usd.convert(money("JPY", "1200"), Currency::USD, r).unwrap().to_string(), "8.00 USD");
        assert_eq!(usd_jpy.convert(money("KHR", "100"), Currency::USD, r).unwrap_err().code().as_str(), "no_rate");
        assert_eq!(usd_jpy.inverse().unwrap().pair.to_string(), "JPY/USD");
    }

    #[test]
    fn refuses_bad_rates() {
        assert_eq!(Rate::parse("USD/USD=1.00").unwrap().factor(Currency::USD, Currency::USD).unwrap(), Decimal::ONE);
        for bad in ["USD/JPY=0", "USD/JPY=-1", "USD/USD=1.5", "USDJPY=150", "USD/XYZ=1", "USD/JPY=abc", "USD/JPY"] {
            assert!(Rate::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn table_finds_direct_and_cross_rates() {
        let table = RateTable {
            rates: vec![Rate::parse("USD/KHR=4100").unwrap(), Rate::parse("USD/JPY=150").unwrap()],
            as_of_ms: 1_000,
        };
        assert_eq!(table.factor(Currency::USD, Currency::KHR).unwrap(), Decimal::from(4100));
        let jpy_khr = table.factor(Currency::JPY, Currency::KHR).unwrap();
        assert_eq!(jpy_khr.round_dp(6).to_string(), "27.333333");
        assert_eq!(table.factor(Currency::THB, Currency::KHR).unwrap_err().code().as_str(), "no_rate");
        assert_eq!(table.age_ms(61_000), 60_000);
        assert_eq!(table.age_ms(0), 0);
    }
}
