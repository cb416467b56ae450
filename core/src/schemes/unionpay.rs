//! UnionPay: root tags 15–16 (KHQR puts a UnionPay merchant account in 15) and templates with
//! UnionPay's registered application provider id `A000000333`.

use super::code::Scheme;
use super::mpm::{TemplateScheme, first_sub, guid_starts_with};

pub(super) const TEMPLATE: TemplateScheme = TemplateScheme {
    scheme: Scheme::Unionpay,
    claims: |_, guid| guid_starts_with(guid, "A000000333"),
    account_id: |node| first_sub(node, &[1, 2]),
    check: |_| Ok(()),
};
