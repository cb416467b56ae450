//! VietQR (NAPAS, tag 38 GUID `A000000727`: 01 = {00 bank BIN, 01 account}, 02 service code) and
//! VNPAY-QR (GUID `A000000775`: 01 merchant id).

use super::code::{Scheme, SchemeDetails};
use super::mpm::{TemplateScheme, guid_starts_with};
use crate::emv::{Node, tlv};
use crate::money::Currency;

const NAPAS: &str = "A000000727";
const VNPAY: &str = "A000000775";

/// The NAPAS beneficiary template (38/01) split into (BIN, account), if it is TLV.
fn beneficiary(node: &Node<'_>) -> Option<(Option<String>, Option<String>)> {
    let inner = tlv::parse(node.sub(1)?).ok()?;
    let get = |id| inner.iter().find(|o| o.id == id).map(|o| o.value.to_owned());
    Some((get(0), get(1)))
}

pub(super) const TEMPLATE: TemplateScheme = TemplateScheme {
    scheme: Scheme::Vietqr,
    claims: |_, guid| guid_starts_with(guid, NAPAS) || guid_starts_with(guid, VNPAY),
    account_id: |node| match beneficiary(node) {
        Some((_, account)) => account,
        None => node.sub(1).map(str::to_owned),
    },
    check: |r| {
        if r.node.sub(0).is_some_and(|g| guid_starts_with(g, NAPAS)) {
            let bank_bin = beneficiary(r.node).and_then(|(bin, _)| bin);
            r.code.details = SchemeDetails::Vietqr { bank_bin, service: r.node.sub(2).map(str::to_owned) };
        }
        r.expect_home(Currency::VND, "VN");
        Ok(())
    },
};
