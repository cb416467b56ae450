//! QRIS (Indonesia): tag 51 GUID `ID.CO.QRIS.WWW`, 02 national merchant id (NMID), 03 criteria.
//! Issuer templates (26–45) sit beside it and are reported as they are.

use super::code::Scheme;
use super::mpm::{TemplateScheme, first_sub};
use crate::money::Currency;

pub(super) const TEMPLATE: TemplateScheme = TemplateScheme {
    scheme: Scheme::Qris,
    claims: |_, guid| guid.eq_ignore_ascii_case("ID.CO.QRIS.WWW"),
    account_id: |node| first_sub(node, &[2, 1]),
    check: |r| {
        r.expect_home(Currency::IDR, "ID");
        Ok(())
    },
};
