//! Firm quotes: the mid-market rate (direct or crossed), the markup charged to the payer, a fixed
//! service fee per home currency, all kept as exact decimals.
//!
//! Rounding, stated: the converted amount is rounded by `RoundingRule::for_payment(home)` — half-even
//! at the home currency's minor unit, whole riel for KHR. Fees are added after rounding.

use crossqr_core::api::wire::{Amount, BackendCode, FeeLine, QuoteBody};
use crossqr_core::money::{Currency, Decimal, Money, RoundingRule};

use crate::AppState;

/// Price digits kept after the point.
const PRICE_DP: u32 = 8;

/// A quote for paying `credit` from `home`, expiring `ttl` after `now_ms`.
pub fn quote(
    state: &AppState,
    quote_id: String,
    credit: Money,
    home: Currency,
    now_ms: i64,
) -> Result<QuoteBody, (BackendCode, String)> {
    let fail = |code, e: &dyn std::fmt::Display| (code, e.to_string());
    let mid = state.rates.factor(credit.currency(), home).map_err(|e| fail(BackendCode::NoRate, &e))?;
    let markup = if credit.currency() == home {
        Decimal::ZERO
    } else {
        Decimal::from(state.config.markup_bps) / Decimal::from(10_000)
    };
    // Home currency per unit of merchant currency, the payer's markup included.
    let effective =
        mid.checked_mul(Decimal::ONE + markup).ok_or_else(|| fail(BackendCode::NoRate, &"rate overflow"))?;
    let raw =
        credit.amount().checked_mul(effective).ok_or_else(|| fail(BackendCode::InvalidRequest, &"amount overflow"))?;
    let rounded =
        RoundingRule::for_payment(home).round(raw, home).map_err(|e| fail(BackendCode::InvalidRequest, &e))?;
    let converted = Money::new(rounded, home).map_err(|e| fail(BackendCode::InvalidRequest, &e))?;
    let fee = match state.config.fees.get(home.code()) {
        Some(v) => Some(Money::parse(v, home).map_err(|e| fail(BackendCode::Internal, &e))?).filter(|f| !f.is_zero()),
        None => None,
    };
    let debit = match fee {
        Some(f) => converted.checked_add(f).map_err(|e| fail(BackendCode::Internal, &e))?,
        None => converted,
    };
    let (pair, price) = orientation(state, credit.currency(), home, effective);
    Ok(QuoteBody {
        quote_id,
        pair,
        price: price.round_dp(PRICE_DP).normalize().to_string(),
        debit: Amount::from(&debit),
        credit: Amount::from(&credit),
        fees: fee.iter().map(|f| FeeLine { label: "Service fee".into(), amount: Amount::from(f) }).collect(),
        expires_at_ms: now_ms.saturating_add(state.config.quote_ttl_ms),
        payload_digest: String::new(),
        order_id: None,
    })
}

/// The pair as the rate table writes it (`USD/JPY` even when paying JPY from USD), else `HOME/MERCHANT`,
/// and the price in that direction.
fn orientation(state: &AppState, merchant: Currency, home: Currency, home_per_merchant: Decimal) -> (String, Decimal) {
    if merchant == home {
        return (format!("{home}/{home}"), Decimal::ONE);
    }
    let as_written = state.config.rates.contains_key(&format!("{merchant}/{home}"));
    if as_written {
        (format!("{merchant}/{home}"), home_per_merchant)
    } else {
        (format!("{home}/{merchant}"), Decimal::ONE.checked_div(home_per_merchant).unwrap_or_default())
    }
}
