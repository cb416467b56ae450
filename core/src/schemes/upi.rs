//! UPI (India): `upi://pay?pa=<vpa>&pn=<name>&am=<amount>&cu=INR&mc=<mcc>&tn=<note>&tr=<ref>`.

use super::code::{CodeFormat, PaymentCode, Scheme, SchemeDetails, UpiInfo};
use super::url::{Url, query_pairs};
use crate::emv::fields::{is_digits, read_amount};
use crate::error::{CodeError, Warning};
use crate::money::Currency;

/// Reads a `upi://` URI; only `upi://pay` is a merchant payment.
pub(super) fn read(payload: &str, url: &Url<'_>) -> Result<PaymentCode, CodeError> {
    if !url.host_is("pay") || !url.path.trim_matches('/').is_empty() {
        return Err(CodeError::unsupported(format!("upi://{}{} is not a upi://pay payment URI", url.host, url.path)));
    }
    let mut params = query_pairs(url.query.unwrap_or_default());
    let mut warnings = Vec::new();
    for i in (1..params.len()).rev() {
        if params[..i].iter().any(|(k, _)| k.eq_ignore_ascii_case(&params[i].0)) {
            warnings.push(Warning::new(
                "duplicate_parameter",
                format!("parameter {:?} repeats; the first is used", params[i].0),
            ));
            params.remove(i);
        }
    }
    let get = |name: &str| {
        params.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
    };

    let vpa = get("pa").ok_or_else(|| CodeError::missing("UPI payee address (pa) is missing"))?;
    if !super::khqr::is_account_id(vpa) {
        return Err(CodeError::invalid(format!(
            "UPI payee address {vpa:?} is not a virtual payment address (name@handle)"
        )));
    }
    let currency = match get("cu") {
        None | Some("INR") => Currency::INR,
        Some(other) => {
            return Err(CodeError::invalid(format!("UPI currency (cu) must be INR, not {other:?}")));
        }
    };
    let mut code = PaymentCode::single_account(Scheme::Upi, CodeFormat::UpiUri, payload, vpa.to_owned());
    code.currency = Some(currency);
    code.amount = get("am").map(|am| read_amount(am, "UPI amount (am)", Some(currency))).transpose()?;
    if code.amount.as_ref().is_some_and(|a| a.is_zero()) {
        return Err(CodeError::invalid("UPI amount (am) is zero"));
    }
    if let Some(mc) = get("mc") {
        if !is_digits(mc, 4) {
            return Err(CodeError::invalid(format!("UPI merchant code (mc) {mc:?} is not four digits")));
        }
        code.merchant.mcc = Some(mc.to_owned());
    }
    code.merchant.name = get("pn").map(str::to_owned);
    if code.merchant.name.is_none() {
        warnings.push(Warning::new("merchant_name_missing", "UPI payee name (pn) is missing"));
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
