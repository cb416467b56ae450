//! Money: ISO 4217 currencies and exact decimal amounts. Never a float.

mod amount;
mod currency;

pub use amount::{Money, MoneyError, MoneyErrorKind};
pub use currency::Currency;
pub use rust_decimal::Decimal;
