//! UPI (India): `upi://pay?pa=<vpa>&pn=<name>&am=<amount>&cu=INR&mc=<mcc>&tn=<note>&tr=<ref>…`.
//!
//! Values are form-encoded (`+` is a space, then `%XX`), so `pn=Lakshmanan+P` is "Lakshmanan P".
//! Expiry parameters (`QRexpire`, `QRexpiry`, `expiry`, `expire`: ISO 8601, India time when no offset
//! is written) are honoured; they are read from the raw value, because issuers write the offset's `+`
//! unencoded (`2021-08-20T17:48:19+05:30`). Only `upi://pay` is a payment: `upi://mandate` (AutoPay)
//! and other hosts are refused as unsupported.

use crate::schemes::rules::{
    CodeError, CodeFormat, Currency, ErrorCode, PaymentCode, Scheme, SchemeDetails, SchemeRules, UpiInfo, Url,
    UrlRules, Warning, WarningCode, epoch_ms, form_decode, is_at_address, is_digits, percent_decode, raw_pairs,
    read_amount,
};

/// India Standard Time, UTC+5:30.
const IST_MINUTES: i64 = 5 * 60 + 30;
const EXPIRY_PARAMETERS: [&str; 4] = ["qrexpire", "qrexpiry", "expiry", "expire"];

pub(super) const RULES: SchemeRules =
    SchemeRules { url: Some(UrlRules { matches: |url| url.scheme == "upi", read }), ..SchemeRules::new(Scheme::Upi) };

/// One parameter: its name and value form-decoded, and the value as written.
struct Param<'a> {
    name: String,
    value: String,
    raw: &'a str,
}

/// Reads a `upi://` URI; only `upi://pay` is a merchant payment.
fn read(payload: &str, url: &Url<'_>, now_ms: i64) -> Result<PaymentCode, CodeError> {
    if !url.host_is("pay") || !url.path.trim_matches('/').is_empty() {
        return Err(CodeError::unsupported(format!("upi://{}{} is not a upi://pay payment URI", url.host, url.path)));
    }
    let mut params: Vec<Param<'_>> = raw_pairs(url.query.unwrap_or_default())
        .into_iter()
        .map(|(k, v)| Param { name: form_decode(k), value: form_decode(v), raw: v })
        .collect();
    let mut warnings = Vec::new();
    for i in (1..params.len()).rev() {
        if params[..i].iter().any(|p| p.name.eq_ignore_ascii_case(&params[i].name)) {
            warnings.push(Warning::new(
                WarningCode::DuplicateParameter,
                format!("parameter {:?} repeats; the first is used", params[i].name),
            ));
            params.remove(i);
        }
    }
    let find = |name: &str| params.iter().find(|p| p.name.eq_ignore_ascii_case(name)).filter(|p| !p.value.is_empty());
    let get = |name: &str| find(name).map(|p| p.value.as_str());

    let vpa = get("pa").ok_or_else(|| CodeError::missing("UPI payee address (pa) is missing"))?;
    if !is_at_address(vpa) {
        return Err(CodeError::invalid(format!(
            "UPI payee address {vpa:?} is not a virtual payment address (name@handle)"
        )));
    }
    let currency = match get("cu") {
        None => Currency::INR,
        Some(cu) if cu.eq_ignore_ascii_case("INR") => Currency::INR,
        Some(other) => {
            return Err(CodeError::invalid(format!("UPI currency (cu) must be INR, not {other:?}")));
        }
    };
    let mut code = PaymentCode::single_account(Scheme::Upi, CodeFormat::UpiUri, payload, vpa.to_owned());
    code.currency = Some(currency);
    code.amount = get("am").map(|am| read_amount(am, "UPI amount (am)", Some(currency))).transpose()?;
    if let Some(zero) = code.amount.take_if(|a| a.is_zero()) {
        warnings.push(Warning::new(
            WarningCode::ZeroAmount,
            format!("UPI amount (am) is {}: no amount, the payer enters it", zero.amount()),
        ));
    }
    if let Some(mc) = get("mc") {
        if !is_digits(mc, 4) {
            return Err(CodeError::invalid(format!("UPI merchant code (mc) {mc:?} is not four digits")));
        }
        code.merchant.mcc = Some(mc.to_owned());
    }
    for name in EXPIRY_PARAMETERS {
        let Some(param) = find(name) else { continue };
        let text = percent_decode(param.raw);
        let expires = iso8601_ms(&text).ok_or_else(|| {
            CodeError::invalid(format!("UPI expiry ({}) {text:?} is not an ISO 8601 date and time", param.name))
        })?;
        if now_ms > expires {
            return Err(CodeError::new(ErrorCode::Expired, format!("UPI code expired at {text}")));
        }
        code.expires_at_ms = Some(code.expires_at_ms.map_or(expires, |e| e.min(expires)));
    }
    code.merchant.name = get("pn").map(str::to_owned);
    if code.merchant.name.is_none() {
        warnings.push(Warning::new(WarningCode::MerchantNameMissing, "UPI payee name (pn) is missing"));
    }
    code.details = SchemeDetails::Upi(UpiInfo {
        note: get("tn").map(str::to_owned),
        reference: get("tr").map(str::to_owned),
        transaction_id: get("tid").map(str::to_owned),
        mode: get("mode").map(str::to_owned),
    });
    code.warnings = warnings;
    Ok(code)
}

