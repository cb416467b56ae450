//! ECDSA P-256 / SHA-256 keys: generation, PKCS#8, SubjectPublicKeyInfo, signing and verification.

use std::future::Future;
use std::pin::Pin;

use ring::rand::SystemRandom;
use ring::signature::{
    ECDSA_P256_SHA256_ASN1, ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair, UnparsedPublicKey,
};

use super::SignError;
use crate::error::ErrorCode;

/// DER prefix of a P-256 SubjectPublicKeyInfo (id-ecPublicKey, prime256v1), before the 65-byte point.
const SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
    0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];
const POINT_LEN: usize = 65;

/// What [`Signer::sign`] returns: a signature, perhaps after the user was asked (a biometric prompt).
pub type SignFuture<'a> = Pin<Box<dyn Future<Output = Result<Vec<u8>, SignError>> + Send + 'a>>;

/// Something that holds a P-256 private key and signs with it: [`DeviceKey`] in software, or a host key
/// store (Android Keystore, Secure Enclave) through the FFI. Signing is asynchronous so a key that
/// needs the user (BiometricPrompt, `.userPresence`) can ask without blocking anything.
///
/// A host key store that fails returns a [`SignError`] with `signer_cancelled` (the user declined),
/// `signer_locked` (the user must authenticate first), `signer_unavailable` (the key is gone or
/// invalidated) or `signing_failed` (anything else); the code reaches the screen unchanged.
pub trait Signer: Send + Sync {
    /// The public key, SubjectPublicKeyInfo DER.
    fn public_key_spki(&self) -> Result<Vec<u8>, SignError>;
    /// ECDSA P-256 / SHA-256 over `message`, ASN.1 DER (what Keystore and the Secure Enclave produce).
    fn sign<'a>(&'a self, message: &'a [u8]) -> SignFuture<'a>;
}

/// A device key held in software.
pub struct DeviceKey {
    pair: EcdsaKeyPair,
    pkcs8: Vec<u8>,
}

impl std::fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceKey").field("public_key", &hex(self.pair.public_key().as_ref())).finish_non_exhaustive()
    }
}

impl DeviceKey {
    /// A fresh key from the system's random source.
    pub fn generate() -> Result<DeviceKey, SignError> {
        let rng = SystemRandom::new();
        let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng)
            .map_err(|_| SignError::new(ErrorCode::SigningFailed, "the system random source failed"))?;
        DeviceKey::from_pkcs8(doc.as_ref())
    }

    /// Imports a PKCS#8 (v1 or v2) P-256 private key.
    pub fn from_pkcs8(der: &[u8]) -> Result<DeviceKey, SignError> {
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, der, &SystemRandom::new())
            .map_err(|e| SignError::new(ErrorCode::InvalidKey, format!("not a P-256 PKCS#8 private key: {e}")))?;
        Ok(DeviceKey { pair, pkcs8: der.to_vec() })
    }

    /// The private key as PKCS#8 DER, for storage in the platform's key store.
    pub fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }

    /// The public half.
    pub fn public_key(&self) -> PublicKey {
        PublicKey { point: self.pair.public_key().as_ref().to_vec() }
    }
}

impl Signer for DeviceKey {
    fn public_key_spki(&self) -> Result<Vec<u8>, SignError> {
        Ok(self.public_key().spki())
    }

    fn sign<'a>(&'a self, message: &'a [u8]) -> SignFuture<'a> {
        Box::pin(std::future::ready(self.sign_der(message)))
    }
}

impl DeviceKey {
    /// Signs `message` now: ECDSA P-256 / SHA-256, low-s, ASN.1 DER.
    pub fn sign_der(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        let raw = self.sign_raw(message)?;
        super::low_s::normalize(&raw).ok_or_else(|| SignError::new(ErrorCode::SigningFailed, "ECDSA signing failed"))
    }

