//! Money: ISO 4217 currencies, exact decimal amounts, explicit rounding, rates and quotes, and
//! locale display (CLDR through ICU4X). Never a float.

mod amount;
mod currency;
pub mod display;
mod known;
mod labels;
mod quote;
mod rate;
mod rounding;
pub mod summary;

pub(crate) use amount::plain_decimal;
pub use amount::{Money, MoneyError};
pub use currency::Currency;
pub use display::{DisplayLocale, DisplayOptions, LabelLanguage, SymbolStyle};
pub use quote::{Credit, Fee, FeeCode, IndicativeQuote, Quote, ReferenceRate};
pub use rate::{Conversion, CurrencyPair, RATE_CLOCK_TOLERANCE_MS, Rate, RateTable};
pub use rounding::{Precision, RoundingMode, RoundingRule};
pub use rust_decimal::Decimal;
pub use summary::{PaymentSummary, Pricing, SummaryLine};
