//! Quotes: a firm quote from the backend (or network) that fixes what the payer is debited, with the
//! reference rate and markup it discloses, and an estimate from cached rates shown before a firm quote
//! exists. Also [`Credit`], what the merchant receives for a code.

use std::fmt;

use rust_decimal::Decimal;

use super::{Conversion, Currency, Money, MoneyError, Precision, Rate, RateTable, RoundingMode, RoundingRule};
use crate::error::ErrorCode;

/// What the merchant receives for a code: the amount, the convenience fee the code itself asks for
/// (EMVCo 55 = 02/56 fixed, 55 = 03/57 percent) and the tip the payer entered (55 = 01), all in the
/// merchant's currency ([`crate::PaymentCode::credit`] computes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Credit {
    /// The code's amount, or the amount the payer entered.
    pub base: Money,
    /// The convenience fee the code asks for.
    pub fee: Option<Money>,
    /// The fee's percentage when the code states one (57), e.g. `3.00`.
    pub fee_percent: Option<Decimal>,
    /// The tip the payer entered.
    pub tip: Option<Money>,
    /// True when the code asks the payer for a tip (55 = 01).
    pub asks_for_tip: bool,
    /// What the merchant receives: base + fee + tip.
    pub total: Money,
}

impl Credit {
    /// A credit of `amount` alone: no fee, no tip.
    pub fn plain(amount: Money) -> Credit {
        Credit { base: amount, fee: None, fee_percent: None, tip: None, asks_for_tip: false, total: amount }
    }
}

/// What a fee is for: a stable code of the contract; the label comes from the display language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeeCode {
    /// The wallet's (or network's) fee for making the payment.
    ServiceFee,
    /// A currency conversion fee charged as its own line rather than in the rate.
    ConversionFee,
}

impl FeeCode {
    /// Every code.
    pub const ALL: [FeeCode; 2] = [FeeCode::ServiceFee, FeeCode::ConversionFee];

    /// The wire string, e.g. `service_fee`.
    pub fn as_str(self) -> &'static str {
        match self {
            FeeCode::ServiceFee => "service_fee",
            FeeCode::ConversionFee => "conversion_fee",
        }
    }

    /// From the wire string; `None` for a code this version does not know (a quote with one is refused:
    /// it could not be labelled).
    pub fn parse(code: &str) -> Option<FeeCode> {
        FeeCode::ALL.into_iter().find(|c| c.as_str() == code)
    }
}

impl fmt::Display for FeeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A fee charged to the payer, shown on its own line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fee {
    /// What the fee is for.
    pub code: FeeCode,
    /// How much, in the debit currency.
    pub amount: Money,
}

/// The rate a markup is measured against: a named source's rate at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceRate {
    /// The rate (crossed through USD where the source has no direct pair).
    pub rate: Rate,
    /// Who publishes it, e.g. `ECB`, `NBC` — a name, shown as it is.
    pub source: String,
    /// When it was published, epoch milliseconds.
    pub as_of_ms: i64,
}

/// How far the markup a quote states may be from the one its two rates give, in percentage points:
/// the rates travel with eight decimals, the markup is shown with two.
const MARKUP_TOLERANCE: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

/// A firm quote: the amounts are the backend's and are displayed as they are, never recomputed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// The backend's quote id, sent back when paying.
    pub id: String,
    /// The exchange rate applied, markup included (fees are separate).
    pub rate: Rate,
    /// The rate the markup is over.
    pub reference: ReferenceRate,
    /// The markup over the reference rate, percent (`1.00`).
    pub markup_percent: Decimal,
    /// Everything that leaves the payer's account, in the home currency, fees included.
    pub debit: Money,
    /// Exactly what the merchant receives, in the merchant's currency.
    pub credit: Money,
    /// Fees, in the home currency, already included in `debit`.
    pub fees: Vec<Fee>,
    /// When the quote stops being honoured, epoch milliseconds.
    pub expires_at_ms: i64,
}

