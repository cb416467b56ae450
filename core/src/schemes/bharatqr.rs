//! BharatQR (India, NPCI): template GUID `A000000524` (01 VPA or reference); card tags beside it.

use super::code::Scheme;
use super::mpm::{TemplateScheme, first_sub, guid_starts_with};
use crate::money::Currency;

pub(super) const TEMPLATE: TemplateScheme = TemplateScheme {
    scheme: Scheme::Bharatqr,
    claims: |_, guid| guid_starts_with(guid, "A000000524"),
    account_id: |node| first_sub(node, &[1, 2]),
    check: |r| {
        r.expect_home(Currency::INR, "IN");
        Ok(())
    },
};
