//! The interface every scheme implements, and the few helpers scheme rules share.
//!
//! A leaf: it depends on the codecs (`emv`, `url`), the result types, money, errors, warnings and
//! the bank tables, never on a scheme or on the readers. Each scheme file depends on this file
//! alone; the registry lists the schemes; the readers (`mpm`, `read`) use the registry. Dependencies
//! point one way, as in mercari/go-emv-code (`tlv` → `mpm` → `mpm/jpqr`).

pub(super) use super::banks::Table;
pub(super) use super::code::{
    AlipayPlusInfo, Bank, CodeFormat, JpqrStoreId, KhqrAccountType, KhqrInfo, PaymentCode, Scheme, SchemeDetails,
    UpiInfo,
};
pub(super) use super::url::{Url, form_decode, percent_decode, query_pairs, raw_pairs, split as split_url};
pub(super) use crate::emv::fields::{Initiation, RootFields, is_digits, read_amount};
pub(super) use crate::emv::{Mpm, Node, tlv};
pub(super) use crate::error::{CodeError, ErrorCode};
pub(super) use crate::money::Currency;
pub(super) use crate::warning::{Warning, WarningCode};

/// What one scheme knows: how to recognise its merchant account templates inside an EMVCo code,
/// how to read its URL codes, and which whole codes it adopts when no template says.
pub(super) struct SchemeRules {
    /// The scheme.
    pub scheme: Scheme,
    /// Its merchant account templates (26–51) in EMVCo MPM codes.
    pub template: Option<TemplateRules>,
    /// Its URL codes (`upi://`, `wxp://`, `https://qr.alipay.com/…`).
    pub url: Option<UrlRules>,
    /// Claims a whole EMVCo code whose primary account no scheme claimed (a card network or an
    /// unknown template): BharatQR's card-only stickers.
    pub adopts: Option<fn(&Mpm<'_>, &RootFields) -> bool>,
}

impl SchemeRules {
    /// A scheme that recognises nothing yet; fill in what it reads.
    pub const fn new(scheme: Scheme) -> Self {
        Self { scheme, template: None, url: None, adopts: None }
    }
}

/// A merchant account template (26–51) being offered to the schemes.
pub(super) struct Claim<'r, 'a> {
    /// Its root ID.
    pub tag: u8,
    /// Its sub-ID 00 (a GUID, or KHQR's Bakong account id); empty when absent.
    pub guid: &'a str,
    /// The whole code, for schemes recognised by more than one template (QRIS issuers).
    pub mpm: &'r Mpm<'a>,
}

/// Fields EMVCo calls mandatory that a scheme legitimately leaves out: not reported when missing.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Omits {
    /// Merchant category code (52).
    pub mcc: bool,
    /// Merchant name (59).
    pub name: bool,
    /// Merchant city (60).
    pub city: bool,
}

/// How a scheme reads its merchant account templates.
pub(super) struct TemplateRules {
    /// Whether the template belongs to this scheme.
    pub claims: fn(&Claim<'_, '_>) -> bool,
    /// The payee id inside the template.
    pub account_id: fn(&Node<'_>) -> Option<String>,
    /// The institution the template names, if it names one.
    pub bank: fn(&Node<'_>) -> Option<Bank>,
    /// Order among this scheme's own templates on one code, lower first (QRIS: the national
    /// repository's 51 before the issuers').
    pub rank: fn(tag: u8) -> u8,
    /// The scheme's own rules, applied when its account is the primary one.
    pub check: fn(&mut Reading<'_, '_>) -> Result<(), CodeError>,
    /// Payload format indicators (00) the scheme uses, accepted without a warning.
    pub format_indicators: &'static [&'static str],
    /// Mandatory EMVCo fields the scheme leaves out.
    pub omits: Omits,
    /// The scheme's home currency and country: another one on its code is warned about.
    pub home: Option<(Currency, &'static str)>,
}

impl TemplateRules {
    /// Defaults: claims nothing, the first non-GUID sub-object is the account, no bank, no rules.
    pub const BASE: TemplateRules = TemplateRules {
        claims: |_| false,
        account_id: |node| first_sub(node, &[1, 2]),
        bank: |_| None,
        rank: |_| 0,
        check: |_| Ok(()),
        format_indicators: &["01"],
        omits: Omits { mcc: false, name: false, city: false },
        home: None,
    };
}

/// How a scheme reads its URL codes.
pub(super) struct UrlRules {
    /// Whether the URL is one of this scheme's.
    pub matches: fn(&Url<'_>) -> bool,
    /// Reads it; `now_ms` judges expiry.
    pub read: fn(payload: &str, url: &Url<'_>, now_ms: i64) -> Result<PaymentCode, CodeError>,
}

/// What a scheme check works on.
pub(super) struct Reading<'r, 'a> {
    /// The decoded code.
    pub mpm: &'r Mpm<'a>,
    /// Its EMVCo root fields.
    pub fields: &'r RootFields,
    /// The primary account's template (or, for an adopted code, its primary account's object).
    pub node: &'r Node<'a>,
    /// The code being built.
    pub code: &'r mut PaymentCode,
    /// The instant expiry is judged at, epoch milliseconds.
    pub now_ms: i64,
}

impl Reading<'_, '_> {
    /// Records a warning.
    pub fn warn(&mut self, code: WarningCode, message: impl Into<String>) {
        self.code.warnings.push(Warning::new(code, message));
    }

    /// Warns when the code's currency or country is not the scheme's home one.
    pub(super) fn expect_home(&mut self, currency: Currency, country: &str) {
        let scheme = self.code.scheme;
        if let Some(c) = self.fields.currency.filter(|c| *c != currency) {
            self.warn(WarningCode::UnexpectedCurrency, format!("{scheme} code in {c}, expected {currency}"));
        }
        if let Some(c) = self.fields.country.as_deref().filter(|c| *c != country) {
            self.warn(WarningCode::UnexpectedCountry, format!("{scheme} code from {c}, expected {country}"));
        }
    }
}

/// Case-insensitive prefix test for GUIDs (AIDs are hex, reverse domains are case-insensitive).
pub(super) fn guid_starts_with(guid: &str, prefix: &str) -> bool {
    guid.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// The first of `ids` present in the template.
pub(super) fn first_sub(node: &Node<'_>, ids: &[u8]) -> Option<String> {
    ids.iter().find_map(|&id| node.sub(id)).map(str::to_owned)
}

/// True for a `name@handle` address (a Bakong account id, a UPI VPA): both parts non-empty, no
/// whitespace.
pub(super) fn is_at_address(id: &str) -> bool {
    id.split_once('@').is_some_and(|(name, bank)| !name.is_empty() && !bank.is_empty())
        && !id.chars().any(char::is_whitespace)
}

/// Epoch milliseconds of a civil date and time at a fixed offset from UTC.
pub(super) fn epoch_ms(date: (i64, u32, u32), time: (u32, u32, u32), offset_minutes: i64) -> Option<i64> {
    let (hh, mm, ss) = time;
    if hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let days = crate::clock::days_from_civil(date.0, date.1, date.2)?;
    let seconds = days * 86_400 + i64::from(hh) * 3600 + i64::from(mm) * 60 + i64::from(ss) - offset_minutes * 60;
    Some(seconds * 1000)
}
