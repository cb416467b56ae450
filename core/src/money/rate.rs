//! Exchange rates. A rate belongs to a pair `BASE/QUOTE` and says how many QUOTE one BASE buys; the
//! direction of a conversion is derived from the pair, never assumed (a quoted price may be below 1).
//!
//! A [`Conversion`] is the exact path from one currency to another: prices that multiply (base →
//! quote) and prices that divide (quote → base), rounded once at the end through
//! [`RoundingRule::round_ratio`] — never a rounded reciprocal. A [`RateTable`] refuses duplicate and
//! contradictory pairs and implausible prices, and chooses its bridge deliberately: a direct rate,
//! else through USD, else through the target currency's anchor (its peg), else `no_rate`.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use super::amount::{Syntax, plain_decimal};
use super::{Currency, Money, MoneyError, RoundingRule, known};
use crate::error::ErrorCode;

/// `BASE/QUOTE`, e.g. `USD/JPY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CurrencyPair {
    /// The currency one unit of which is priced.
    pub base: Currency,
    /// The currency the price is in.
    pub quote: Currency,
}

impl CurrencyPair {
    /// The same two currencies the other way round.
    pub fn flipped(self) -> CurrencyPair {
        CurrencyPair { base: self.quote, quote: self.base }
    }
}

impl FromStr for CurrencyPair {
    type Err = MoneyError;

    /// Parses `USD/JPY` exactly: two ISO codes and a slash, nothing around them.
    fn from_str(s: &str) -> Result<Self, MoneyError> {
        let invalid = || MoneyError::new(ErrorCode::InvalidRate, format!("{s:?} is not a currency pair like USD/JPY"));
        let (base, quote) = s.split_once('/').ok_or_else(invalid)?;
        Ok(CurrencyPair { base: base.parse()?, quote: quote.parse()? })
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
    /// A rate, refusing a non-positive price, any price but 1 between a currency and itself, and a price
    /// outside the plausible range crossqr knows for the two currencies (`implausible_rate`: the pair
    /// is probably written the wrong way round).
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
        if let (Some((base_low, base_high)), Some((quote_low, quote_high))) =
            (known::usd_bounds(pair.base), known::usd_bounds(pair.quote))
        {
            // One BASE buys (USD/QUOTE ÷ USD/BASE) QUOTE: the widest such range.
            let low = quote_low.checked_div(base_high).unwrap_or(Decimal::ZERO);
            let high = quote_high.checked_div(base_low).unwrap_or(Decimal::MAX);
            if price < low || price > high {
                return Err(MoneyError::new(
                    ErrorCode::ImplausibleRate,
                    format!(
                        "rate {pair} = {price} is outside {}–{}: is it written the wrong way round ({})?",
                        RoundingRule::RATE_DISPLAY.round(low, pair.quote).unwrap_or(low).normalize(),
                        RoundingRule::RATE_DISPLAY.round(high, pair.quote).unwrap_or(high).normalize(),
                        pair.flipped()
                    ),
                ));
            }
        }
        Ok(Rate { pair, price })
    }

    /// Parses `USD/JPY=148.35`: the pair exactly, and the price as strictly as an amount (digits and at
    /// most one `.`; no sign, grouping, underscore, exponent or space).
    pub fn parse(text: &str) -> Result<Rate, MoneyError> {
        let (pair, price) = text
            .split_once('=')
            .ok_or_else(|| MoneyError::new(ErrorCode::InvalidRate, format!("{text:?} is not PAIR=PRICE")))?;
        Rate::from_text(pair, price)
    }

    /// A rate from its pair and price as written (`"USD/JPY"`, `"148.35"`), both read as strictly as
    /// [`Rate::parse`] reads them.
    pub fn from_text(pair: &str, price: &str) -> Result<Rate, MoneyError> {
        Rate::new(pair.parse()?, parse_price(price)?)
    }

    /// True when this rate prices `a` in `b` or `b` in `a`.
    pub fn connects(&self, a: Currency, b: Currency) -> bool {
        (self.pair.base, self.pair.quote) == (a, b) || (self.pair.base, self.pair.quote) == (b, a)
    }

