//! Reading an EMVCo MPM payload into a [`PaymentCode`]: decode, read the root fields, collect every
//! account (templates 26–51 routed by GUID, reserved card tags 02–25), pick the primary account by
//! scheme preference, then apply that scheme's own rules.

use super::code::{Account, CodeFormat, Merchant, PaymentCode, RawObject, Scheme};
use super::{bharatqr, duitnow, jpqr, khqr, lao_qr, paynow, promptpay, qris, sgqr, unionpay, vietqr};
use crate::emv::{self, Mpm, Node, fields::RootFields};
use crate::error::{CodeError, Warning};
use crate::money::Currency;

/// A scheme recognised by the GUID of a merchant account template.
pub(super) struct TemplateScheme {
    pub scheme: Scheme,
    /// Whether the template with root ID `tag` and sub-ID 00 `guid` belongs to this scheme.
    pub claims: fn(tag: u8, guid: &str) -> bool,
    /// The payee id inside the template.
    pub account_id: fn(&Node<'_>) -> Option<String>,
    /// The scheme's own rules, applied when its account is the primary one.
    pub check: fn(&mut Reading<'_, '_>) -> Result<(), CodeError>,
}

/// Template schemes, most preferred first.
const TEMPLATE_SCHEMES: [&TemplateScheme; 11] = [
    &khqr::TEMPLATE,
    &jpqr::TEMPLATE,
    &promptpay::TEMPLATE,
    &vietqr::TEMPLATE,
    &lao_qr::TEMPLATE,
    &duitnow::TEMPLATE,
    &paynow::TEMPLATE,
    &sgqr::TEMPLATE,
    &qris::TEMPLATE,
    &bharatqr::TEMPLATE,
    &unionpay::TEMPLATE,
];

/// What a scheme check works on.
pub(super) struct Reading<'r, 'a> {
    pub mpm: &'r Mpm<'a>,
    pub fields: &'r RootFields,
    /// The primary account's template.
    pub node: &'r Node<'a>,
    pub code: &'r mut PaymentCode,
    pub now_ms: i64,
}

impl Reading<'_, '_> {
    pub fn warn(&mut self, code: &'static str, message: impl Into<String>) {
        self.code.warnings.push(Warning::new(code, message));
    }

