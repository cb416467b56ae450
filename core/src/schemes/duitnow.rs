//! DuitNow (Malaysia, PayNet): GUID `A0000006150001`, 01 acquirer id (the institution), 02 merchant
//! id, optional 03 (scheme note or number) and 04 (phone). Most stickers in circulation carry payload
//! format indicator `02` and a bare hash in root 82: both are the scheme's, not reported.

use crate::schemes::rules::{Currency, Scheme, SchemeRules, Table, TemplateRules, first_sub, guid_starts_with};

pub(super) const RULES: SchemeRules = SchemeRules {
    template: Some(TemplateRules {
        claims: |c| guid_starts_with(c.guid, "A000000615"),
        account_id: |node| first_sub(node, &[2, 1]),
        bank: |node| node.sub(1).map(|acquirer| Table::DuitnowAcquirer.bank(acquirer)),
        home: Some((Currency::MYR, "MY")),
        format_indicators: &["01", "02"],
        ..TemplateRules::BASE
    }),
    ..SchemeRules::new(Scheme::Duitnow)
};
