//! Scheme recognition: any scanned text becomes a typed [`PaymentCode`] or a typed refusal.
//!
//! Order: (1) URI schemes and known URL shapes (UPI, Weixin Pay, Alipay+); (2) consumer-presented
//! codes, refused; (3) EMVCo MPM, routed by the GUIDs of its account templates and its card tags.
//! Anything else is `unsupported_code`.

mod alipay_plus;
mod bharatqr;
pub mod code;
mod cpm;
mod credit;
mod duitnow;
mod jpqr;
pub mod khqr;
mod lao_qr;
mod mpm;
mod paynow;
mod promptpay;
mod qris;
mod sgqr;
mod summary;
mod unionpay;
mod upi;
mod url;
mod vietqr;
mod weixin;

pub use code::{
    Account, AdditionalData, AlipayPlusInfo, CodeFormat, JpqrStoreId, KhqrAccountType, KhqrInfo, Merchant, PaymentCode,
    RawObject, Scheme, SchemeDetails, Tip, UpiInfo,
};
pub use credit::Credit;
pub use summary::{AccountSummary, CodeSummary};

use crate::clock::system_now_ms;
use crate::error::{CodeError, ErrorCode};

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
    if let Some(url) = url::split(payload) {
        return match url.scheme.as_str() {
            "upi" => upi::read(payload, &url),
            _ if weixin::matches(&url) => weixin::read(payload, &url),
            _ if alipay_plus::matches(&url) => alipay_plus::read(payload, &url),
            _ => {
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
