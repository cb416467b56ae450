//! Reading an EMVCo MPM payload into a [`PaymentCode`]: decode, read the root fields, offer every
//! merchant account template (26–51) to the registry's schemes and read the reserved card tags
//! (02–25, opaque primitives), pick the primary account by the registry's preference, then apply
//! that scheme's own rules. Knows no scheme by name.

use super::code::{Account, CodeFormat, Merchant, PaymentCode, RawObject, Scheme};
use super::registry::SCHEMES;
use super::rules::{Claim, Omits, Reading, SchemeRules, TemplateRules};
use crate::emv::fields::{Initiation, RootFields};
use crate::emv::{self, Mpm, Node};
use crate::error::CodeError;
use crate::warning::{Warning, WarningCode};

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

/// One account found in the payload, with the scheme rules that claimed it.
struct Found<'r, 'a> {
    account: Account,
    node: &'r Node<'a>,
    rules: Option<(&'static SchemeRules, &'static TemplateRules)>,
}

impl Found<'_, '_> {
    /// Sort key for the primary account: scheme preference, then the scheme's own rank.
    fn rank(&self) -> (usize, u8) {
        (self.account.scheme.preference(), self.rules.map_or(0, |(_, t)| (t.rank)(self.node.id())))
    }
}

fn collect_accounts<'r, 'a>(mpm: &'r Mpm<'a>) -> Vec<Found<'r, 'a>> {
    let mut found = Vec::new();
    for node in &mpm.nodes {
        let tag = node.id();
        let (scheme, id, guid, bank, rules) = if let Some(scheme) = card_scheme(tag) {
            (scheme, node.value().to_owned(), None, None, None)
        } else if (26..=51).contains(&tag) {
            let guid = node.sub(0).unwrap_or_default();
            let claim = Claim { tag, guid, mpm };
            let claimed =
                SCHEMES.iter().find_map(|&s| s.template.as_ref().filter(|t| (t.claims)(&claim)).map(|t| (s, t)));
            let guid = Some(guid.to_owned()).filter(|g| !g.is_empty());
            match claimed {
                Some((s, t)) => (s.scheme, (t.account_id)(node).unwrap_or_default(), guid, (t.bank)(node), claimed),
                None => {
                    let id = node.children.iter().find(|c| c.id != 0).map_or(node.value(), |c| c.value);
                    (Scheme::Emvco, id.to_owned(), guid, None, None)
                }
            }
        } else {
            continue;
        };
        // KHQR puts the Bakong account id where other schemes put a GUID.
        let guid = guid.filter(|_| scheme != Scheme::Khqr);
        let account = Account { tag: Some(format!("{tag:02}")), scheme, id, guid, bank };
        found.push(Found { account, node, rules });
    }
    found
}

/// Reads an EMVCo MPM payload; `now_ms` decides whether a code with an expiry has expired.
pub(super) fn read(payload: &str, now_ms: i64) -> Result<PaymentCode, CodeError> {
    let mpm = emv::decode(payload)?;
    refuse_private_layouts(&mpm)?;
    let mut warnings = mpm.warnings.clone();
    let fields = emv::fields::read(&mpm, &mut warnings)?;
    let found = collect_accounts(&mpm);
    let primary = found
        .iter()
        .enumerate()
        .min_by_key(|(i, f)| (f.rank(), *i))
        .map(|(i, _)| i)
        .ok_or_else(|| CodeError::missing("no merchant account information (IDs 02–51)"))?;
    if fields.currency.is_none() {
        return Err(CodeError::missing("transaction currency (53) is missing"));
    }
    let primary_scheme = found[primary].account.scheme;
    // A code no scheme claimed may still be a scheme's as a whole (BharatQR's card-only stickers).
    let rules = match found[primary].rules {
        Some((s, t)) => Some((s, Some(t))),
        None => SCHEMES
            .iter()
            .find(|s| s.adopts.is_some_and(|adopts| adopts(&mpm, &fields)))
            .map(|&s| (s, s.template.as_ref())),
    };
    let scheme = match rules {
        Some((s, _)) => s.scheme,
        None if primary_scheme.is_card_network() => Scheme::Emvco,
        None => primary_scheme,
    };

    let mut code = PaymentCode::empty(scheme, CodeFormat::EmvMpm, payload);
    fill_common(&mut code, &fields, &mpm);
    code.warnings = warnings;
    code.primary = Some(primary);
    let node = found[primary].node;
    code.accounts = found.into_iter().map(|f| f.account).collect();

    let template = rules.and_then(|(_, t)| t);
    if fields.format_indicator != "01"
        && !template.is_some_and(|t| t.format_indicators.contains(&&*fields.format_indicator))
    {
        code.warnings.push(Warning::new(
            WarningCode::PayloadFormatIndicator,
            format!("payload format indicator is {:?}, EMVCo defines \"01\"", fields.format_indicator),
        ));
    }
    match template {
        Some(template) => {
            let mut reading = Reading { mpm: &mpm, fields: &fields, node, code: &mut code, now_ms };
            (template.check)(&mut reading)?;
            if let Some((currency, country)) = template.home {
                reading.expect_home(currency, country);
            }
        }
        None if fields.initiation == Some(Initiation::Dynamic) && fields.amount.is_none() => {
            code.warnings
                .push(Warning::new(WarningCode::DynamicWithoutAmount, "dynamic code (01=12) carries no amount (54)"));
        }
        None => {}
    }
    warn_omitted(&mut code, &fields, template.map_or(Omits::default(), |t| t.omits));
    Ok(code)
}

/// A point of initiation other than 11/12 on a code with no merchant account template is not an
/// EMVCo merchant code at all but a private layout that borrows its framing (VNPAY's personal
/// wallet QR: 01 = `10`, wallet fields in the card tags 02–11): not interoperable, unsupported.
fn refuse_private_layouts(mpm: &Mpm<'_>) -> Result<(), CodeError> {
    let Some(poi) = mpm.value(1).filter(|p| !matches!(*p, "11" | "12")) else { return Ok(()) };
    if mpm.nodes.iter().any(|n| (26..=51).contains(&n.id())) {
        return Ok(()); // an EMVCo code with a bad point of initiation: the field reader refuses it.
    }
    Err(CodeError::unsupported(format!(
        "point of initiation {poi:?} and no merchant account template: a private layout, not an interoperable merchant code"
    )))
}

fn fill_common(code: &mut PaymentCode, fields: &RootFields, mpm: &Mpm<'_>) {
    let language = fields.language.clone().unwrap_or_default();
    code.dynamic = fields.initiation.map(|i| i == Initiation::Dynamic);
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

/// Fields EMVCo calls mandatory that are missing, unless the primary scheme legitimately omits them
/// (PromptPay and VietQR have no name, city or category code): reported, not refused.
fn warn_omitted(code: &mut PaymentCode, fields: &RootFields, omits: Omits) {
    let omitted = [
        (fields.mcc.is_none() && !omits.mcc, WarningCode::MerchantCategoryCodeMissing, "merchant category code (52)"),
        (fields.country.is_none(), WarningCode::CountryMissing, "country (58)"),
        (fields.merchant_name.is_none() && !omits.name, WarningCode::MerchantNameMissing, "merchant name (59)"),
        (fields.merchant_city.is_none() && !omits.city, WarningCode::MerchantCityMissing, "merchant city (60)"),
    ];
    for (missing, warning, what) in omitted {
        if missing {
            code.warnings.push(Warning::new(warning, format!("{what} is missing")));
        }
    }
}
