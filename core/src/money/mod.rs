//! Money: ISO 4217 currencies, exact decimal amounts, explicit rounding, rates and quotes, and
//! locale display (CLDR through ICU4X). Never a float.

mod amount;
mod currency;
pub mod display;
mod quote;
mod rate;
mod rounding;
pub mod summary;

pub use amount::{Money, MoneyError};
pub use currency::Currency;
pub use display::{DisplayLocale, DisplayOptions, SymbolStyle};
pub use quote::{Fee, IndicativeQuote, Quote};
pub use rate::{CurrencyPair, Rate, RateTable};
pub use rounding::{Precision, RoundingMode, RoundingRule};
pub use rust_decimal::Decimal;
pub use summary::{PaymentSummary, Pricing, SummaryLine};
