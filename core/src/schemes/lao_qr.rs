//! Lao QR (LAPNet): tag 38 GUID `A005266284662577`, 01 IIN (the institution), 02 payment type
//! (`001` personal, `002` merchant), 03 receiver id.

use crate::schemes::rules::{Currency, Scheme, SchemeRules, Table, TemplateRules, first_sub, guid_starts_with};

pub(super) const RULES: SchemeRules = SchemeRules {
    template: Some(TemplateRules {
        claims: |c| guid_starts_with(c.guid, "A005266284662577"),
        account_id: |node| first_sub(node, &[3, 1]),
        bank: |node| node.sub(1).map(|iin| Table::LaoIin.bank(iin)),
        home: Some((Currency::LAK, "LA")),
        ..TemplateRules::BASE
    }),
    ..SchemeRules::new(Scheme::LaoQr)
};