    /// ring's signature as it comes (s may be high).
    pub(crate) fn sign_raw(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        self.pair
            .sign(&SystemRandom::new(), message)
            .map(|s| s.as_ref().to_vec())
            .map_err(|_| SignError::new(ErrorCode::SigningFailed, "ECDSA signing failed"))
    }
}

/// A P-256 public key, for verifying.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PublicKey {
    point: Vec<u8>,
}

impl PublicKey {
    /// From SubjectPublicKeyInfo DER.
    pub fn from_spki(der: &[u8]) -> Result<PublicKey, SignError> {
        match der.strip_prefix(&SPKI_PREFIX[..]) {
            Some(point) if point.len() == POINT_LEN && point[0] == 0x04 => Ok(PublicKey { point: point.to_vec() }),
            _ => Err(SignError::new(ErrorCode::InvalidKey, "not a P-256 SubjectPublicKeyInfo")),
        }
    }

    /// From standard Base64 of SubjectPublicKeyInfo DER (how keys travel in JSON and configuration).
    pub fn from_spki_base64(text: &str) -> Result<PublicKey, SignError> {
        use base64::Engine as _;
        let der = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| SignError::new(ErrorCode::InvalidKey, "public key is not Base64"))?;
        PublicKey::from_spki(&der)
    }

    /// SubjectPublicKeyInfo DER.
    pub fn spki(&self) -> Vec<u8> {
        [&SPKI_PREFIX[..], &self.point].concat()
    }

    /// Standard Base64 of [`PublicKey::spki`].
    pub fn spki_base64(&self) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(self.spki())
    }

    /// Checks a low-s ASN.1 DER ECDSA P-256 / SHA-256 signature over `message` (a high-s twin is
    /// refused: see [`super::low_s`]).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), SignError> {
        if !super::low_s::is_low_s(signature) {
            return Err(SignError::new(ErrorCode::BadSignature, "signature is not low-s minimal DER"));
        }
        self.verify_any_s(message, signature)
    }

    pub(crate) fn verify_any_s(&self, message: &[u8], signature: &[u8]) -> Result<(), SignError> {
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, &self.point)
            .verify(message, signature)
            .map_err(|_| SignError::new(ErrorCode::BadSignature, "signature does not verify"))
    }
}

/// The device id a backend knows a key by: lowercase hex of the first 16 bytes of SHA-256 over the
/// SubjectPublicKeyInfo DER.
pub fn device_id(spki: &[u8]) -> String {
    hex(&ring::digest::digest(&ring::digest::SHA256, spki).as_ref()[..16])
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_verifies_and_round_trips_pkcs8() {
        let key = DeviceKey::generate().unwrap();
        let sig = key.sign_der(b"pay 1200 JPY").unwrap();
        let public = PublicKey::from_spki(&key.public_key_spki().unwrap()).unwrap();
        assert!(public.verify(b"pay 1200 JPY", &sig).is_ok());
        assert_eq!(public.verify(b"pay 1201 JPY", &sig).unwrap_err().code, ErrorCode::BadSignature);
        let again = DeviceKey::from_pkcs8(key.pkcs8()).unwrap();
        assert_eq!(again.public_key(), key.public_key());
        assert!(public.verify(b"x", &again.sign_der(b"x").unwrap()).is_ok());
        assert_eq!(PublicKey::from_spki_base64(&public.spki_base64()).unwrap(), public);
        let id = device_id(&public.spki());
        assert_eq!(id.len(), 32);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    }

    #[test]
    fn refuses_bad_keys() {
        assert_eq!(DeviceKey::from_pkcs8(b"not a key").unwrap_err().code, ErrorCode::InvalidKey);
        assert!(PublicKey::from_spki(&[0u8; 91]).is_err());
        assert!(PublicKey::from_spki_base64("!!").is_err());
        let mut spki = DeviceKey::generate().unwrap().public_key().spki();
        spki[26] = 0x02;
        assert!(PublicKey::from_spki(&spki).is_err(), "compressed points are not accepted");
    }
}
