//! `Money`: an exact decimal amount in a currency, parsed by that currency's rules.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use super::Currency;
use crate::error::{Coded, ErrorCode};

/// An amount, currency, rate, quote or locale that could not be accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyError {
    /// The stable reason.
    pub code: ErrorCode,
    /// For a human.
    pub message: String,
}

impl MoneyError {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MoneyError {}

impl Coded for MoneyError {
    fn code(&self) -> ErrorCode {
        self.code
    }
}

/// An exact, non-negative amount of a currency whose scale never exceeds the currency's minor unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// `amount` of `currency`, refused if negative or more precise than the currency's minor unit.
    pub fn new(amount: Decimal, currency: Currency) -> Result<Money, MoneyError> {
        if amount.is_sign_negative() && !amount.is_zero() {
            return Err(MoneyError::new(ErrorCode::NegativeAmount, format!("amount {amount} is negative")));
        }
        let amount = amount.abs();
        if let Some(minor) = currency.minor_unit()
            && amount.normalize().scale() > minor
        {
            return Err(MoneyError::new(
                ErrorCode::TooManyDecimals,
                format!("{currency} allows {minor} decimal places; {amount} has more"),
            ));
        }
        Ok(Money { amount, currency })
    }

    /// Parses a plain decimal (`1200`, `1.10`): digits with at most one `.` and digits after it,
    /// no sign, no grouping, no exponent, and no more decimal digits than the currency's minor unit.
    /// The written scale is kept (`1.10` stays `1.10`).
    pub fn parse(text: &str, currency: Currency) -> Result<Money, MoneyError> {
        let amount = plain_decimal(text).map_err(|e| match e {
            Syntax::Negative => MoneyError::new(ErrorCode::NegativeAmount, format!("amount {text:?} is negative")),
            Syntax::NotPlain => {
                MoneyError::new(ErrorCode::InvalidAmount, format!("amount {text:?} is not a plain decimal number"))
            }
            Syntax::TooLarge => MoneyError::new(ErrorCode::AmountOverflow, format!("amount {text:?} is too large")),
        })?;
        if let Some(minor) = currency.minor_unit()
            && amount.scale() > minor
        {
            return Err(MoneyError::new(
                ErrorCode::TooManyDecimals,
                format!("{currency} allows {minor} decimal places; {text:?} has {}", amount.scale()),
            ));
        }
        Ok(Money { amount, currency })
    }

    /// The amount in major units.
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// True when the amount is zero.
    pub fn is_zero(&self) -> bool {
        self.amount.is_zero()
    }

    /// Zero of `currency`.
    pub fn zero(currency: Currency) -> Money {
        Money { amount: Decimal::ZERO, currency }
    }

    /// Parses an amount given as an ISO alpha-3 code and a plain decimal, e.g. `("USD", "8.09")`.
    pub fn parse_code(code: &str, text: &str) -> Result<Money, MoneyError> {
        Money::parse(text, code.parse()?)
    }

    /// `self + other`, refusing another currency and overflow.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let sum = self.amount.checked_add(other.amount).ok_or_else(|| overflow(self, "+", other))?;
        Ok(Money { amount: sum, currency: self.currency })
    }

    /// `self - other`, refusing another currency and a negative result.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let diff = self.amount.checked_sub(other.amount).ok_or_else(|| overflow(self, "-", other))?;
        if diff.is_sign_negative() && !diff.is_zero() {
            return Err(MoneyError::new(ErrorCode::NegativeAmount, format!("{self} - {other} is negative")));
        }
        Ok(Money { amount: diff, currency: self.currency })
    }

    /// Sum of `amounts`, all in `currency`.
    pub fn sum<'m>(currency: Currency, amounts: impl IntoIterator<Item = &'m Money>) -> Result<Money, MoneyError> {
        amounts.into_iter().try_fold(Money::zero(currency), |acc, m| acc.checked_add(*m))
    }

    fn same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::new(
                ErrorCode::CurrencyMismatch,
                format!("cannot combine {} with {}", self.currency, other.currency),
            ));
        }
        Ok(())
    }
}

/// Why text is not a plain decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syntax {
    /// A minus sign before an otherwise plain number.
    Negative,
    /// Anything but digits with at most one `.` between digits.
    NotPlain,
    /// More digits than an exact decimal holds.
    TooLarge,
}

