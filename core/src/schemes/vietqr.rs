//! VietQR (NAPAS, tag 38 GUID `A000000727`: 01 = {00 bank BIN, 01 account or card number},
//! 02 service code `QRIBFTTA` account / `QRIBFTTC` card) and VNPAY-QR (GUID `A000000775`: 01
//! merchant id). VietQR codes carry no name, city or category code; the BIN names the bank.
//!
//! VNPAY's personal wallet QR is a private layout that only looks like EMVCo (point of initiation
//! `10`, wallet fields in root IDs 02–11 such as 04 = `VNPayWallet`): refused as unsupported.

use crate::schemes::rules::{
    CodeError, Currency, Node, Omits, Scheme, SchemeDetails, SchemeRules, Table, TemplateRules, guid_starts_with,
    tlv,
};

const NAPAS: &str = "A000000727";
const VNPAY: &str = "A000000775";

/// The NAPAS beneficiary template (38/01): (BIN, account). Not TLV is malformed.
fn beneficiary(node: &Node<'_>) -> Result<(Option<String>, Option<String>), CodeError> {
    let Some(inner) = node.sub(1) else { return Ok((None, None)) };
    let inner = tlv::parse(inner)
        .map_err(|e| CodeError::malformed(format!("VietQR beneficiary (38/01) is not TLV: {e}")))?;
    let get = |id| inner.iter().find(|o| o.id == id).map(|o| o.value.to_owned()).filter(|v| !v.is_empty());
    Ok((get(0), get(1)))
}

fn is_napas(node: &Node<'_>) -> bool {
    node.sub(0).is_some_and(|g| guid_starts_with(g, NAPAS))
}

pub(super) const RULES: SchemeRules = SchemeRules {
    template: Some(TemplateRules {
        claims: |c| guid_starts_with(c.guid, NAPAS) || guid_starts_with(c.guid, VNPAY),
        account_id: |node| match is_napas(node) {
            true => beneficiary(node).ok().and_then(|(_, account)| account),
            false => node.sub(1).map(str::to_owned),
        },
        bank: |node| {
            let bin = beneficiary(node).ok().and_then(|(bin, _)| bin).filter(|_| is_napas(node))?;
            Some(Table::VietqrBin.bank(&bin))
        },
        check: |r| {
            if is_napas(r.node) {
                let (bank_bin, account) = beneficiary(r.node)?;
                if bank_bin.is_none() || account.is_none() {
                    return Err(CodeError::missing("VietQR beneficiary (38/01) needs a bank BIN (00) and an account (01)"));
                }
                r.code.details = SchemeDetails::Vietqr { bank_bin, service: r.node.sub(2).map(str::to_owned) };
            }
            Ok(())
        },
        omits: Omits { mcc: true, name: true, city: true },
        home: Some((Currency::VND, "VN")),
        ..TemplateRules::BASE
    }),
    ..SchemeRules::new(Scheme::Vietqr)
};
