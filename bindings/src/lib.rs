//! crossqr for Kotlin and Swift: the core's parse, generate, scan, money display and payment flow
//! behind one small UniFFI surface. No logic lives here — only the FFI's view of the core's types.
//!
//! - one error type, [`CrossqrError`], with the failure's kind, its stable code and the human reason;
//! - `Decimal` crosses as its exact string (`BigDecimal` in Kotlin, `Decimal` in Swift);
//! - records and enums carry the core's names, mirrored with `#[uniffi::remote]` where the core's type
//!   is already FFI-shaped;
//! - long-lived things are objects ([`wallet::Wallet`], [`wallet::PaymentSession`]) whose work runs on
//!   the wallet's own runtime; a host key store signs through the async foreign trait [`wallet::Signer`].

#![warn(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

uniffi::setup_scaffolding!();

mod code;
mod error;
mod money;
mod scan;
mod wallet;

pub use code::*;
pub use error::CrossqrError;
pub use money::*;
pub use scan::*;
pub use wallet::*;

use crossqr_core::ErrorCode;

/// An exact decimal as the host writes it — `java.math.BigDecimal`, `Foundation.Decimal` — carried as
/// its string. Taking it never fails; the core then reads it by its rules, so a number it cannot hold
/// (`1E+30`, more than 28 digits) is `invalid_amount`, never a crash in the binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal(pub String);

uniffi::custom_type!(Decimal, String, {
    lower: |d| d.0,
    try_lift: |s| Ok(Decimal(s)),
});

impl From<crossqr_core::money::Decimal> for Decimal {
    fn from(d: crossqr_core::money::Decimal) -> Self {
        Decimal(d.to_string())
    }
}

impl Decimal {
    /// The exact value, or `invalid_amount`.
    pub(crate) fn exact(&self) -> Result<crossqr_core::money::Decimal, CrossqrError> {
        crossqr_core::money::Decimal::from_str_exact(self.0.trim()).map_err(|e| {
            CrossqrError::new(ErrorCode::InvalidAmount, format!("{:?} is not an exact decimal: {e}", self.0))
        })
    }
}