    /// Converts `money` into `to`, rounding the result by `rule`: multiplies by the price from base to
    /// quote, divides by it from quote to base.
    pub fn convert(&self, money: Money, to: Currency, rule: RoundingRule) -> Result<Money, MoneyError> {
        Conversion::direct(self, money.currency(), to)?.apply(money, rule)
    }
}

/// A price written as strictly as an amount.
pub(crate) fn parse_price(text: &str) -> Result<Decimal, MoneyError> {
    plain_decimal(text).map_err(|e| {
        let why = match e {
            Syntax::Negative => "is negative",
            Syntax::NotPlain => "is not a plain decimal number",
            Syntax::TooLarge => "has too many digits",
        };
        MoneyError::new(ErrorCode::InvalidRate, format!("rate {text:?} {why}"))
    })
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.pair, self.price)
    }
}

/// The exact path from one currency to another: `amount × Π num ÷ Π den`, with the rates it uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversion {
    from: Currency,
    to: Currency,
    legs: Vec<Rate>,
    num: Vec<Decimal>,
    den: Vec<Decimal>,
}

impl Conversion {
    /// No conversion: a currency into itself.
    pub fn identity(currency: Currency) -> Conversion {
        Conversion { from: currency, to: currency, legs: Vec::new(), num: Vec::new(), den: Vec::new() }
    }

    /// `from` into `to` by one rate in either direction.
    pub fn direct(rate: &Rate, from: Currency, to: Currency) -> Result<Conversion, MoneyError> {
        let CurrencyPair { base, quote } = rate.pair;
        let (num, den) = if (from, to) == (base, quote) {
            (vec![rate.price], Vec::new())
        } else if (from, to) == (quote, base) {
            (Vec::new(), vec![rate.price])
        } else {
            return Err(MoneyError::new(
                ErrorCode::NoRate,
                format!("rate {} does not convert {from} to {to}", rate.pair),
            ));
        };
        Ok(Conversion { from, to, legs: vec![*rate], num, den })
    }

    /// `from` into `to` at `num / den` units of `to` per unit of `from` (e.g. a debit over a credit).
    pub(crate) fn ratio(num: Decimal, den: Decimal, from: Currency, to: Currency) -> Conversion {
        Conversion { from, to, legs: Vec::new(), num: vec![num], den: vec![den] }
    }

    /// This conversion followed by `next` (which must start where this one ends).
    pub(crate) fn then(mut self, next: Conversion) -> Conversion {
        self.to = next.to;
        self.legs.extend(next.legs);
        self.num.extend(next.num);
        self.den.extend(next.den);
        self
    }

    /// The same conversion with a markup over it, in basis points: every converted amount (and `to`
    /// per `from`) grows by the factor `1 + bps/10,000`.
    pub fn with_markup_bps(mut self, bps: u32) -> Conversion {
        if bps > 0 {
            self.num.push(Decimal::from(10_000u32 + bps.min(u32::MAX - 10_000)));
            self.den.push(Decimal::from(10_000u32));
        }
        self
    }

    /// The prices that multiply.
    pub(crate) fn numerators(&self) -> &[Decimal] {
        &self.num
    }

    /// The prices that divide.
    pub(crate) fn denominators(&self) -> &[Decimal] {
        &self.den
    }

    /// The currency converted from.
    pub fn from(&self) -> Currency {
        self.from
    }

    /// The currency converted into.
    pub fn to(&self) -> Currency {
        self.to
    }

    /// The rates the conversion goes through, in order (empty for a currency into itself).
    pub fn legs(&self) -> &[Rate] {
        &self.legs
    }

    /// `money` (in `from`) in `to`, computed exactly and rounded once by `rule`.
    pub fn apply(&self, money: Money, rule: RoundingRule) -> Result<Money, MoneyError> {
        if money.currency() != self.from {
            return Err(MoneyError::new(
                ErrorCode::CurrencyMismatch,
                format!("this conversion is from {}, not {}", self.from, money.currency()),
            ));
        }
        Money::new(rule.round_ratio(money.amount(), &self.num, &self.den, self.to)?, self.to)
    }

