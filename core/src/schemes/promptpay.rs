//! Thai QR / PromptPay: templates whose GUID is a Thai QR AID (`A000000677…`): 010111 credit transfer
//! (29: 01 mobile `0066…`, 02 national or tax id, 03 e-wallet, 04 bank account), 010112 bill payment
//! (30: 01 biller id, 02 reference 1, 03 reference 2), 010113 (31, KBank's "payment innovation"),
//! 012006 cross-border bill payment. Shares tag 29 with KHQR: decided by GUID, not by tag.
//!
//! `A000000677010114` is the payer-side (customer-presented) credit-transfer AID in the Bank of
//! Thailand's list: a code carrying it is not a merchant to pay, and is refused as unsupported. Credit
//! transfers carry no name, city or category code, and no bank id.

use crate::schemes::rules::{
    CodeError, Currency, Omits, Scheme, SchemeRules, TemplateRules, first_sub, guid_starts_with,
};

const PAYER_SIDE: &str = "A000000677010114";

pub(super) const RULES: SchemeRules = SchemeRules {
    template: Some(TemplateRules {
        claims: |c| guid_starts_with(c.guid, "A000000677"),
        account_id: |node| first_sub(node, &[1, 2, 3, 4, 5]),
        check: |r| {
            if r.node.sub(0).is_some_and(|g| g.eq_ignore_ascii_case(PAYER_SIDE)) {
                return Err(CodeError::unsupported(format!(
                    "Thai QR AID {PAYER_SIDE} is the payer-side (customer-presented) credit transfer, not a merchant to pay"
                )));
            }
            Ok(())
        },
        omits: Omits { mcc: true, name: true, city: true },
        home: Some((Currency::THB, "TH")),
        ..TemplateRules::BASE
    }),
    ..SchemeRules::new(Scheme::Promptpay)
};
