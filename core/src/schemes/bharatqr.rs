//! BharatQR (India, NPCI with the card networks): template GUID `A000000524` (26: 01 VPA, 02 amount;
//! 27: 01 reference), card accounts beside it (02 Visa, 04 Mastercard, 06 RuPay, 08 IFSC + account).
//! A card-only sticker (no `A000000524` template) from India in rupees is BharatQR too.

use crate::schemes::rules::{Currency, Scheme, SchemeRules, TemplateRules, first_sub, guid_starts_with};

pub(super) const RULES: SchemeRules = SchemeRules {
    template: Some(TemplateRules {
        claims: |c| guid_starts_with(c.guid, "A000000524"),
        account_id: |node| first_sub(node, &[1, 2]),
        home: Some((Currency::INR, "IN")),
        ..TemplateRules::BASE
    }),
    adopts: Some(|_, fields| fields.country.as_deref() == Some("IN") && fields.currency == Some(Currency::INR)),
    ..SchemeRules::new(Scheme::Bharatqr)
};