    /// Units of `to` one unit of `from` buys, rounded by `rule` (e.g. [`RoundingRule::RATE_DISPLAY`]).
    pub fn to_per_from(&self, rule: RoundingRule) -> Result<Decimal, MoneyError> {
        rule.round_ratio(Decimal::ONE, &self.num, &self.den, self.to)
    }

    /// Units of `from` one unit of `to` buys, rounded by `rule`.
    pub fn from_per_to(&self, rule: RoundingRule) -> Result<Decimal, MoneyError> {
        rule.round_ratio(Decimal::ONE, &self.den, &self.num, self.from)
    }

    /// The conversion as one rate, rounded by `rule`: in the direction of its one rate when it has one
    /// (`USD/JPY` as written, whichever way the money goes), otherwise the direction whose price is at
    /// least 1 (`JPY/KHR`, not `KHR/JPY`), so the price keeps its digits.
    pub fn as_rate(&self, rule: RoundingRule) -> Result<Rate, MoneyError> {
        let forward = CurrencyPair { base: self.from, quote: self.to };
        let written = match self.legs.as_slice() {
            [only] if only.pair != forward && only.pair == forward.flipped() => Some(forward.flipped()),
            [_] => Some(forward),
            _ => None,
        };
        let pair = match written {
            Some(pair) => pair,
            None if self.to_per_from(RoundingRule::RATE_DISPLAY)? >= Decimal::ONE => forward,
            None => forward.flipped(),
        };
        let price = if pair == forward { self.to_per_from(rule)? } else { self.from_per_to(rule)? };
        Ok(Rate { pair, price: price.normalize() })
    }
}

/// Cached rates for estimates, with the time they were set and who set them. Each pair appears once,
/// in one direction; every price is plausible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateTable {
    /// Sorted by pair; no two rates share their two currencies.
    rates: Vec<Rate>,
    as_of_ms: i64,
    source: Option<String>,
}

/// How far ahead of the device's clock a rate table's time may be: the replay window a backend
/// allows a request (a clock further behind cannot talk to the backend anyway).
pub const RATE_CLOCK_TOLERANCE_MS: i64 = 300_000;

impl RateTable {
    /// A table of `rates` set at `as_of_ms`, refusing the same pair twice or in both directions
    /// (`invalid_rate`: which one would be meant is a guess).
    pub fn new(rates: impl IntoIterator<Item = Rate>, as_of_ms: i64) -> Result<RateTable, MoneyError> {
        let mut table: Vec<Rate> = Vec::new();
        for rate in rates {
            let CurrencyPair { base, quote } = rate.pair;
            if let Some(earlier) = table.iter().find(|r| r.connects(base, quote)) {
                let what = if earlier.pair == rate.pair { "twice" } else { "in both directions" };
                return Err(MoneyError::new(
                    ErrorCode::InvalidRate,
                    format!("the table prices {} {what} ({earlier} and {rate})", rate.pair),
                ));
            }
            let at = table.partition_point(|r| r.pair < rate.pair);
            table.insert(at, rate);
        }
        Ok(RateTable { rates: table, as_of_ms, source: None })
    }