impl Quote {
    /// The quote, if its parts fit together: both rates connect the two currencies, the stated markup
    /// is the one the rates give, every fee is in the debit currency, and the fees do not exceed the
    /// debit (`invalid_quote` otherwise).
    pub fn checked(self) -> Result<Quote, MoneyError> {
        let invalid = |m: String| MoneyError::new(ErrorCode::InvalidQuote, m);
        if self.id.trim().is_empty() {
            return Err(invalid("quote has no id".into()));
        }
        let (merchant, home) = (self.credit.currency(), self.debit.currency());
        for (what, rate) in [("rate", &self.rate), ("reference rate", &self.reference.rate)] {
            if !rate.connects(merchant, home) {
                return Err(invalid(format!("{what} {} does not connect {merchant} and {home}", rate.pair)));
            }
        }
        let realised = self.realised_markup_percent()?;
        let off = realised.checked_sub(self.markup_percent).map(|d| d.abs());
        if off.is_none_or(|d| d > MARKUP_TOLERANCE) {
            return Err(invalid(format!(
                "the quote states a markup of {}% but its rates give {}%",
                self.markup_percent,
                realised.round_dp(4)
            )));
        }
        let fee_total = Money::sum(home, self.fees.iter().map(|f| &f.amount))
            .map_err(|e| invalid(format!("fees must be in the debit currency: {e}")))?;
        self.debit
            .checked_sub(fee_total)
            .map_err(|_| invalid(format!("fees {fee_total} exceed the debit {}", self.debit)))?;
        Ok(self)
    }

    /// The markup the two rates give: (home per merchant unit applied ÷ the reference's − 1) × 100,
    /// to eight decimals.
    pub fn realised_markup_percent(&self) -> Result<Decimal, MoneyError> {
        let (merchant, home) = (self.credit.currency(), self.debit.currency());
        let applied = Conversion::direct(&self.rate, merchant, home)?;
        let back = Conversion::direct(&self.reference.rate, home, merchant)?;
        let ratio = applied.then(back);
        let rule = RoundingRule { mode: RoundingMode::HalfEven, precision: Precision::Digits(8) };
        let hundred_plus =
            rule.round_ratio(Decimal::ONE_HUNDRED, ratio.numerators(), ratio.denominators(), merchant)?;
        hundred_plus
            .checked_sub(Decimal::ONE_HUNDRED)
            .ok_or_else(|| MoneyError::new(ErrorCode::InvalidQuote, "the quote's rates do not give a markup"))
    }

    /// The payer's home currency.
    pub fn home(&self) -> Currency {
        self.debit.currency()
    }

    /// Sum of the fees.
    pub fn fee_total(&self) -> Money {
        Money::sum(self.home(), self.fees.iter().map(|f| &f.amount)).unwrap_or(Money::zero(self.home()))
    }

    /// The debit without fees: what the merchant amount costs at the quoted rate.
    pub fn converted(&self) -> Money {
        self.debit.checked_sub(self.fee_total()).unwrap_or(self.debit)
    }

    /// Milliseconds left at `now_ms` (zero once expired).
    pub fn remaining_ms(&self, now_ms: i64) -> i64 {
        self.expires_at_ms.saturating_sub(now_ms).max(0)
    }

    /// True at or after the expiry.
    pub fn is_expired(&self, now_ms: i64) -> bool {
        now_ms >= self.expires_at_ms
    }

    /// Refuses a quote used at or after its expiry.
    pub fn ensure_usable(&self, now_ms: i64) -> Result<(), MoneyError> {
        if self.is_expired(now_ms) {
            return Err(MoneyError::new(
                ErrorCode::QuoteExpired,
                format!("quote {} expired at {}; now is {now_ms}", self.id, self.expires_at_ms),
            ));
        }
        Ok(())
    }
}

/// An estimate from cached rates: before fees, marked as such, with the age and source of its rates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicativeQuote {
    /// What the merchant receives.
    pub credit: Money,
    /// About what it costs in the home currency, before fees.
    pub debit: Money,
    /// The cached rates' path from the merchant's currency to the home currency.
    pub conversion: Conversion,
    /// How old the cached rates are, milliseconds.
    pub rate_age_ms: i64,
    /// Who set them, when known.
    pub source: Option<String>,
}

