//! PayNow (Singapore): tag 26 GUID `SG.PAYNOW`; 01 proxy type (0 mobile, 2 UEN, 3 other), 02 proxy
//! value, 03 amount editable (0/1), 04 expiry in Singapore time (UTC+8), written three ways in
//! circulation: `YYYYMMDD` (the PayNow specification: valid to the end of that day),
//! `YYYYMMDDhhmmss` (a large wallet's dynamic codes) and `YYMMDDhhmmss` (a PSP's).

use crate::schemes::rules::{CodeError, Currency, ErrorCode, Scheme, SchemeRules, TemplateRules, epoch_ms, first_sub};

const SGT_MINUTES: i64 = 8 * 60;

/// The last millisecond at which a code with expiry `text` may be paid, as epoch milliseconds.
fn expiry_ms(text: &str) -> Option<i64> {
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |range: std::ops::Range<usize>| text.get(range)?.parse::<u32>().ok();
    let (year, rest) = match text.len() {
        8 | 14 => (i64::from(n(0..4)?), 4),
        12 => (2000 + i64::from(n(0..2)?), 2),
        _ => return None,
    };
    let date = (year, n(rest..rest + 2)?, n(rest + 2..rest + 4)?);
    if text.len() == 8 {
        // Valid to the end of that day.
        return Some(epoch_ms(date, (23, 59, 59), SGT_MINUTES)? + 999);
    }
    let t = rest + 4;
    epoch_ms(date, (n(t..t + 2)?, n(t + 2..t + 4)?, n(t + 4..t + 6)?), SGT_MINUTES)
}

pub(super) const RULES: SchemeRules = SchemeRules {
    template: Some(TemplateRules {
        claims: |c| c.guid.eq_ignore_ascii_case("SG.PAYNOW"),
        account_id: |node| first_sub(node, &[2]),
        check: |r| {
            if let Some(date) = r.node.sub(4) {
                let expires = expiry_ms(date).ok_or_else(|| {
                    CodeError::invalid(format!(
                        "PayNow expiry (26/04) {date:?} is not YYYYMMDD, YYYYMMDDhhmmss or YYMMDDhhmmss"
                    ))
                })?;
                if r.now_ms > expires {
                    return Err(CodeError::new(ErrorCode::Expired, format!("PayNow code expired at {date} (SGT)")));
                }
                r.code.expires_at_ms = Some(expires);
            }
            Ok(())
        },
        home: Some((Currency::SGD, "SG")),
        ..TemplateRules::BASE
    }),
    ..SchemeRules::new(Scheme::Paynow)
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_in_singapore_time_three_ways() {
        // 2025-11-22 00:00 UTC = 1763769600000; that day ends at 16:00 UTC in Singapore.
        assert_eq!(expiry_ms("20251122"), Some(1_763_769_600_000 + 16 * 3_600_000 - 1));
        // 2024-11-30 23:00:00 SGT = 15:00:00 UTC.
        assert_eq!(expiry_ms("20241130230000"), Some(1_732_978_800_000));
        assert_eq!(expiry_ms("241130230000"), Some(1_732_978_800_000));
        for bad in ["20251131", "2025112", "20241130250000", "2024113023000x", "", "202411302300001"] {
            assert_eq!(expiry_ms(bad), None, "{bad}");
        }
    }
}
