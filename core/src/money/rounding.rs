//! Rounding, always explicit: a mode and a precision. Converted and displayed amounts use
//! [`RoundingRule::HALF_EVEN`] at the currency's minor unit unless a named rule applies.

use rust_decimal::{Decimal, RoundingStrategy};

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
    /// Toward positive infinity: a debit rounded in the bank's favour.
    Ceiling,
}

impl RoundingMode {
    fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::Down => RoundingStrategy::ToZero,
            RoundingMode::Up => RoundingStrategy::AwayFromZero,
            RoundingMode::Floor => RoundingStrategy::ToNegativeInfinity,
            RoundingMode::Ceiling => RoundingStrategy::ToPositiveInfinity,
        }
    }
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

impl RoundingRule {
    /// Default for display and converted amounts: half-even at the currency's minor unit.
    pub const HALF_EVEN: RoundingRule = RoundingRule { mode: RoundingMode::HalfEven, precision: Precision::MinorUnit };
    /// KHQR allows only whole riel: half-even to whole units.
    pub const WHOLE_UNITS: RoundingRule =
        RoundingRule { mode: RoundingMode::HalfEven, precision: Precision::Digits(0) };
    /// A debit rounded in the bank's favour, where a rule says so: up at the minor unit.
    pub const DEBIT_BANK_FAVOUR: RoundingRule =
        RoundingRule { mode: RoundingMode::Ceiling, precision: Precision::MinorUnit };
    /// Alipay+ rounds IDR to whole hundreds.
    pub const IDR_HUNDREDS: RoundingRule =
        RoundingRule { mode: RoundingMode::HalfEven, precision: Precision::Increment(Decimal::ONE_HUNDRED) };

    /// The rule for an amount that will be paid in `currency`: whole riel for KHR (KHQR), otherwise
    /// half-even at the minor unit.
    pub fn for_payment(currency: Currency) -> RoundingRule {
        if currency == Currency::KHR { Self::WHOLE_UNITS } else { Self::HALF_EVEN }
    }

    /// Rounds `value` as an amount of `currency`.
    pub fn round(&self, value: Decimal, currency: Currency) -> Result<Decimal, MoneyError> {
        let strategy = self.mode.strategy();
        match self.precision {
            Precision::MinorUnit => Ok(match currency.minor_unit() {
                Some(dp) => value.round_dp_with_strategy(dp, strategy),
                None => value,
            }),
            Precision::Digits(dp) => Ok(value.round_dp_with_strategy(dp, strategy)),
            Precision::Increment(step) if step > Decimal::ZERO => value
                .checked_div(step)
                .map(|q| q.round_dp_with_strategy(0, strategy))
                .and_then(|q| q.checked_mul(step))
                .ok_or_else(|| {
                    MoneyError::new(ErrorCode::AmountOverflow, format!("{value} cannot be rounded to {step}"))
                }),
            Precision::Increment(step) => {
                Err(MoneyError::new(ErrorCode::InvalidAmount, format!("rounding increment {step} must be positive")))
            }
        }
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
        assert_eq!(r(RoundingRule::DEBIT_BANK_FAVOUR, "8.081", usd), "8.09");
        assert_eq!(r(RoundingRule::WHOLE_UNITS, "32900.5", Currency::KHR), "32900");
        assert_eq!(r(RoundingRule::for_payment(Currency::KHR), "32901.5", Currency::KHR), "32902");
        assert_eq!(r(RoundingRule::for_payment(Currency::USD), "1.005", usd), "1.00");
        assert_eq!(r(RoundingRule::IDR_HUNDREDS, "123456.78", Currency::IDR), "123500");
        assert_eq!(r(RoundingRule { mode: RoundingMode::HalfUp, precision: Precision::Digits(1) }, "0.25", usd), "0.3");
        assert_eq!(r(RoundingRule { mode: RoundingMode::Down, precision: Precision::MinorUnit }, "0.259", usd), "0.25");
        let bad = RoundingRule { mode: RoundingMode::HalfEven, precision: Precision::Increment(Decimal::ZERO) };
        assert!(bad.round(d("1"), usd).is_err());
    }
}
