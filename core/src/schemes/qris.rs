//! QRIS (Indonesia): the national repository template in 51 (GUID `ID.CO.QRIS.WWW`, or
//! `ID.OR.GPNQR.WWW` on stickers printed before the 2019 renaming; 02 national merchant id NMID,
//! 03 criteria) and the issuers' templates in 26–45 (00 issuer GUID, 01 merchant PAN whose first 8
//! digits are the issuer's national number NNS, 02 merchant id, 03 criteria).
//!
//! Every merchant template on an Indonesian code is QRIS: issuer-only codes without 51 are in
//! circulation (AstraPay, BCA dynamic codes, whose GUID may be just `00`). The repository's 51 is the
//! primary account where present; the issuers are reported with their NNS. QRIS makes the category
//! code, merchant name and city mandatory.

use crate::schemes::rules::{
    CodeError, Currency, Mpm, Node, Scheme, SchemeRules, Table, TemplateRules, first_sub, is_digits,
};

const GUIDS: [&str; 2] = ["ID.CO.QRIS.WWW", "ID.OR.GPNQR.WWW"];

fn is_indonesian(mpm: &Mpm<'_>) -> bool {
    mpm.value(58) == Some("ID") || mpm.value(53) == Some("360")
}

/// The issuer's national number: the first 8 digits of a 9360… merchant PAN.
fn nns<'a>(node: &Node<'a>) -> Option<&'a str> {
    node.sub(1).filter(|pan| pan.starts_with("9360")).and_then(|pan| pan.get(..8)).filter(|n| is_digits(n, 8))
}

pub(super) const RULES: SchemeRules = SchemeRules {
    template: Some(TemplateRules {
        claims: |c| match c.tag {
            51 => GUIDS.iter().any(|g| c.guid.eq_ignore_ascii_case(g)),
            26..=45 => is_indonesian(c.mpm),
            _ => false,
        },
        account_id: |node| match node.id() {
            51 => first_sub(node, &[2, 1]),
            _ => first_sub(node, &[1, 2]),
        },
        bank: |node| nns(node).map(|n| Table::QrisNns.bank(n)),
        rank: |tag| u8::from(tag != 51),
        check: |r| {
            for (missing, what) in [
                (r.fields.mcc.is_none(), "a merchant category code (52)"),
                (r.fields.merchant_name.is_none(), "a merchant name (59)"),
                (r.fields.merchant_city.is_none(), "a merchant city (60)"),
            ] {
                if missing {
                    return Err(CodeError::missing(format!("QRIS requires {what}")));
                }
            }
            Ok(())
        },
        home: Some((Currency::IDR, "ID")),
        ..TemplateRules::BASE
    }),
    ..SchemeRules::new(Scheme::Qris)
};
