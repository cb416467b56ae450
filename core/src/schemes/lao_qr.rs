//! Lao QR (LAPNet): tag 38 GUID `A005266284662577`, 01 IIN, 02 payment type, 03 receiver id.

use super::code::Scheme;
use super::mpm::{TemplateScheme, first_sub, guid_starts_with};
use crate::money::Currency;

pub(super) const TEMPLATE: TemplateScheme = TemplateScheme {
    scheme: Scheme::LaoQr,
    claims: |_, guid| guid_starts_with(guid, "A005266284662577"),
    account_id: |node| first_sub(node, &[3, 1]),
    check: |r| {
        r.expect_home(Currency::LAK, "LA");
        Ok(())
    },
};
