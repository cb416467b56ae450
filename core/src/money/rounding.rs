//! Rounding, always explicit: a mode and a precision, applied once to an exact value. Converted and
//! displayed amounts use [`RoundingRule::HALF_EVEN`] at the currency's minor unit unless a named rule
//! applies ([`RoundingRule::for_payment`]).
//!
//! [`RoundingRule::round_ratio`] is the one place a value is rounded: `value × Π num ÷ Π den` is
//! computed as a fraction of integers and rounded by comparing the remainder with the divisor, so a
//! conversion through an inverted or crossed rate is never off a tie because of a rounded reciprocal
//! (45 JPY at USD/JPY 120 is exactly $0.375, half-even $0.38).

use rust_decimal::Decimal;

use super::{Currency, MoneyError};
use crate::error::ErrorCode;

/// How a value between two representable amounts is resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RoundingMode {
    /// Nearest, ties to even (banker's rounding). The default.
    #[default]
    HalfEven,
    /// Nearest, ties away from zero.
    HalfUp,
    /// Toward zero (truncate).
    Down,
    /// Away from zero.
    Up,
    /// Toward negative infinity.
    Floor,
    /// Toward positive infinity.
    Ceiling,
}

/// To what a value is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Precision {
    /// The currency's ISO 4217 minor unit (JPY 0, USD 2…).
    MinorUnit,
    /// A fixed number of decimal places.
    Digits(u32),
    /// Multiples of an increment, e.g. 100 for whole hundreds.
    Increment(Decimal),
    /// This many significant digits, but never fewer than the whole units (`1234567.8` at 6 is
    /// `1234568`): for rates and percentages on screen.
    Significant(u32),
}

/// A named rounding rule: mode plus precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RoundingRule {
    /// How ties and remainders go.
    pub mode: RoundingMode,
    /// To what precision.
    pub precision: Precision,
}

impl Default for RoundingRule {
    fn default() -> Self {
        Self::HALF_EVEN
    }
}

fn overflow(what: impl std::fmt::Display) -> MoneyError {
    MoneyError::new(ErrorCode::AmountOverflow, format!("{what} has too many digits to round exactly"))
}

