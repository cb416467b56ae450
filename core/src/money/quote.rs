//! Quotes: a firm quote from the backend (or network) that fixes what the payer is debited, and an
//! indicative conversion from cached rates shown before a firm quote exists.

use rust_decimal::Decimal;

use super::rate::convert_by;
use super::{Currency, Money, MoneyError, Rate, RateTable, RoundingRule};
use crate::error::ErrorCode;

/// A fee charged to the payer, shown on its own line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fee {
    /// What the fee is for, e.g. "Service fee".
    pub label: String,
    /// How much, in the debit currency.
    pub amount: Money,
}

/// A firm quote: the amounts are the backend's and are displayed as they are, never recomputed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// The backend's quote id, sent back when paying.
    pub id: String,
    /// The exchange rate applied, markup included (fees are separate).
    pub rate: Rate,
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
    /// A quote whose parts fit together: the rate connects the two currencies, every fee is in the
    /// debit currency, and the fees do not exceed the debit.
    pub fn new(
        id: String,
        rate: Rate,
        debit: Money,
        credit: Money,
        fees: Vec<Fee>,
        expires_at_ms: i64,
    ) -> Result<Quote, MoneyError> {
        let invalid = |m: String| MoneyError::new(ErrorCode::InvalidQuote, m);
        if id.trim().is_empty() {
            return Err(invalid("quote has no id".into()));
        }
        rate.factor(credit.currency(), debit.currency()).map_err(|_| {
            invalid(format!("rate {} does not connect {} and {}", rate.pair, credit.currency(), debit.currency()))
        })?;
        let fee_total = Money::sum(debit.currency(), fees.iter().map(|f| &f.amount))
            .map_err(|e| invalid(format!("fees must be in the debit currency: {e}")))?;
        debit.checked_sub(fee_total).map_err(|_| invalid(format!("fees {fee_total} exceed the debit {debit}")))?;
        Ok(Quote { id, rate, debit, credit, fees, expires_at_ms })
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

    /// Home currency per unit of merchant currency, fees and markup included: debit ÷ credit.
    pub fn effective_rate(&self) -> Option<Decimal> {
        self.debit.amount().checked_div(self.credit.amount())
    }

    /// Milliseconds left at `now_ms` (zero once expired).
    pub fn remaining_ms(&self, now_ms: i64) -> i64 {
        self.expires_at_ms.saturating_sub(now_ms).max(0)
    }

    /// Refuses a quote used at or after its expiry.
    pub fn ensure_usable(&self, now_ms: i64) -> Result<(), MoneyError> {
        if now_ms >= self.expires_at_ms {
            return Err(MoneyError::new(
                ErrorCode::QuoteExpired,
                format!("quote {} expired at {}; now is {now_ms}", self.id, self.expires_at_ms),
            ));
        }
        Ok(())
    }
}

/// An indicative conversion from cached rates: marked as such, with the age of its rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicativeQuote {
    /// What the merchant asks for.
    pub credit: Money,
    /// About what it costs in the home currency.
    pub debit: Money,
    /// Home currency per unit of merchant currency.
    pub factor: Decimal,
    /// How old the cached rate is, milliseconds.
    pub rate_age_ms: i64,
}

impl RateTable {
    /// An indicative price of `credit` in `home`, rounded by [`RoundingRule::for_payment`].
    pub fn indicative(&self, credit: Money, home: Currency, now_ms: i64) -> Result<IndicativeQuote, MoneyError> {
        let factor = self.factor(credit.currency(), home)?;
        let debit = convert_by(credit, factor, home, RoundingRule::for_payment(home))?;
        Ok(IndicativeQuote { credit, debit, factor, rate_age_ms: self.age_ms(now_ms) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Coded as _;

    fn m(code: &str, v: &str) -> Money {
        Money::parse_code(code, v).unwrap()
    }

    fn quote(fees: Vec<Fee>, debit: &str) -> Result<Quote, MoneyError> {
        Quote::new("q1".into(), Rate::parse("USD/JPY=148.35").unwrap(), m("USD", debit), m("JPY", "1200"), fees, 10_000)
    }

    #[test]
    fn firm_quote_parts() {
        let q = quote(vec![Fee { label: "Service fee".into(), amount: m("USD", "0.50") }], "8.59").unwrap();
        assert_eq!(q.converted().to_string(), "8.09 USD");
        assert_eq!(q.fee_total().to_string(), "0.50 USD");
        assert_eq!(q.effective_rate().unwrap().round_dp(6).to_string(), "0.007158");
        assert!(q.ensure_usable(9_999).is_ok());
        assert_eq!(q.ensure_usable(10_000).unwrap_err().code().as_str(), "quote_expired");
        assert_eq!((q.remaining_ms(4_000), q.remaining_ms(20_000)), (6_000, 0));
    }

    #[test]
    fn refuses_quotes_that_do_not_fit() {
        let code = |r: Result<Quote, MoneyError>| r.unwrap_err().code.as_str();
        assert_eq!(code(quote(vec![Fee { label: "x".into(), amount: m("JPY", "10") }], "8.09")), "invalid_quote");
        assert_eq!(code(quote(vec![Fee { label: "x".into(), amount: m("USD", "9") }], "8.09")), "invalid_quote");
        let khr_rate = Rate::parse("USD/KHR=4100").unwrap();
        assert_eq!(code(Quote::new("q".into(), khr_rate, m("USD", "1"), m("JPY", "1"), vec![], 1)), "invalid_quote");
        let rate = Rate::parse("USD/JPY=148.35").unwrap();
        assert_eq!(code(Quote::new(" ".into(), rate, m("USD", "1"), m("JPY", "1"), vec![], 1)), "invalid_quote");
    }

    #[test]
    fn indicative_conversion_carries_its_age() {
        let table = RateTable {
            rates: vec![Rate::parse("USD/KHR=4100").unwrap(), Rate::parse("USD/JPY=150").unwrap()],
            as_of_ms: 0,
        };
        let i = table.indicative(m("JPY", "1200"), Currency::USD, 300_000).unwrap();
        assert_eq!((i.debit.to_string(), i.rate_age_ms), ("8.00 USD".into(), 300_000));
        let riel = table.indicative(m("JPY", "1201"), Currency::KHR, 0).unwrap();
        assert_eq!(riel.debit.to_string(), "32827 KHR", "whole riel, half-even");
        let yen = table.indicative(m("KHR", "32900"), Currency::JPY, 0).unwrap();
        assert_eq!(yen.debit.to_string(), "1204 JPY");
    }
}