impl RateTable {
    /// An estimate of `credit` in `home`, rounded by [`RoundingRule::for_payment`] like a firm quote;
    /// refused when the rates are older than `max_age_ms` (`rates_stale`) or dated ahead of `now_ms`.
    pub fn indicative(
        &self,
        credit: Money,
        home: Currency,
        now_ms: i64,
        max_age_ms: i64,
    ) -> Result<IndicativeQuote, MoneyError> {
        self.ensure_current(now_ms, max_age_ms)?;
        let conversion = self.conversion(credit.currency(), home)?;
        let debit = conversion.apply(credit, RoundingRule::for_payment(home))?;
        Ok(IndicativeQuote {
            credit,
            debit,
            conversion,
            rate_age_ms: self.age_ms(now_ms).max(0),
            source: self.source().map(str::to_owned),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Coded as _;

    fn m(code: &str, v: &str) -> Money {
        Money::parse_code(code, v).unwrap()
    }

    fn reference(rate: &str) -> ReferenceRate {
        ReferenceRate { rate: Rate::parse(rate).unwrap(), source: "ECB".into(), as_of_ms: 0 }
    }

    fn quote(fees: Vec<Fee>, debit: &str) -> Result<Quote, MoneyError> {
        Quote {
            id: "q1".into(),
            rate: Rate::parse("USD/JPY=148.76237624").unwrap(),
            reference: reference("USD/JPY=150.25"),
            markup_percent: "1.00".parse().unwrap(),
            debit: m("USD", debit),
            credit: m("JPY", "1200"),
            fees,
            expires_at_ms: 10_000,
        }
        .checked()
    }

    fn fee(code: &str, v: &str) -> Vec<Fee> {
        vec![Fee { code: FeeCode::ServiceFee, amount: m(code, v) }]
    }

    #[test]
    fn firm_quote_parts() {
        let q = quote(fee("USD", "0.25"), "8.32").unwrap();
        assert_eq!(q.converted().to_string(), "8.07 USD");
        assert_eq!(q.fee_total().to_string(), "0.25 USD");
        assert_eq!(q.realised_markup_percent().unwrap().round_dp(4).to_string(), "1.0000");
        assert!(q.ensure_usable(9_999).is_ok());
        assert_eq!(q.ensure_usable(10_000).unwrap_err().code().as_str(), "quote_expired");
        assert_eq!((q.remaining_ms(4_000), q.remaining_ms(20_000)), (6_000, 0));
        assert_eq!(FeeCode::parse("service_fee"), Some(FeeCode::ServiceFee));
        assert_eq!(FeeCode::parse("Service fee"), None);
    }

    #[test]
    fn refuses_quotes_that_do_not_fit() {
        let code = |r: Result<Quote, MoneyError>| r.unwrap_err().code.as_str();
        assert_eq!(code(quote(fee("JPY", "10"), "8.09")), "invalid_quote");
        assert_eq!(code(quote(fee("USD", "9"), "8.09")), "invalid_quote");
        let base = quote(vec![], "8.07").unwrap();
        let khr_rate = Rate::parse("USD/KHR=4100").unwrap();
        assert_eq!(code(Quote { rate: khr_rate, ..base.clone() }.checked()), "invalid_quote");
        assert_eq!(code(Quote { id: " ".into(), ..base.clone() }.checked()), "invalid_quote");
        assert_eq!(code(Quote { reference: reference("USD/KHR=4100"), ..base.clone() }.checked()), "invalid_quote");
        let understated = Quote { markup_percent: Decimal::ZERO, ..base.clone() };
        assert_eq!(code(understated.checked()), "invalid_quote", "a 1 % markup stated as none");
        let written_back = Quote { rate: Rate::parse("JPY/USD=0.0067221298").unwrap(), ..base };
        assert!(written_back.checked().is_ok(), "the other direction, the same markup");
    }

    #[test]
    fn estimates_carry_their_age_and_refuse_old_rates() {
        let table = RateTable::new([Rate::parse("USD/KHR=4100").unwrap(), Rate::parse("USD/JPY=150").unwrap()], 0)
            .unwrap()
            .with_source("ECB");
        let i = table.indicative(m("JPY", "1200"), Currency::USD, 300_000, 600_000).unwrap();
        assert_eq!(
            (i.debit.to_string(), i.rate_age_ms, i.source.as_deref()),
            ("8.00 USD".into(), 300_000, Some("ECB"))
        );
        let riel = table.indicative(m("JPY", "1201"), Currency::KHR, 0, 1).unwrap();
        assert_eq!(riel.debit.to_string(), "32827 KHR", "whole riel, half-even");
        let yen = table.indicative(m("KHR", "32900"), Currency::JPY, 0, 1).unwrap();
        assert_eq!(yen.debit.to_string(), "1204 JPY");
        let stale = table.indicative(m("JPY", "1200"), Currency::USD, 600_001, 600_000);
        assert_eq!(stale.unwrap_err().code, ErrorCode::RatesStale);
    }
}