/// `|d|` as an integer mantissa and a scale, trailing zeros dropped.
fn parts(d: Decimal) -> (u128, u32) {
    let n = d.normalize();
    (n.mantissa().unsigned_abs(), n.scale())
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// An exact non-negative fraction `n / d` of integers, kept reduced.
#[derive(Clone, Copy)]
struct Ratio {
    n: u128,
    d: u128,
}

impl Ratio {
    const ONE: Ratio = Ratio { n: 1, d: 1 };

    fn reduced(n: u128, d: u128) -> Ratio {
        let g = gcd(n, d).max(1);
        Ratio { n: n / g, d: d / g }
    }

    /// `self × (m / 10^s)` or `self ÷ (m / 10^s)`.
    fn times(self, value: Decimal, divide: bool) -> Option<Ratio> {
        let (m, s) = parts(value);
        let ten = 10u128.checked_pow(s)?;
        let (mul, div) = if divide { (ten, m) } else { (m, ten) };
        // Cross-reduce first so the products stay small.
        let (g1, g2) = (gcd(mul, self.d).max(1), gcd(self.n, div).max(1));
        let n = (self.n / g2).checked_mul(mul / g1)?;
        let d = (self.d / g1).checked_mul(div / g2)?;
        (d != 0).then(|| Ratio::reduced(n, d))
    }

    /// The number of digits before the point (≤ 0 for a value below 1: `0.05` is −1).
    fn magnitude(self) -> Option<i32> {
        if self.n == 0 {
            return Some(1);
        }
        let (mut n, d, mut m) = (self.n, self.d, 0i32);
        if n >= d {
            let mut q = n / d;
            while q > 0 {
                q /= 10;
                m += 1;
            }
        } else {
            while n < d {
                n = n.checked_mul(10)?;
                m -= 1;
            }
            m += 1;
        }
        Some(m)
    }
}

impl RoundingRule {
    /// Default for display and converted amounts: half-even at the currency's minor unit.
    pub const HALF_EVEN: RoundingRule = RoundingRule { mode: RoundingMode::HalfEven, precision: Precision::MinorUnit };
    /// Whole units, half-even: KHQR allows only whole riel (Bakong SDK), Alipay+ IDR amounts are whole
    /// rupiah ("banker's rounding", the last two digits of the value in sen `00`).
    pub const WHOLE_UNITS: RoundingRule =
        RoundingRule { mode: RoundingMode::HalfEven, precision: Precision::Digits(0) };
    /// A rate on screen: six significant digits, half-even.
    pub const RATE_DISPLAY: RoundingRule =
        RoundingRule { mode: RoundingMode::HalfEven, precision: Precision::Significant(6) };
    /// A rate on the wire: twelve significant digits, half-even.
    pub const RATE_WIRE: RoundingRule =
        RoundingRule { mode: RoundingMode::HalfEven, precision: Precision::Significant(12) };
    /// A percentage on screen (the markup): two decimals, half-even.
    pub const PERCENT_DISPLAY: RoundingRule =
        RoundingRule { mode: RoundingMode::HalfEven, precision: Precision::Digits(2) };

    /// The rule for an amount that will be paid in `currency`: whole riel for KHR (KHQR), whole rupiah
    /// for IDR (Alipay+; CLDR 49 also shows IDR without decimals), otherwise half-even at the minor unit.
    pub fn for_payment(currency: Currency) -> RoundingRule {
        if currency == Currency::KHR || currency == Currency::IDR { Self::WHOLE_UNITS } else { Self::HALF_EVEN }
    }

    /// Rounds `value` as an amount of `currency`.
    pub fn round(&self, value: Decimal, currency: Currency) -> Result<Decimal, MoneyError> {
        self.round_ratio(value, &[], &[], currency)
    }

    /// `value × Π num ÷ Π den`, computed exactly and rounded once by this rule as an amount of
    /// `currency`. `amount_overflow` when the exact fraction does not fit 128 bits, `invalid_amount`
    /// for a zero divisor, a non-positive increment, or a currency without a minor unit (gold, SDR)
    /// whose exact result would need rounding to a precision nobody named.
    pub fn round_ratio(
        &self,
        value: Decimal,
        num: &[Decimal],
        den: &[Decimal],
        currency: Currency,
    ) -> Result<Decimal, MoneyError> {
        let invalid = |m: String| MoneyError::new(ErrorCode::InvalidAmount, m);
        if den.iter().any(Decimal::is_zero) {
            return Err(invalid(format!("{value} cannot be divided by zero")));
        }
        let flips = num.iter().chain(den).filter(|d| d.is_sign_negative()).count();
        let negative = value.is_sign_negative() != (flips % 2 == 1);
        let mut x = Ratio::ONE.times(value, false).ok_or_else(|| overflow(value))?;
        for (factor, divide) in num.iter().map(|f| (f, false)).chain(den.iter().map(|f| (f, true))) {
            x = x.times(*factor, divide).ok_or_else(|| overflow(value))?;
        }
        // The unit rounded to: 10^-dp or the increment.
        let unit = match self.precision {
            Precision::MinorUnit => match currency.minor_unit() {
                Some(dp) => Decimal::new(1, dp),
                None if num.is_empty() && den.is_empty() => return Ok(value),
                None => return Err(invalid(format!("{currency} has no minor unit; name a precision to round to"))),
            },
            Precision::Digits(dp) => Decimal::try_new(1, dp).map_err(|_| invalid(format!("{dp} decimal places")))?,
            Precision::Increment(step) if step > Decimal::ZERO => step,
            Precision::Increment(step) => return Err(invalid(format!("rounding increment {step} must be positive"))),
            Precision::Significant(digits) => {
                let magnitude = x.magnitude().ok_or_else(|| overflow(value))?;
                let dp = (i64::from(digits) - i64::from(magnitude)).clamp(0, 28) as u32;
                Decimal::new(1, dp)
            }
        };
        let q = x.times(unit, true).ok_or_else(|| overflow(value))?;
        let (whole, rest) = (q.n / q.d, q.n % q.d);
        let above_half = rest > q.d - rest;
        let at_half = rest == q.d - rest;
        let up = rest > 0
            && match self.mode {
                RoundingMode::Down => false,
                RoundingMode::Up => true,
                RoundingMode::Floor => negative,
                RoundingMode::Ceiling => !negative,
                RoundingMode::HalfUp => above_half || at_half,
                RoundingMode::HalfEven => above_half || (at_half && whole % 2 == 1),
            };
        let (step, scale) = parts(unit);
        let magnitude = (whole.checked_add(u128::from(up)))
            .and_then(|units| units.checked_mul(step))
            .and_then(|m| i128::try_from(m).ok())
            .ok_or_else(|| overflow(value))?;
        let signed = if negative { -magnitude } else { magnitude };
        Decimal::try_from_i128_with_scale(signed, scale).map_err(|_| overflow(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn rounds_by_rule() {
        let usd = Currency::USD;
        let r = |rule: RoundingRule, v: &str, c: Currency| rule.round(d(v), c).unwrap().to_string();
        assert_eq!(r(RoundingRule::HALF_EVEN, "8.085", usd), "8.08");
        assert_eq!(r(RoundingRule::HALF_EVEN, "8.095", usd), "8.10");
        assert_eq!(r(RoundingRule::HALF_EVEN, "1200.5", Currency::JPY), "1200");
        assert_eq!(r(RoundingRule::WHOLE_UNITS, "32900.5", Currency::KHR), "32900");
        assert_eq!(r(RoundingRule::for_payment(Currency::KHR), "32901.5", Currency::KHR), "32902");
        assert_eq!(r(RoundingRule::for_payment(Currency::USD), "1.005", usd), "1.00");
        assert_eq!(r(RoundingRule::for_payment(Currency::IDR), "123456.78", Currency::IDR), "123457");
        assert_eq!(r(RoundingRule::for_payment(Currency::IDR), "40832.5", Currency::IDR), "40832");
        assert_eq!(r(RoundingRule { mode: RoundingMode::HalfUp, precision: Precision::Digits(1) }, "0.25", usd), "0.3");
        assert_eq!(r(RoundingRule { mode: RoundingMode::Down, precision: Precision::MinorUnit }, "0.259", usd), "0.25");
        assert_eq!(
            r(RoundingRule { mode: RoundingMode::Ceiling, precision: Precision::MinorUnit }, "8.081", usd),
            "8.09"
        );
        assert_eq!(
            r(RoundingRule { mode: RoundingMode::Floor, precision: Precision::MinorUnit }, "-8.081", usd),
            "-8.09"
        );
        assert_eq!(r(RoundingRule { mode: RoundingMode::Up, precision: Precision::MinorUnit }, "-8.081", usd), "-8.09");
        assert_eq!(r(RoundingRule::HALF_EVEN, "-0.125", usd), "-0.12");
        let hundreds =
            RoundingRule { mode: RoundingMode::HalfEven, precision: Precision::Increment(Decimal::ONE_HUNDRED) };
        assert_eq!(r(hundreds, "123450", Currency::IDR), "123400");
        let bad = RoundingRule { mode: RoundingMode::HalfEven, precision: Precision::Increment(Decimal::ZERO) };
        assert_eq!(bad.round(d("1"), usd).unwrap_err().code, ErrorCode::InvalidAmount);
        let gold = Currency::from_code("XAU").unwrap();
        assert_eq!(r(RoundingRule::HALF_EVEN, "0.123456789", gold), "0.123456789", "nothing to round");
    }

    #[test]
    fn ratios_round_once_and_exactly() {
        let rule = RoundingRule::HALF_EVEN;
        let usd = Currency::USD;
        let ratio = |v: &str, num: &[&str], den: &[&str], c| {
            let (num, den): (Vec<_>, Vec<_>) = (num.iter().map(|s| d(s)).collect(), den.iter().map(|s| d(s)).collect());
            rule.round_ratio(d(v), &num, &den, c).map(|r| r.to_string()).map_err(|e| e.code)
        };
        assert_eq!(ratio("45", &[], &["120"], usd), Ok("0.38".into()), "exactly 0.375");
        assert_eq!(ratio("4.50", &[], &["36"], usd), Ok("0.12".into()), "exactly 0.125");
        assert_eq!(ratio("120", &["150"], &["4000"], Currency::JPY), Ok("4".into()), "cross: 4.5");
        assert_eq!(ratio("1000", &[], &["150.25"], usd), Ok("6.66".into()));
        assert_eq!(ratio("1", &[], &["0"], usd), Err(ErrorCode::InvalidAmount));
        let huge = "79228162514264337593543950335";
        assert_eq!(ratio(huge, &[huge, huge], &["3"], usd), Err(ErrorCode::AmountOverflow));
        let gold = Currency::from_code("XAU").unwrap();
        assert_eq!(ratio("1", &[], &["3"], gold), Err(ErrorCode::InvalidAmount));
        let sig = |v: &str| RoundingRule::RATE_DISPLAY.round(d(v), usd).unwrap().normalize().to_string();
        assert_eq!(sig("148.3456"), "148.346");
        assert_eq!(sig("4100.000"), "4100");
        assert_eq!(sig("0.0067411"), "0.0067411");
        assert_eq!(sig("0.00674114"), "0.00674114");
        assert_eq!(sig("0.006741145"), "0.00674114");
        assert_eq!(sig("1234567.8"), "1234568");
        assert_eq!(sig("0"), "0");
    }
}
