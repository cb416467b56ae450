//! UnionPay: root tags 15–16 (KHQR, Lao and Vietnamese codes put a UnionPay merchant account in 15;
//! its value is opaque even when it looks like TLV) and templates with UnionPay's registered
//! application provider id `A000000333`.

use crate::schemes::rules::{Scheme, SchemeRules, TemplateRules, guid_starts_with};

pub(super) const RULES: SchemeRules = SchemeRules {
    template: Some(TemplateRules { claims: |c| guid_starts_with(c.guid, "A000000333"), ..TemplateRules::BASE }),
    ..SchemeRules::new(Scheme::Unionpay)
};
