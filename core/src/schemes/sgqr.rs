//! SGQR, Singapore's unified label: tag 51 GUID `SG.SGQR`, 01 SGQR id. A PayNow account on the same
//! code is preferred as the primary one.

use super::code::Scheme;
use super::mpm::{TemplateScheme, first_sub};
use crate::money::Currency;

pub(super) const TEMPLATE: TemplateScheme = TemplateScheme {
    scheme: Scheme::Sgqr,
    claims: |_, guid| guid.eq_ignore_ascii_case("SG.SGQR"),
    account_id: |node| first_sub(node, &[1]),
    check: |r| {
        r.expect_home(Currency::SGD, "SG");
        Ok(())
    },
};
