//! Consumer-presented codes: what a payer shows to a till. A wallet that scans one is looking at
//! somebody's payment token and must refuse it, never pay it.
//!
//! - EMVCo CPM: Base64 of BER-TLV starting `85 05 "CPV01"` (text starts `hQVDUFYwMW` when the 0x61
//!   application template follows, as it does in circulation; the bytes are decoded, not the text).
//! - JPQR CPM: `85 05 "JPQR1"` (text starts `hQVKUFFS`).
//! - Alipay payment codes: 16–24 digits starting 25–30. Weixin Pay: 18 digits starting 10–15.
//!   UnionPay: 19 digits starting 62.

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};

/// Decodes a prefix of a longer Base64 text: no padding, partial last byte allowed.
const PREFIX: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

/// Which kind of consumer-presented code `text` is, if any.
pub(super) fn kind(text: &str) -> Option<&'static str> {
    // The first 12 Base64 characters hold 9 bytes: enough for the 7-byte `85 05 xxxxx` header.
    let head = text.get(..12).unwrap_or(text).trim_end_matches('=');
    let usable = if head.len() % 4 == 1 { head.len() - 1 } else { head.len() };
    if head.is_ascii()
        && let Ok(bytes) = PREFIX.decode(&head[..usable])
        && let Some(header) = bytes.get(..7)
    {
        match header {
            [0x85, 0x05, b'C', b'P', b'V', b'0', b'1'] => {
                return Some("an EMVCo consumer-presented code");
            }
            [0x85, 0x05, b'J', b'P', b'Q', b'R', b'1'] => {
                return Some("a JPQR consumer-presented code");
            }
            _ => {}
        }
    }
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let prefix: u8 = text[..2.min(text.len())].parse().ok()?;
    match (text.len(), prefix) {
        (16..=24, 25..=30) => Some("an Alipay payment code"),
        (18, 10..=15) => Some("a Weixin Pay payment code"),
        (19, 62) => Some("a UnionPay payment code"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::kind;

    #[test]
    fn recognises_consumer_codes() {
        assert!(kind("hQVDUFYwMWEaTwegAAAAVVVVVw").is_some());
        assert!(kind("hQVDUFYwMQ==").is_some());
        assert!(kind("hQVKUFFSMWEa").is_some());
        assert!(kind("hQVKUFFTMWEa").is_none());
        assert!(kind("281234567890123456").is_some());
        assert!(kind("134567890123456789").is_some());
        assert!(kind("6212345678901234567").is_some());
        assert!(kind("12345").is_none());
        assert!(kind("000201010211").is_none());
        assert!(kind("").is_none());
        assert!(kind("hQVDUFYwMQ€").is_none());
        assert!(kind("ab€").is_none());
    }
}
