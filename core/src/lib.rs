//! crossqr-core: everything a wallet needs to pay a merchant-presented QR code across borders.
//!
//! - [`emv`]: the EMVCo merchant-presented TLV codec and CRC, without scheme knowledge.
//! - [`schemes`]: recognising KHQR, JPQR, Alipay+, Weixin Pay, the ASEAN schemes, UPI and others into a
//!   typed [`schemes::PaymentCode`]; generating KHQR.
//! - [`money`]: ISO 4217 currencies and exact decimal amounts.
//! - [`error`]: stable machine-readable error codes.

pub mod api;
pub mod clock;
pub mod emv;
pub mod error;
pub mod flow;
pub mod money;
pub mod scan;
pub mod schemes;
pub mod sign;

pub use error::{CodeError, CodeErrorKind, ErrorCode, Warning};
pub use schemes::{PaymentCode, Scheme, parse, parse_at};
