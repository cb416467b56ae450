//! ISO 4217 currencies, from the `iso_currency` crate (generated from the ISO list, maintained).

use std::fmt;
use std::str::FromStr;

use super::amount::MoneyError;
use crate::error::ErrorCode;

/// An ISO 4217 currency: alpha-3 code, numeric code, minor unit.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency(iso_currency::Currency);

impl Currency {
    /// Cambodian riel.
    pub const KHR: Currency = Currency(iso_currency::Currency::KHR);
    /// US dollar.
    pub const USD: Currency = Currency(iso_currency::Currency::USD);
    /// Japanese yen.
    pub const JPY: Currency = Currency(iso_currency::Currency::JPY);
    /// Chinese yuan renminbi.
    pub const CNY: Currency = Currency(iso_currency::Currency::CNY);
    /// Thai baht.
    pub const THB: Currency = Currency(iso_currency::Currency::THB);
    /// Vietnamese dong.
    pub const VND: Currency = Currency(iso_currency::Currency::VND);
    /// Lao kip.
    pub const LAK: Currency = Currency(iso_currency::Currency::LAK);
    /// Malaysian ringgit.
    pub const MYR: Currency = Currency(iso_currency::Currency::MYR);
    /// Singapore dollar.
    pub const SGD: Currency = Currency(iso_currency::Currency::SGD);
    /// Indonesian rupiah.
    pub const IDR: Currency = Currency(iso_currency::Currency::IDR);
    /// Indian rupee.
    pub const INR: Currency = Currency(iso_currency::Currency::INR);
    /// Hong Kong dollar.
    pub const HKD: Currency = Currency(iso_currency::Currency::HKD);
    /// New Taiwan dollar.
    pub const TWD: Currency = Currency(iso_currency::Currency::TWD);

    /// The currency with this alpha-3 code (uppercase, e.g. `KHR`).
    pub fn from_code(code: &str) -> Option<Currency> {
        iso_currency::Currency::from_code(code).map(Currency)
    }

    /// The currency with this numeric code (e.g. 116).
    pub fn from_numeric(numeric: u16) -> Option<Currency> {
        iso_currency::Currency::from_numeric(numeric).map(Currency)
    }

    /// The currency whose numeric code is written as exactly three digits (EMVCo tag 53).
    pub fn from_numeric_str(digits: &str) -> Option<Currency> {
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok().and_then(Currency::from_numeric)
    }

    /// Alpha-3 code, e.g. `JPY`.
    pub fn code(self) -> &'static str {
        self.0.code()
    }

    /// Numeric code, e.g. 392.
    pub fn numeric(self) -> u16 {
        self.0.numeric()
    }

    /// Numeric code as the three digits EMVCo tag 53 carries, e.g. `"392"`.
    pub fn numeric_str(self) -> String {
        format!("{:03}", self.numeric())
    }

    /// English name, e.g. "Japanese yen".
    pub fn name(&self) -> &str {
        self.0.name()
    }

    /// Digits after the decimal point (ISO 4217 minor unit); `None` where ISO gives none (gold, SDR…).
    pub fn minor_unit(self) -> Option<u32> {
        self.0.exponent().map(u32::from)
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;

    /// The currency with ISO 4217 alphabetic `code` (exact case); `unknown_currency` otherwise.
    fn from_str(code: &str) -> Result<Currency, MoneyError> {
        Currency::from_code(code)
            .ok_or_else(|| MoneyError::new(ErrorCode::UnknownCurrency, format!("{code:?} is not an ISO 4217 currency")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_up_by_code_and_number() {
        assert_eq!(Currency::from_numeric_str("116"), Some(Currency::KHR));
        assert_eq!(Currency::from_numeric_str("392").map(Currency::code), Some("JPY"));
        assert_eq!(Currency::from_code("USD").map(Currency::numeric), Some(840));
        assert_eq!(Currency::JPY.minor_unit(), Some(0));
        assert_eq!(Currency::KHR.minor_unit(), Some(2));
        assert_eq!(Currency::from_code("XAU").and_then(Currency::minor_unit), None);
        assert_eq!(Currency::from_numeric_str("999").map(Currency::code), Some("XXX"));
        assert_eq!(Currency::from_numeric_str("000"), None);
        assert_eq!(Currency::from_numeric_str("84"), None);
        assert_eq!(Currency::from_numeric_str("+84"), None);
        assert_eq!(Currency::JPY.numeric_str(), "392");
        assert_eq!(Currency::from_numeric(8).map(|c| c.numeric_str()), Some("008".into()));
    }
}
