//! What the merchant receives for a code: the amount, plus the convenience fee the code itself asks
//! for (EMVCo 55 = 02 with a fixed fee in 56, or 55 = 03 with a percentage in 57), plus the tip the
//! payer entered when the code asks for one (55 = 01). One function, used by the wallet to quote and
//! pay and by the backend to check that a payment is what the code asks.

use rust_decimal::Decimal;

use super::{PaymentCode, Tip};
use crate::error::ErrorCode;
pub use crate::money::Credit;
use crate::money::{Money, MoneyError, RoundingRule};

impl PaymentCode {
    /// The credit for paying `base` (the code's amount, or the amount entered for a code without one)
    /// with `tip`. A percentage fee is rounded by [`RoundingRule::for_payment`] (half-even at the
    /// currency's minor unit; whole riel for KHR, whole rupiah for IDR). A tip is accepted only where
    /// the code asks for one, in the code's currency.
    pub fn credit(&self, base: Money, tip: Option<Money>) -> Result<Credit, MoneyError> {
        let mismatch = |what: &str, m: &Money| {
            MoneyError::new(
                ErrorCode::CurrencyMismatch,
                format!("the {what} is in {} but the code is in {}", m.currency(), base.currency()),
            )
        };
        if let Some(currency) = self.currency
            && currency != base.currency()
        {
            return Err(MoneyError::new(
                ErrorCode::CurrencyMismatch,
                format!("the code is in {currency}, not {}", base.currency()),
            ));
        }
        let (fee, fee_percent) = match &self.tip {
            Some(Tip::Fixed(fee)) if fee.currency() != base.currency() => return Err(mismatch("fee", fee)),
            Some(Tip::Fixed(fee)) => (Some(*fee), None),
            Some(Tip::Percentage(pct)) => {
                let pct = crate::money::plain_decimal(pct)
                    .map_err(|_| MoneyError::new(ErrorCode::InvalidAmount, format!("percentage fee {pct:?}")))?;
                let rule = RoundingRule::for_payment(base.currency());
                let fee = rule.round_ratio(base.amount(), &[pct], &[Decimal::ONE_HUNDRED], base.currency())?;
                (Some(Money::new(fee, base.currency())?).filter(|f| !f.is_zero()), Some(pct))
            }
            Some(Tip::Prompt) | None => (None, None),
        };
        match (&self.tip, tip) {
            (Some(Tip::Prompt), Some(t)) if t.currency() != base.currency() => return Err(mismatch("tip", &t)),
            (Some(Tip::Prompt), _) | (_, None) => {}
            (_, Some(_)) => {
                return Err(MoneyError::new(ErrorCode::InvalidAmount, "this code does not ask for a tip"));
            }
        }
        let tip = tip.filter(|t| !t.is_zero());
        let total = Money::sum(base.currency(), [Some(&base), fee.as_ref(), tip.as_ref()].into_iter().flatten())?;
        let asks_for_tip = matches!(self.tip, Some(Tip::Prompt));
        Ok(Credit { base, fee, fee_percent, tip, asks_for_tip, total })
    }
}

#[cfg(test)]
mod tests {
    use crate::money::{Currency, Money};

    const NOW: i64 = 1_763_769_600_000;

    fn code(fields: &str) -> crate::PaymentCode {
        let body = format!(
            "000201010212{fields}26680019jp.or.paymentsjapan0113000000000000102040001030600000104060000015204581253033925802JP5909Cafe Kobo6005Osaka61075300001"
        );
        let head = format!("{body}6304");
        let payload = format!("{head}{}", crate::emv::crc::crc16_hex(head.as_bytes()));
        crate::parse_at(&payload, NOW).unwrap_or_else(|e| panic!("{payload}: {e}"))
    }

    fn yen(v: &str) -> Money {
        Money::parse(v, Currency::JPY).unwrap()
    }

    #[test]
    fn fees_and_tips_are_part_of_what_the_merchant_receives() {
        let fixed = code("550202560310054041000");
        let c = fixed.credit(yen("1000"), None).unwrap();
        assert_eq!((c.fee, c.total), (Some(yen("100")), yen("1100")));

        let percent = code("550203570410.554041000");
        assert_eq!(percent.credit(yen("1000"), None).unwrap().total, yen("1105"), "10.5 % of ¥1,000");
        assert_eq!(percent.credit(yen("45"), None).unwrap().fee, Some(yen("5")), "4.725 rounds half-even to 5");

        let prompt = code("55020154041000");
        assert_eq!(prompt.credit(yen("1000"), Some(yen("150"))).unwrap().total, yen("1150"));
        assert_eq!(prompt.credit(yen("1000"), None).unwrap().total, yen("1000"), "a prompt, no tip entered");
        assert_eq!(fixed.credit(yen("1000"), Some(yen("1"))).unwrap_err().code, crate::ErrorCode::InvalidAmount);
        let usd = Money::parse("1", Currency::USD).unwrap();
        assert_eq!(prompt.credit(usd, None).unwrap_err().code, crate::ErrorCode::CurrencyMismatch);
    }
}
