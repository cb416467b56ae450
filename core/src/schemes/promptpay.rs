//! Thai QR / PromptPay: templates whose GUID is a Thai QR AID (`A000000677…`: 010111 credit
//! transfer in tag 29, 010112 bill payment in tag 30). Shares tag 29 with KHQR: decided by GUID.

use super::code::Scheme;
use super::mpm::{TemplateScheme, first_sub, guid_starts_with};
use crate::money::Currency;

pub(super) const TEMPLATE: TemplateScheme = TemplateScheme {
    scheme: Scheme::Promptpay,
    claims: |_, guid| guid_starts_with(guid, "A000000677"),
    // Credit transfer: 01 mobile, 02 national id, 03 e-wallet, 04 bank account; bill payment: 01 biller id.
    account_id: |node| first_sub(node, &[1, 2, 3, 4, 5]),
    check: |r| {
        r.expect_home(Currency::THB, "TH");
        Ok(())
    },
};
