//! PayNow (Singapore): tag 26 GUID `SG.PAYNOW`; 01 proxy type (0 mobile, 2 UEN), 02 proxy value,
//! 03 amount editable (0/1), 04 expiry date `YYYYMMDD` (valid to the end of that day, Singapore time).

use super::code::Scheme;
use super::mpm::{TemplateScheme, first_sub};
use crate::clock::days_from_civil;
use crate::emv::fields::is_digits;
use crate::error::{CodeError, ErrorCode};
use crate::money::Currency;

const DAY_MS: i64 = 86_400_000;
const SGT_OFFSET_MS: i64 = 8 * 3_600_000;

/// Last millisecond of `YYYYMMDD` in Singapore time, as epoch milliseconds.
fn end_of_day_sgt(date: &str) -> Option<i64> {
    if !is_digits(date, 8) {
        return None;
    }
    let days = days_from_civil(date[..4].parse().ok()?, date[4..6].parse().ok()?, date[6..].parse().ok()?)?;
    Some((days + 1) * DAY_MS - SGT_OFFSET_MS - 1)
}

pub(super) const TEMPLATE: TemplateScheme = TemplateScheme {
    scheme: Scheme::Paynow,
    claims: |_, guid| guid.eq_ignore_ascii_case("SG.PAYNOW"),
    account_id: |node| first_sub(node, &[2]),
    check: |r| {
        if let Some(date) = r.node.sub(4) {
            let expires = end_of_day_sgt(date)
                .ok_or_else(|| CodeError::invalid(format!("PayNow expiry (26/04) {date:?} is not a YYYYMMDD date")))?;
            if r.now_ms > expires {
                return Err(CodeError::new(ErrorCode::Expired, format!("PayNow code expired on {date}")));
            }
            r.code.expires_at_ms = Some(expires);
        }
        r.expect_home(Currency::SGD, "SG");
        Ok(())
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_is_end_of_day_in_singapore() {
        // 2025-11-22 00:00 UTC = 1763769600000; the day ends at 16:00 UTC.
        assert_eq!(end_of_day_sgt("20251122"), Some(1_763_769_600_000 + 16 * 3_600_000 - 1));
        assert_eq!(end_of_day_sgt("20251131"), None);
        assert_eq!(end_of_day_sgt("2025112"), None);
    }
}
