//! Weixin Pay (WeChat Pay) merchant codes: `wxp://f2f0…` (face-to-face), `weixin://wxpay/bizpayurl?pr=…`
//! (Native Pay order) and the `payapp.weixin.qq.com`, `wx.tenpay.com`, `action.weixin.qq.com` links.
//! They carry only a token; the merchant and amount come from the network. Singapore's SGQR stickers
//! carry Weixin Pay as an EMVCo template (00 `COM.QQ.WEIXIN.PAY`, 01 merchant id).

use crate::schemes::rules::{
    CodeError, CodeFormat, PaymentCode, Scheme, SchemeRules, TemplateRules, Url, UrlRules, query_pairs,
};

const HOSTS: [&str; 3] = ["payapp.weixin.qq.com", "wx.tenpay.com", "action.weixin.qq.com"];

pub(super) const RULES: SchemeRules = SchemeRules {
    template: Some(TemplateRules { claims: |c| c.guid.eq_ignore_ascii_case("COM.QQ.WEIXIN.PAY"), ..TemplateRules::BASE }),
    url: Some(UrlRules { matches, read: |payload, url, _| read(payload, url) }),
    ..SchemeRules::new(Scheme::WeixinPay)
};

/// Whether `url` is one of the Weixin Pay shapes.
fn matches(url: &Url<'_>) -> bool {
    match url.scheme.as_str() {
        "wxp" => true,
        "weixin" => url.host_is("wxpay") && url.path.eq_ignore_ascii_case("/bizpayurl"),
        "http" | "https" => HOSTS.iter().any(|h| url.host_is(h)),
        _ => false,
    }
}

/// Reads a Weixin Pay code; the account is its token.
fn read(payload: &str, url: &Url<'_>) -> Result<PaymentCode, CodeError> {
    let token = match url.scheme.as_str() {
        "wxp" => format!("{}{}", url.host, url.path),
        "weixin" => {
            let query = url.query.unwrap_or_default();
            query_pairs(query).into_iter().find(|(k, _)| k == "pr").map_or_else(|| query.to_owned(), |(_, v)| v)
        }
        _ => format!("{}{}", url.path.trim_start_matches('/'), url.query.map(|q| format!("?{q}")).unwrap_or_default()),
    };
    if token.trim().is_empty() {
        return Err(CodeError::missing("Weixin Pay code carries no token"));
    }
    Ok(PaymentCode::single_account(Scheme::WeixinPay, CodeFormat::Url, payload, token))
}