    /// Warns when the code's currency or country is not the scheme's home one.
    pub fn expect_home(&mut self, currency: Currency, country: &str) {
        let scheme = self.code.scheme;
        if let Some(c) = self.fields.currency.filter(|c| *c != currency) {
            self.warn("unexpected_currency", format!("{scheme} code in {c}, expected {currency}"));
        }
        if let Some(c) = self.fields.country.as_deref().filter(|c| *c != country) {
            self.warn("unexpected_country", format!("{scheme} code from {c}, expected {country}"));
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

fn card_scheme(tag: u8) -> Option<Scheme> {
    Some(match tag {
        2..=3 => Scheme::Visa,
        4..=5 => Scheme::Mastercard,
        9..=10 => Scheme::Discover,
        11..=12 => Scheme::Amex,
        13..=14 => Scheme::Jcb,
        15..=16 => Scheme::Unionpay,
        6..=8 | 17..=25 => Scheme::Emvco,
        _ => return None,
    })
}

/// One account found in the payload, with the template scheme that claimed it.
struct Found<'r, 'a> {
    account: Account,
    node: &'r Node<'a>,
    template: Option<&'static TemplateScheme>,
}

fn collect_accounts<'r, 'a>(mpm: &'r Mpm<'a>) -> Vec<Found<'r, 'a>> {
    let mut found = Vec::new();
    for node in &mpm.nodes {
        let tag = node.id();
        if node.value().is_empty() {
            continue;
        }
        let (scheme, id, guid, template) = if let Some(scheme) = card_scheme(tag) {
            (scheme, node.value().to_owned(), None, None)
        } else if (26..=51).contains(&tag) {
            let guid = node.sub(0);
            let template = guid.and_then(|g| TEMPLATE_SCHEMES.into_iter().find(|s| (s.claims)(tag, g)));
            match template {
                Some(t) => (t.scheme, (t.account_id)(node).unwrap_or_default(), guid, Some(t)),
                None => {
                    let id = node
                        .children
                        .iter()
                        .find(|c| c.id != 0 && !c.value.is_empty())
                        .map_or(node.value(), |c| c.value);
                    (Scheme::Emvco, id.to_owned(), guid, None)
                }
            }
        } else {
            continue;
        };
        // KHQR puts the Bakong account id where other schemes put a GUID.
        let guid = guid.filter(|_| scheme != Scheme::Khqr).map(str::to_owned);
        let account = Account { tag: Some(format!("{tag:02}")), scheme, id, guid };
        found.push(Found { account, node, template });
    }
    found
}

/// Reads an EMVCo MPM payload; `now_ms` decides whether a dynamic code has expired.
pub(super) fn read(payload: &str, now_ms: i64) -> Result<PaymentCode, CodeError> {
    let mpm = emv::decode(payload)?;
    let mut warnings = mpm.warnings.clone();
    let fields = emv::fields::read(&mpm, &mut warnings)?;
    let found = collect_accounts(&mpm);
    let primary = found
        .iter()
        .enumerate()
        .min_by_key(|(i, f)| (f.account.scheme.preference(), *i))
        .map(|(i, _)| i)
        .ok_or_else(|| CodeError::missing("no merchant account information (IDs 02–51)"))?;
    if fields.currency.is_none() {
        return Err(CodeError::missing("transaction currency (53) is missing"));
    }
    let primary_scheme = found[primary].account.scheme;
    let scheme = if primary_scheme.is_card_network() { Scheme::Emvco } else { primary_scheme };

    let mut code = PaymentCode::empty(scheme, CodeFormat::EmvMpm, payload);
    fill_common(&mut code, &fields, &mpm);
    code.warnings = warnings;
    code.primary = Some(primary);
    code.accounts = found.iter().map(|f| f.account.clone()).collect();

    match found[primary].template {
        Some(template) => {
            let mut reading =
                Reading { mpm: &mpm, fields: &fields, node: found[primary].node, code: &mut code, now_ms };
            (template.check)(&mut reading)?;
        }
        None if fields.initiation == Some(emv::fields::Initiation::Dynamic) && fields.amount.is_none() => {
            code.warnings.push(Warning::new("dynamic_without_amount", "dynamic code (01=12) carries no amount (54)"));
        }
        None => {}
    }
    warn_omitted(&mut code, &fields);
    Ok(code)
}

fn fill_common(code: &mut PaymentCode, fields: &RootFields, mpm: &Mpm<'_>) {
    let language = fields.language.clone().unwrap_or_default();
    code.dynamic = fields.initiation.map(|i| i == emv::fields::Initiation::Dynamic);
    code.merchant = Merchant {
        name: fields.merchant_name.clone(),
        name_alt: language.name,
        language: language.language,
        city: fields.merchant_city.clone(),
        city_alt: language.city,
        country: fields.country.clone(),
        mcc: fields.mcc.clone(),
        postal_code: fields.postal_code.clone(),
    };
    code.currency = fields.currency;
    code.amount = fields.amount;
    code.tip = fields.tip.clone();
    code.additional = fields.additional.clone();
    code.objects = mpm
        .nodes
        .iter()
        .map(|n| RawObject {
            id: n.id(),
            value: n.value().to_owned(),
            children: n
                .children
                .iter()
                .map(|c| RawObject { id: c.id, value: c.value.to_owned(), children: Vec::new() })
                .collect(),
        })
        .collect();
}

/// Fields EMVCo calls mandatory but real schemes legitimately omit (PromptPay and VietQR have no
/// name or city): reported, not refused.
fn warn_omitted(code: &mut PaymentCode, fields: &RootFields) {
    let omitted = [
        (fields.mcc.is_none(), "merchant_category_code_missing", "merchant category code (52)"),
        (fields.country.is_none(), "country_missing", "country (58)"),
        (fields.merchant_name.is_none(), "merchant_name_missing", "merchant name (59)"),
        (fields.merchant_city.is_none(), "merchant_city_missing", "merchant city (60)"),
    ];
    for (missing, warning, what) in omitted {
        if missing {
            code.warnings.push(Warning::new(warning, format!("{what} is missing")));
        }
    }
}
