//! DuitNow (Malaysia, PayNet): GUID `A0000006150001`, 01 acquirer, 02 merchant id.

use super::code::Scheme;
use super::mpm::{TemplateScheme, first_sub, guid_starts_with};
use crate::money::Currency;

pub(super) const TEMPLATE: TemplateScheme = TemplateScheme {
    scheme: Scheme::Duitnow,
    claims: |_, guid| guid_starts_with(guid, "A000000615"),
    account_id: |node| first_sub(node, &[2, 1]),
    check: |r| {
        r.expect_home(Currency::MYR, "MY");
        Ok(())
    },
};
