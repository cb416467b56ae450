//! SGQR, Singapore's unified label: tag 51 GUID `SG.SGQR` (01 SGQR id, 02 version, 03 postal code,
//! 04 level, 05 unit, 06 miscellaneous, 07 date). The label names no payee of its own: a scheme
//! beside it that the wallet pays through (PayNow, an Alipay+ or Weixin Pay template) ranks above it.

use crate::schemes::rules::{Currency, Scheme, SchemeRules, TemplateRules, first_sub};

pub(super) const RULES: SchemeRules = SchemeRules {
    template: Some(TemplateRules {
        claims: |c| c.guid.eq_ignore_ascii_case("SG.SGQR"),
        account_id: |node| first_sub(node, &[1]),
        home: Some((Currency::SGD, "SG")),
        ..TemplateRules::BASE
    }),
    ..SchemeRules::new(Scheme::Sgqr)
};