/// Reads the one decimal syntax crossqr accepts for amounts and rates: ASCII digits with at most one
/// `.` followed by digits — no sign, grouping, underscore, exponent or space. The written scale is kept.
pub(crate) fn plain_decimal(text: &str) -> Result<Decimal, Syntax> {
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = text.strip_prefix('-')
        && (digits(rest) || rest.contains('.'))
    {
        return Err(Syntax::Negative);
    }
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return Err(Syntax::NotPlain);
    }
    let frac_len = frac.map_or(0, str::len);
    Decimal::from_str(text).ok().filter(|d| d.scale() as usize == frac_len).ok_or(Syntax::TooLarge)
}

fn overflow(a: Money, op: &str, b: Money) -> MoneyError {
    MoneyError::new(ErrorCode::AmountOverflow, format!("{a} {op} {b} overflows"))
}

impl fmt::Display for Money {
    /// `1.10 USD`: the plain amount and the currency code (not a localised display).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, code: &str) -> Result<String, &'static str> {
        Money::parse(text, Currency::from_code(code).unwrap())
            .map(|m| m.amount().to_string())
            .map_err(|e| e.code().as_str())
    }

    #[test]
    fn parses_by_minor_unit() {
        assert_eq!(parse("1.10", "USD"), Ok("1.10".into()));
        assert_eq!(parse("0010", "USD"), Ok("10".into()));
        assert_eq!(parse("498", "JPY"), Ok("498".into()));
        assert_eq!(parse("498.5", "JPY"), Err("too_many_decimals"));
        assert_eq!(parse("1.105", "USD"), Err("too_many_decimals"));
        assert_eq!(parse("5000.0", "JPY"), Err("too_many_decimals"));
        assert_eq!(parse("1.100", "USD"), Err("too_many_decimals"));
        assert_eq!(parse("5000.0", "KHR"), Ok("5000.0".into()));
        assert_eq!(parse("0.123456", "XAU"), Ok("0.123456".into()));
    }

    #[test]
    fn refuses_bad_syntax() {
        for bad in ["", ".", "1.", ".5", "1.2.3", "1,000", "1e3", "+1", " 1", "１２", "0x10"] {
            assert_eq!(parse(bad, "USD"), Err("invalid_amount"), "{bad:?}");
        }
        assert_eq!(parse("-1", "USD"), Err("negative_amount"));
        assert_eq!(parse("-1.5", "USD"), Err("negative_amount"));
        assert_eq!(parse("99999999999999999999999999999999", "USD"), Err("amount_overflow"));
    }

    #[test]
    fn arithmetic_is_checked() {
        let usd = |t| Money::parse(t, Currency::USD).unwrap();
        assert_eq!(usd("1.10").checked_add(usd("2.05")).unwrap().amount().to_string(), "3.15");
        assert_eq!(usd("3.15").checked_sub(usd("3.15")).unwrap().amount().to_string(), "0.00");
        assert_eq!(usd("1").checked_sub(usd("2")).unwrap_err().code, ErrorCode::NegativeAmount);
        let yen = Money::parse("1", Currency::JPY).unwrap();
        assert_eq!(usd("1").checked_add(yen).unwrap_err().code().as_str(), "currency_mismatch");
        let max = Money::new(Decimal::MAX, Currency::JPY).unwrap();
        assert_eq!(max.checked_add(yen).unwrap_err().code, ErrorCode::AmountOverflow);
        assert_eq!(Money::sum(Currency::USD, &[usd("1.10"), usd("0.90")]).unwrap().amount().to_string(), "2.00");
        assert_eq!(Money::parse_code("XYZ", "1").unwrap_err().code().as_str(), "unknown_currency");
    }

    #[test]
    fn new_checks_scale_and_sign() {
        let usd = Currency::USD;
        assert!(Money::new(Decimal::new(110, 2), usd).is_ok());
        assert!(Money::new(Decimal::new(1100, 3), usd).is_ok());
        assert_eq!(Money::new(Decimal::new(1105, 3), usd).unwrap_err().code, ErrorCode::TooManyDecimals);
        assert_eq!(Money::new(Decimal::new(-1, 0), usd).unwrap_err().code, ErrorCode::NegativeAmount);
    }
}
