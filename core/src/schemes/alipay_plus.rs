//! Alipay+ codes an MPP wallet can pay:
//! - MPM codes `HTTPS://<domain>/MPM/<version>/<Base64 payload>`, whose payload uses 4-character ids
//!   and 3-digit lengths: `GPLD` wraps `PLVS` (version), `CDSD` (01 platform, 02 merchant id) and
//!   `CIRD` (01 issuer, 02, 03 mini-program id); `CDSD` and `CIRD` hold EMVCo-style sub-objects.
//! - Alipay codes `https://qr.alipay.com/<token>` (`bax…` acquirer order, `fkx…` receive, `ocx…`
//!   offline merchant); `c1x…` is a red packet, not a payment, and is refused as unsupported.
//! - An Alipay template inside an EMVCo code (SGQR stickers: 00 `com.alipay`, 01 the
//!   `https://qr.alipay.com/…` URL): Alipay+ ranks above SGQR, so it is the primary account.
//!
//! The authoritative decision is Alipay+'s versioned code-identification rule set, which a backend
//! downloads; these are the shapes that stand without it. The network supplies merchant and amount.

use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, GeneralPurpose as Engine};

use crate::schemes::rules::{
    AlipayPlusInfo, CodeError, CodeFormat, PaymentCode, Scheme, SchemeDetails, SchemeRules, TemplateRules, UrlRules, Url,
    first_sub, split_url, tlv,
};

const ORDER_HOST: &str = "qr.alipay.com";
/// Red-packet links on the order host: a gift, not a payment.
const RED_PACKET: &str = "c1x";

pub(super) const RULES: SchemeRules = SchemeRules {
    template: Some(TemplateRules {
        claims: |c| c.guid.eq_ignore_ascii_case("com.alipay"),
        account_id: |node| first_sub(node, &[1]),
        check: |r| {
            let token = r.node.sub(1).and_then(split_url).filter(|u| u.host_is(ORDER_HOST));
            if let Some(url) = token {
                r.code.details = SchemeDetails::AlipayPlus(order_info(&url));
            }
            Ok(())
        },
        ..TemplateRules::BASE
    }),
    url: Some(UrlRules { matches, read: |payload, url, _| read(payload, url) }),
    ..SchemeRules::new(Scheme::AlipayPlus)
};

/// Whether `url` is an Alipay+ MPM code or an Alipay order code.
fn matches(url: &Url<'_>) -> bool {
    matches!(url.scheme.as_str(), "http" | "https") && (url.host_is(ORDER_HOST) || mpm_parts(url.path).is_some())
}

/// `/MPM/<version>/<payload>` → (version, payload).
fn mpm_parts(path: &str) -> Option<(&str, &str)> {
    let mut segments = path.strip_prefix('/')?.splitn(3, '/');
    let mpm = segments.next()?;
    let version = segments.next()?;
    let payload = segments.next()?;
    (mpm.eq_ignore_ascii_case("MPM")
        && !version.is_empty()
        && version.bytes().all(|b| b.is_ascii_digit())
        && !payload.is_empty())
    .then_some((version, payload))
}

/// What an order URL (on [`ORDER_HOST`]) says: its host and its token, when it has one.
fn order_info(url: &Url<'_>) -> AlipayPlusInfo {
    AlipayPlusInfo {
        host: url.host.to_ascii_lowercase(),
        order_token: Some(url.path.trim_matches('/').to_owned()).filter(|t| !t.is_empty()),
        ..AlipayPlusInfo::default()
    }
}

/// Reads an Alipay+ code.
fn read(payload: &str, url: &Url<'_>) -> Result<PaymentCode, CodeError> {
    if url.host_is(ORDER_HOST) {
        let token = url.path.trim_matches('/');
        if token.is_empty() {
            return Err(CodeError::missing("Alipay order code carries no token"));
        }
        if token.get(..RED_PACKET.len()).is_some_and(|k| k.eq_ignore_ascii_case(RED_PACKET)) {
            return Err(CodeError::unsupported("an Alipay red-packet link (c1x…) is a gift, not a payment"));
        }
        let mut code = PaymentCode::single_account(Scheme::AlipayPlus, CodeFormat::Url, payload, token.to_owned());
        code.details = SchemeDetails::AlipayPlus(order_info(url));
        return Ok(code);
    }
    let (_, encoded) =
        mpm_parts(url.path).ok_or_else(|| CodeError::malformed("Alipay+ MPM path is not /MPM/<version>/<payload>"))?;
    let info = read_mpm_payload(encoded, &url.host.to_ascii_lowercase())?;
    let merchant = info
        .merchant_id
        .clone()
        .ok_or_else(|| CodeError::missing("Alipay+ MPM payload has no merchant id (CDSD/02)"))?;
    let mut code = PaymentCode::single_account(Scheme::AlipayPlus, CodeFormat::AlipayPlusMpm, payload, merchant);
    code.details = SchemeDetails::AlipayPlus(info);
    Ok(code)
}

const LENIENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD: GeneralPurpose = Engine::new(&base64::alphabet::STANDARD, LENIENT);
const URL_SAFE: GeneralPurpose = Engine::new(&base64::alphabet::URL_SAFE, LENIENT);

fn read_mpm_payload(encoded: &str, host: &str) -> Result<AlipayPlusInfo, CodeError> {
    let bytes = STANDARD
        .decode(encoded)
        .or_else(|_| URL_SAFE.decode(encoded))
        .map_err(|e| CodeError::malformed(format!("Alipay+ MPM payload is not Base64: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|_| CodeError::malformed("Alipay+ MPM payload is not UTF-8"))?;
    let outer = split_long(&text)?;
    let gpld = outer
        .iter()
        .find(|(id, _)| *id == "GPLD")
        .map(|(_, v)| *v)
        .ok_or_else(|| CodeError::missing("Alipay+ MPM payload has no GPLD"))?;
    let inner = split_long(gpld)?;
    let get = |id: &str| inner.iter().find(|(i, _)| *i == id).map(|(_, v)| *v);
    let sub = |block: Option<&str>, id: u8| -> Result<Option<String>, CodeError> {
        let Some(block) = block else { return Ok(None) };
        let objects = tlv::parse(block).map_err(|e| CodeError::malformed(format!("Alipay+ MPM block: {e}")))?;
        Ok(objects.iter().find(|o| o.id == id).map(|o| o.value.to_owned()).filter(|v| !v.is_empty()))
    };
    Ok(AlipayPlusInfo {
        host: host.to_owned(),
        version: get("PLVS").map(str::to_owned),
        platform: sub(get("CDSD"), 1)?,
        merchant_id: sub(get("CDSD"), 2)?,
        issuer: sub(get("CIRD"), 1)?,
        mini_program_id: sub(get("CIRD"), 3)?,
        order_token: None,
    })
}

/// Splits `IDID` + 3-digit length + value objects.
fn split_long(text: &str) -> Result<Vec<(&str, &str)>, CodeError> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let header = rest
            .get(..7)
            .filter(|h| h.is_ascii())
            .ok_or_else(|| CodeError::malformed("Alipay+ MPM object header is truncated"))?;
        let len: usize =
            header[4..].parse().ok().filter(|_| header[4..].bytes().all(|b| b.is_ascii_digit())).ok_or_else(|| {
                CodeError::malformed(format!("Alipay+ MPM object {:?} has no 3-digit length", &header[..4]))
            })?;
        let body = &rest[7..];
        let end = body.char_indices().nth(len).map_or(body.len(), |(i, _)| i);
        if tlv::char_len(&body[..end]) != len {
            return Err(CodeError::malformed(format!("Alipay+ MPM object {} runs past the end", &header[..4])));
        }
        out.push((&header[..4], &body[..end]));
        rest = &body[end..];
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str =
        "GPLD095PLVS00201CDSD0330114SAMPLEPLATFORM0211SAMPLEMERIDCIRD0390112SAMPLEISSUER0202120313MINIPROGRAMID";

    #[test]
    fn reads_the_sample_payload() {
        let info = read_mpm_payload(&STANDARD.encode(SAMPLE), "example.com").unwrap();
        assert_eq!(info.version.as_deref(), Some("01"));
        assert_eq!(info.platform.as_deref(), Some("SAMPLEPLATFORM"));
        assert_eq!(info.merchant_id.as_deref(), Some("SAMPLEMERID"));
        assert_eq!(info.issuer.as_deref(), Some("SAMPLEISSUER"));
        assert_eq!(info.mini_program_id.as_deref(), Some("MINIPROGRAMID"));
    }

    #[test]
    fn refuses_broken_payloads() {
        assert!(read_mpm_payload("!!!", "h").is_err());
        assert!(read_mpm_payload(&STANDARD.encode("GPLD999PLVS"), "h").is_err());
        assert!(read_mpm_payload(&STANDARD.encode("GP"), "h").is_err());
        assert!(read_mpm_payload(&STANDARD.encode("GPLD0x1"), "h").is_err());
        assert_eq!(
            read_mpm_payload(&STANDARD.encode("XXXX000"), "h").unwrap_err().code,
            crate::ErrorCode::MissingField
        );
        assert!(mpm_parts("/MPM/3/abc").is_some());
        assert!(mpm_parts("/MPM/x/abc").is_none());
        assert!(mpm_parts("/mpm/3/").is_none());
    }
}