/// `YYYY-MM-DD[T| ]hh:mm[:ss[.fff]][Z|±hh:mm|±hhmm]` as epoch milliseconds; India time without an
/// offset. A space where the offset's sign belongs is a form-decoded `+`.
fn iso8601_ms(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        let s = text.get(range)?;
        s.bytes().all(|c| c.is_ascii_digit()).then(|| s.parse().ok())?
    };
    if b.len() < 16 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' {
        return None;
    }
    let date = (i64::from(num(0..4)?), num(5..7)?, num(8..10)?);
    let (hh, mm) = (num(11..13)?, num(14..16)?);
    let mut rest = &text[16..];
    let mut ss = 0;
    if let Some(after) = rest.strip_prefix(':') {
        ss = num(17..19)?;
        rest = after.get(2..)?;
        if let Some(frac) = rest.strip_prefix('.') {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            rest = &frac[digits..];
        }
    }
    let offset = match rest.as_bytes() {
        [] => IST_MINUTES,
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-' | b' '), ..] => {
            let digits: String = rest[1..].chars().filter(|c| *c != ':').collect();
            if digits.len() != 4 || !digits.bytes().all(|c| c.is_ascii_digit()) || rest.len() > 6 {
                return None;
            }
            let minutes = i64::from(digits[..2].parse::<u32>().ok()?) * 60 + i64::from(digits[2..].parse::<u32>().ok()?);
            if *sign == b'-' { -minutes } else { minutes }
        }
        _ => return None,
    };
    epoch_ms(date, (hh, mm, ss), offset)
}

#[cfg(test)]
mod tests {
    use super::iso8601_ms;

    #[test]
    fn reads_the_expiry_forms_in_circulation() {
        // 2021-08-20T17:48:19+05:30 = 12:18:19 UTC.
        let want = Some(1_629_461_899_000);
        for text in [
            "2021-08-20T17:48:19+05:30",
            "2021-08-20T17:48:19 05:30",
            "2021-08-20 17:48:19+0530",
            "2021-08-20T17:48:19.5741693+05:30",
            "2021-08-20T12:18:19Z",
            "2021-08-20T17:48:19",
        ] {
            assert_eq!(iso8601_ms(text), want, "{text}");
        }
        assert_eq!(iso8601_ms("2021-08-20T17:48"), Some(1_629_461_880_000));
        for bad in ["", "2021-08-20", "2021-08-20T25:00:00", "2021-02-30T10:00:00", "2021-08-20T17:48:19+5", "soon"] {
            assert_eq!(iso8601_ms(bad), None, "{bad}");
        }
    }
}
