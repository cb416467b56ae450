//! The payment authorisation: the device's signature over what the payer approved, made once when the
//! payer confirms — by a key that may need the user (a biometric prompt) — and sent unchanged with
//! every attempt and every recovery of that payment. Requests themselves are signed per attempt by the
//! device's request key, which never needs the user.
//!
//! ```text
//! crossqr-payment-authorization-v1
//! payment_id=<32 hex>
//! device_id=<32 hex>
//! quote_id=<id>
//! payload_sha256=<64 hex>
//! order_id=<id, or empty>
//! debit=<CUR> <value as sent>
//! credit=<CUR> <value as sent>
//! ```

/// What the payer approved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Approval<'a> {
    /// The payment id.
    pub payment_id: &'a str,
    /// The device (request key) that sends it.
    pub device_id: &'a str,
    /// The quote paid.
    pub quote_id: &'a str,
    /// Lowercase hex SHA-256 of the scanned payload.
    pub payload_sha256: &'a str,
    /// The resolved order, if any.
    pub order_id: Option<&'a str>,
    /// Debit currency and value, as sent.
    pub debit: (&'a str, &'a str),
    /// Credit currency and value, as sent.
    pub credit: (&'a str, &'a str),
}

impl Approval<'_> {
    /// The bytes the authorisation signs.
    pub fn string(&self) -> Vec<u8> {
        format!(
            "crossqr-payment-authorization-v1\npayment_id={}\ndevice_id={}\nquote_id={}\npayload_sha256={}\norder_id={}\ndebit={} {}\ncredit={} {}",
            self.payment_id,
            self.device_id,
            self.quote_id,
            self.payload_sha256,
            self.order_id.unwrap_or_default(),
            self.debit.0,
            self.debit.1,
            self.credit.0,
            self.credit.1
        )
        .into_bytes()
    }
}
