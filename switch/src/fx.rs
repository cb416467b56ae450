//! Firm quotes: the reference (mid-market) rate, direct or crossed through USD, the markup charged to
//! the payer over it, and a fixed service fee per home currency. Every figure is the core's: the
//! conversion is [`crossqr_core::money::Conversion`], rounded once by
//! [`RoundingRule::for_payment`] (half-even at the home currency's minor unit, whole riel for KHR,
//! whole rupiah for IDR) — the same function a wallet's estimate uses. Fees are added after rounding.

use crossqr_core::api::wire::{BackendCode, QuoteBody};
use crossqr_core::money::{Currency, Decimal, Fee, FeeCode, Money, Quote, ReferenceRate, RoundingRule};

use crate::AppState;

/// A quote for paying `credit` from `home`, expiring `ttl` after `now_ms`; the caller binds it to the
/// code (payload digest, order).
pub fn quote(
    state: &AppState,
    quote_id: String,
    credit: Money,
    home: Currency,
    now_ms: i64,
) -> Result<QuoteBody, (BackendCode, String)> {
    let fail = |code, e: &dyn std::fmt::Display| (code, e.to_string());
    let reference = state.rates.conversion(credit.currency(), home).map_err(|e| fail(BackendCode::NoRate, &e))?;
    let markup_bps = if credit.currency() == home { 0 } else { state.config.markup_bps };
    let applied = reference.clone().with_markup_bps(markup_bps);
    let converted =
        applied.apply(credit, RoundingRule::for_payment(home)).map_err(|e| fail(BackendCode::InvalidRequest, &e))?;
    let fee = match state.config.fees.get(home.code()) {
        Some(v) => Some(Money::parse(v, home).map_err(|e| fail(BackendCode::Internal, &e))?).filter(|f| !f.is_zero()),
        None => None,
    };
    let debit = match fee {
        Some(f) => converted.checked_add(f).map_err(|e| fail(BackendCode::Internal, &e))?,
        None => converted,
    };
    let rate = |c: &crossqr_core::money::Conversion| {
        c.as_rate(RoundingRule::RATE_WIRE).map_err(|e| fail(BackendCode::Internal, &e))
    };
    let quote = Quote {
        id: quote_id,
        rate: rate(&applied)?,
        reference: ReferenceRate {
            rate: rate(&reference)?,
            source: state.config.rate_source.clone(),
            as_of_ms: now_ms,
        },
        markup_percent: Decimal::new(i64::from(markup_bps), 2),
        debit,
        credit,
        fees: fee.into_iter().map(|amount| Fee { code: FeeCode::ServiceFee, amount }).collect(),
        expires_at_ms: now_ms.saturating_add(state.config.quote_ttl_ms),
    }
    .checked()
    .map_err(|e| fail(BackendCode::Internal, &e))?;
    Ok(QuoteBody::from_quote(&quote, String::new(), None))
}