    /// Parses `"PAIR" → "PRICE"` entries (a rate file, the backend's `/v1/rates`) into a table.
    pub fn parse<'a>(
        entries: impl IntoIterator<Item = (&'a str, &'a str)>,
        as_of_ms: i64,
    ) -> Result<RateTable, MoneyError> {
        let rates =
            entries.into_iter().map(|(pair, price)| Rate::from_text(pair, price)).collect::<Result<Vec<_>, _>>()?;
        RateTable::new(rates, as_of_ms)
    }

    /// The same table, naming who set the rates (shown beside an estimate).
    pub fn with_source(mut self, source: impl Into<String>) -> RateTable {
        self.source = Some(source.into());
        self
    }

    /// Every rate, ordered by pair.
    pub fn rates(&self) -> impl Iterator<Item = &Rate> {
        self.rates.iter()
    }

    /// When the rates were set, epoch milliseconds.
    pub fn as_of_ms(&self) -> i64 {
        self.as_of_ms
    }

    /// Who set them, when known.
    pub fn source(&self) -> Option<&str> {
        self.source.as_deref()
    }

    fn direct(&self, from: Currency, to: Currency) -> Option<Conversion> {
        self.rates.iter().find(|r| r.connects(from, to)).and_then(|rate| Conversion::direct(rate, from, to).ok())
    }

    /// How `from` converts into `to`: a direct rate; else a cross through USD; else through `to`'s
    /// anchor (the currency it is pegged to, e.g. MOP → HKD); else `no_rate`. The choice depends only
    /// on which pairs the table holds, never on their order.
    pub fn conversion(&self, from: Currency, to: Currency) -> Result<Conversion, MoneyError> {
        if from == to {
            return Ok(Conversion::identity(from));
        }
        if let Some(direct) = self.direct(from, to) {
            return Ok(direct);
        }
        for bridge in [Some(Currency::USD), known::anchor(to)].into_iter().flatten() {
            if bridge == from || bridge == to {
                continue;
            }
            if let (Some(first), Some(second)) = (self.direct(from, bridge), self.direct(bridge, to)) {
                return Ok(first.then(second));
            }
        }
        Err(MoneyError::new(
            ErrorCode::NoRate,
            format!("no cached rate converts {from} to {to} directly, through USD or through {to}'s anchor"),
        ))
    }

    /// How old the rates are at `now_ms` (negative when dated ahead of the clock).
    pub fn age_ms(&self, now_ms: i64) -> i64 {
        now_ms.saturating_sub(self.as_of_ms)
    }

    /// Refuses rates older than `max_age_ms` at `now_ms` (`rates_stale`), or dated more than
    /// [`RATE_CLOCK_TOLERANCE_MS`] ahead of it (`invalid_rate`).
    pub fn ensure_current(&self, now_ms: i64, max_age_ms: i64) -> Result<(), MoneyError> {
        let age = self.age_ms(now_ms);
        if age < -RATE_CLOCK_TOLERANCE_MS {
            return Err(MoneyError::new(
                ErrorCode::InvalidRate,
                format!("the rates are dated {} ms ahead of this device's clock", -age),
            ));
        }
        if age > max_age_ms {
            return Err(MoneyError::new(
                ErrorCode::RatesStale,
                format!("the rates are {} s old; at most {} s are allowed", age / 1000, max_age_ms / 1000),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Coded as _;

    fn money(code: &str, v: &str) -> Money {
        Money::parse_code(code, v).unwrap()
    }

    fn table(rates: &[&str]) -> RateTable {
        RateTable::new(rates.iter().map(|r| Rate::parse(r).unwrap()), 1_000).unwrap()
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
        let inverted = Rate::parse("USD/JPY=120").unwrap();
        assert_eq!(inverted.convert(money("JPY", "45"), Currency::USD, r).unwrap().to_string(), "0.38 USD");
    }

    #[test]
    fn refuses_bad_rates() {
        assert!(Rate::parse("USD/USD=1").is_ok());
        for bad in [
            "USD/JPY=0",
            "USD/JPY=-1",
            "USD/USD=1.5",
            "USDJPY=150",
            "USD/JPY=abc",
            "USD/JPY",
            "USD/JPY=+148.35",
            "USD/JPY=1_48.35",
            "USD/JPY=1.4835e2",
            "USD/JPY= 148.35",
            "USD/JPY=148.",
        ] {
            assert_eq!(Rate::parse(bad).unwrap_err().code(), ErrorCode::InvalidRate, "{bad}");
        }
        for wrong_way in ["KHR/USD=4100", "JPY/USD=150", "USD/SGD=0.77", "JPY/KHR=0.0366", "USD/VND=2625"] {
            assert_eq!(Rate::parse(wrong_way).unwrap_err().code(), ErrorCode::ImplausibleRate, "{wrong_way}");
        }
        assert!(Rate::parse("EUR/XCD=3").is_ok(), "no known range: not judged");
        for unknown in ["USD/XYZ=1", "usd/JPY=148.35", " USD/JPY=148.35"] {
            assert_eq!(Rate::parse(unknown).unwrap_err().code(), ErrorCode::UnknownCurrency, "{unknown}");
        }
    }

    #[test]
    fn tables_refuse_duplicates_and_contradictions() {
        let rates = |list: &[&str]| RateTable::new(list.iter().map(|r| Rate::parse(r).unwrap()), 0);
        assert_eq!(rates(&["USD/JPY=150", "USD/JPY=150"]).unwrap_err().code, ErrorCode::InvalidRate);
        assert_eq!(rates(&["USD/JPY=150", "USD/JPY=151"]).unwrap_err().code, ErrorCode::InvalidRate);
        assert_eq!(rates(&["USD/JPY=150", "JPY/USD=0.0066"]).unwrap_err().code, ErrorCode::InvalidRate);
        let parsed = RateTable::parse([("USD/JPY", "150"), ("USD/KHR", "4100")], 5).unwrap();
        assert_eq!((parsed.rates().count(), parsed.as_of_ms()), (2, 5));
        assert_eq!(RateTable::parse([("USD/KHR", "4,100")], 0).unwrap_err().code, ErrorCode::InvalidRate);
    }

    #[test]
    fn the_bridge_is_direct_then_usd_then_the_anchor() {
        let t = table(&["USD/KHR=4100", "USD/JPY=150", "EUR/JPY=160", "EUR/KHR=4400"]);
        let jpy_khr = t.conversion(Currency::JPY, Currency::KHR).unwrap();
        assert_eq!(jpy_khr.legs().iter().map(|r| r.pair.to_string()).collect::<Vec<_>>(), ["USD/JPY", "USD/KHR"]);
        assert_eq!(jpy_khr.apply(money("JPY", "1200"), RoundingRule::WHOLE_UNITS).unwrap().to_string(), "32800 KHR");
        assert_eq!(t.conversion(Currency::THB, Currency::KHR).unwrap_err().code(), ErrorCode::NoRate);
        let mop = Currency::from_code("MOP").unwrap();
        let pegged = table(&["HKD/MOP=1.03", "HKD/JPY=19.2"]);
        assert_eq!(pegged.conversion(Currency::JPY, mop).unwrap().legs().len(), 2, "through MOP's anchor");
        assert_eq!(pegged.conversion(mop, Currency::JPY).unwrap_err().code(), ErrorCode::NoRate, "JPY has no anchor");
        let rate = table(&["USD/KHR=4100", "USD/JPY=150"]).conversion(Currency::JPY, Currency::KHR).unwrap();
        assert_eq!(rate.as_rate(RoundingRule::RATE_DISPLAY).unwrap().to_string(), "JPY/KHR=27.3333");
        let usd = table(&["USD/JPY=150"]).conversion(Currency::JPY, Currency::USD).unwrap();
        assert_eq!(usd.as_rate(RoundingRule::RATE_DISPLAY).unwrap().to_string(), "USD/JPY=150", "as written");
    }

    #[test]
    fn rates_must_be_current() {
        let t = table(&["USD/JPY=150"]);
        assert_eq!(t.age_ms(61_000), 60_000);
        assert!(t.ensure_current(61_000, 60_000).is_ok());
        assert_eq!(t.ensure_current(61_001, 60_000).unwrap_err().code, ErrorCode::RatesStale);
        assert!(t.ensure_current(1_000 - RATE_CLOCK_TOLERANCE_MS, 60_000).is_ok());
        assert_eq!(t.ensure_current(999 - RATE_CLOCK_TOLERANCE_MS, 60_000).unwrap_err().code, ErrorCode::InvalidRate);
    }
}
