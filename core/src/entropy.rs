//! Randomness as an input: the [`Entropy`] trait behind payment ids, quote ids and retry jitter, so
//! a simulation can replay a run from its seed. Cryptographic nonces (ECDSA) stay inside ring.

use std::sync::Mutex;

/// A source of random bytes.
pub trait Entropy: Send + Sync {
    /// Fills `bytes`. A source that cannot (the system's failed) returns false.
    fn fill(&self, bytes: &mut [u8]) -> bool;
}

/// The operating system's secure random source (through ring).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemEntropy;

impl Entropy for SystemEntropy {
    fn fill(&self, bytes: &mut [u8]) -> bool {
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), bytes).is_ok()
    }
}

/// A deterministic source for tests and simulations (SplitMix64). Not for production ids.
#[derive(Debug)]
pub struct SeededEntropy(Mutex<u64>);

impl SeededEntropy {
    /// A source that always yields the same bytes for `seed`.
    pub fn new(seed: u64) -> SeededEntropy {
        SeededEntropy(Mutex::new(seed))
    }

    /// The next 64 random bits.
    pub fn next_u64(&self) -> u64 {
        let mut state = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl Entropy for SeededEntropy {
    fn fill(&self, bytes: &mut [u8]) -> bool {
        for chunk in bytes.chunks_mut(8) {
            let word = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        true
    }
}

/// 16 random bytes as 32 lowercase hex digits (payment and quote ids), or `None` without randomness.
pub fn random_id(entropy: &dyn Entropy) -> Option<String> {
    let mut bytes = [0u8; 16];
    entropy.fill(&mut bytes).then(|| crate::sign::hex(&bytes))
}

/// True for an id [`random_id`] makes: 32 lowercase hex digits (payment, quote and device ids).
pub fn is_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A uniform fraction in [0, 1], or one half without randomness.
pub fn unit_fraction(entropy: &dyn Entropy) -> f64 {
    let mut bytes = [0u8; 4];
    if entropy.fill(&mut bytes) { f64::from(u32::from_le_bytes(bytes)) / f64::from(u32::MAX) } else { 0.5 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_entropy_repeats_and_ids_are_hex() {
        let (a, b) = (SeededEntropy::new(7), SeededEntropy::new(7));
        let ids = |e: &SeededEntropy| (0..3).map(|_| random_id(e).unwrap()).collect::<Vec<_>>();
        let first = ids(&a);
        assert_eq!(first, ids(&b), "the same seed gives the same ids");
        assert_ne!(first[0], first[1]);
        assert!(first.iter().all(|id| id.len() == 32 && id.bytes().all(|c| c.is_ascii_hexdigit())));
        assert_ne!(random_id(&SystemEntropy).unwrap(), random_id(&SystemEntropy).unwrap());
        let f = unit_fraction(&a);
        assert!((0.0..=1.0).contains(&f));
    }
}
