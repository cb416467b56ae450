//! Scheme recognition: any scanned text becomes a typed [`PaymentCode`] or a typed refusal.
//!
//! Order: (1) URI schemes and known URL shapes (UPI, Weixin Pay, Alipay+); (2) consumer-presented
//! codes, refused; (3) EMVCo MPM, routed by the GUIDs of its account templates and its card tags.
//! Anything else is `unsupported_code`.
//!
//! Layout (dependencies point one way, ADR 0015): `rules.rs` is the interface a scheme implements
//! (a leaf); each scheme file (`khqr/`, `jpqr.rs`, …) depends on it alone; `registry.rs` lists the
//! schemes, most preferred first — the one place the preference order is written; the readers
//! (`mpm.rs`, and [`parse_at`] for URLs) use the registry and know no scheme by name.

mod banks;
pub mod code;
mod cpm;
mod credit;
mod mpm;
mod registry;
mod rules;
mod summary;
mod url;

pub use registry::khqr;

pub use code::{
    Account, AdditionalData, AlipayPlusInfo, Bank, CodeFormat, JpqrStoreId, KhqrAccountType, KhqrInfo, Merchant,
    PaymentCode, RawObject, Scheme, SchemeDetails, Tip, UpiInfo,
};
pub use credit::Credit;
pub use summary::{AccountSummary, BankSummary, CodeSummary};

use crate::clock::system_now_ms;
use crate::error::{CodeError, ErrorCode};
use crate::warning::{Warning, WarningCode};

/// Reads `payload`, judging expiry against the system clock.
pub fn parse(payload: &str) -> Result<PaymentCode, CodeError> {
    parse_at(payload, system_now_ms())
}

/// Reads `payload`, judging expiry against `now_ms` (epoch milliseconds). Never panics.
///
/// ```
/// use crossqr_core::ErrorCode;
///
/// let sticker = "00020101021129180014jonhsmith@nbcq5204599953031165802KH5910Jonh Smith6010Phnom Penh6304856B";
/// let code = crossqr_core::parse_at(sticker, 1_763_769_600_000)?;
/// assert_eq!(code.scheme.as_str(), "khqr");
/// assert_eq!(code.merchant.name.as_deref(), Some("Jonh Smith"));
/// assert_eq!(code.primary_account().map(|a| a.id.as_str()), Some("jonhsmith@nbcq"));
/// assert!(code.amount.is_none(), "a static sticker: the payer enters the amount");
///
/// // One character changed: refused with a stable code, never a guess.
/// let damaged = sticker.replace("Jonh", "John");
/// assert_eq!(crossqr_core::parse_at(&damaged, 1_763_769_600_000).unwrap_err().code, ErrorCode::CrcMismatch);
/// # Ok::<(), crossqr_core::CodeError>(())
/// ```
pub fn parse_at(payload: &str, now_ms: i64) -> Result<PaymentCode, CodeError> {
    if payload.trim().is_empty() {
        return Err(CodeError::unsupported("empty text is not a payment code"));
    }
    // Copy damage: whitespace after the code (a trailing tab or space pasted with it) is removed once,
    // and said. Nothing inside the code is ever changed: case and spacing are covered by the CRC.
    let text = payload.trim_end_matches([' ', '\t', '\r', '\n']);
    let mut code = read(text, now_ms)?;
    if text.len() != payload.len() {
        code.warnings.insert(
            0,
            Warning::new(WarningCode::TrailingWhitespace, "whitespace after the code was removed before reading it"),
        );
    }
    Ok(code)
}

fn read(payload: &str, now_ms: i64) -> Result<PaymentCode, CodeError> {
    if let Some(url) = url::split(payload) {
        let reader = registry::SCHEMES.iter().find_map(|s| s.url.as_ref().filter(|u| (u.matches)(&url)));
        return match reader {
            Some(reader) => (reader.read)(payload, &url, now_ms),
            None => {
                Err(CodeError::unsupported(format!("{}:// links are not payment codes this wallet knows", url.scheme)))
            }
        };
    }
    if let Some(kind) = cpm::kind(payload) {
        return Err(CodeError::new(
            ErrorCode::ConsumerPresentedCode,
            format!("this is {kind}: a payer's token for a till to scan, not a merchant code"),
        ));
    }
    if looks_like_mpm(payload) {
        return mpm::read(payload, now_ms);
    }
    Err(CodeError::unsupported("not a payment code this wallet knows"))
}

/// EMVCo MPM payloads start with the payload format indicator (`0002`) or end with a CRC object.
fn looks_like_mpm(payload: &str) -> bool {
    let b = payload.as_bytes();
    b.starts_with(b"0002") || (b.len() >= 8 && &b[b.len() - 8..b.len() - 4] == b"6304")
}
