//! The one registry of schemes: every scheme crossqr reads, **most preferred first**. This list is
//! the only place the preference order is written: the primary account of a code carrying several
//! is the one whose scheme comes first here (a Bakong wallet's order: KHQR, JPQR, then the networks
//! it is linked to, then the ASEAN and Indian schemes), then card networks, then unknown templates.
//!
//! Adding a scheme: its own file (a [`SchemeRules`] named `RULES`, depending on `rules.rs` only) and
//! one line here.

use super::code::Scheme;
use super::rules::SchemeRules;

macro_rules! registry {
    ($($(#[$attr:meta])* $vis:vis $module:ident,)*) => {
        $($(#[$attr])* $vis mod $module;)*

        /// Every scheme's rules, most preferred first.
        pub(super) const SCHEMES: &[&SchemeRules] = &[$(&$module::RULES,)*];
    };
}

registry! {
    #[path = "khqr/mod.rs"] pub khqr,
    #[path = "jpqr.rs"] jpqr,
    #[path = "alipay_plus.rs"] alipay_plus,
    #[path = "weixin.rs"] weixin,
    #[path = "promptpay.rs"] promptpay,
    #[path = "vietqr.rs"] vietqr,
    #[path = "lao_qr.rs"] lao_qr,
    #[path = "duitnow.rs"] duitnow,
    #[path = "paynow.rs"] paynow,
    #[path = "sgqr.rs"] sgqr,
    #[path = "qris.rs"] qris,
    #[path = "bharatqr.rs"] bharatqr,
    #[path = "upi.rs"] upi,
    #[path = "unionpay.rs"] unionpay,
}

/// Card networks, after every scheme: a QR wallet reports them but does not pay through them.
const CARD_NETWORKS: [Scheme; 5] = [Scheme::Visa, Scheme::Mastercard, Scheme::Discover, Scheme::Amex, Scheme::Jcb];

impl Scheme {
    /// Rank in the wallet's preference (the registry's order, then card networks, then [`Scheme::Emvco`]):
    /// lower is preferred as the primary account.
    pub fn preference(self) -> usize {
        SCHEMES
            .iter()
            .position(|r| r.scheme == self)
            .or_else(|| CARD_NETWORKS.iter().position(|s| *s == self).map(|i| SCHEMES.len() + i))
            .unwrap_or(SCHEMES.len() + CARD_NETWORKS.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scheme_has_one_place_in_the_order() {
        let mut ranks: Vec<usize> = Scheme::ALL.iter().map(|s| s.preference()).collect();
        ranks.sort_unstable();
        assert_eq!(ranks, (0..Scheme::ALL.len()).collect::<Vec<_>>(), "each scheme ranked once");
        assert!(SCHEMES.iter().all(|r| !r.scheme.is_card_network() && r.scheme != Scheme::Emvco));
        assert!(Scheme::AlipayPlus.preference() < Scheme::Sgqr.preference());
        assert!(Scheme::Paynow.preference() < Scheme::Sgqr.preference());
        assert!(Scheme::Unionpay.preference() < Scheme::Visa.preference());
        assert_eq!(Scheme::Emvco.preference(), Scheme::ALL.len() - 1);
    }
}
