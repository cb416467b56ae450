//! Sandbox resolution of codes only the network can expand (Alipay+, Weixin Pay): a configured order,
//! or one derived deterministically from the code, so the same code always resolves the same way.

use crossqr_core::PaymentCode;
use crossqr_core::api::wire::{Amount, BackendCode, ResolvedCode};

use crate::config::SwitchConfig;

/// The order behind `payload`, judging the code's expiry at `now_ms` (the switch's clock).
pub fn resolve(config: &SwitchConfig, payload: &str, now_ms: i64) -> Result<ResolvedCode, (BackendCode, String)> {
    let code = crossqr_core::parse_at(payload, now_ms).map_err(|e| (BackendCode::UnsupportedCode, e.message))?;
    resolve_code(config, &code, payload)
}

/// The order behind `code`, already parsed from `payload`.
pub fn resolve_code(
    config: &SwitchConfig,
    code: &PaymentCode,
    payload: &str,
) -> Result<ResolvedCode, (BackendCode, String)> {
    if !code.needs_resolution() {
        return Err((
            BackendCode::UnsupportedCode,
            format!("a {} code carries its own merchant; nothing to resolve", code.scheme),
        ));
    }
    let digest = ring::digest::digest(&ring::digest::SHA256, payload.as_bytes());
    let h = digest.as_ref();
    let tag: String = h[..4].iter().map(|b| format!("{b:02x}")).collect();
    if let Some(order) = config.orders.get(payload) {
        return Ok(ResolvedCode {
            scheme: code.scheme.as_str().to_owned(),
            merchant_name: order.merchant_name.clone(),
            merchant_city: order.merchant_city.clone(),
            country: order.country.clone(),
            order_id: format!("ord_{tag}"),
            description: order.description.clone(),
            amount: order.amount.clone(),
        });
    }
    // CNY 10.00–99.99 picked by the code's hash.
    let cents = 1000 + u32::from_be_bytes([h[4], h[5], h[6], h[7]]) % 9000;
    Ok(ResolvedCode {
        scheme: code.scheme.as_str().to_owned(),
        merchant_name: format!("Sandbox merchant {}", &tag[..4].to_ascii_uppercase()),
        merchant_city: Some("Shanghai".into()),
        country: Some("CN".into()),
        order_id: format!("ord_{tag}"),
        description: Some("Sandbox order".into()),
        amount: Amount { currency: "CNY".into(), value: format!("{}.{:02}", cents / 100, cents % 100) },
    })
}
