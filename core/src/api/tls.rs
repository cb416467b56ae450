//! TLS the way a payment app wants it: the wallet trusts only the roots it is configured with (the
//! backend's CA, as PEM) and, optionally, pins the SubjectPublicKeyInfo of a certificate in the chain;
//! verification is rustls/webpki in the core, so no platform verifier (which on Android needs a JNI
//! `Context`, on iOS Security.framework) is ever involved. The client is built from [`client_config`].
//!
//! The crypto is ring, trimmed to what talking to a wallet backend needs:
//! TLS 1.3 and 1.2 with AES-GCM (every phone CPU of the last decade has AES instructions), ECDHE over
//! P-256/P-384 (the curves the device keys already use), and server certificates signed with ECDSA or RSA.
//! ChaCha20, X25519 and Ed25519 are left out, and the wallet never presents a client certificate (its
//! requests are signed by the device key), so no TLS private key is ever loaded — about 0.1 MiB less
//! in the shipped library than ring's default provider.

use std::sync::{Arc, Once};

use base64::Engine as _;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::ring::{cipher_suite as suite, kx_group};
use rustls::crypto::{CryptoProvider, GetRandomFailed, KeyProvider, SecureRandom, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme, pki_types::PrivateKeyDer, sign::SigningKey,
};
use webpki::ring as alg;

use crate::error::ErrorCode;

/// Whom the wallet trusts: the backend's CA certificates and, optionally, SPKI pins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsTrust {
    roots: Vec<CertificateDer<'static>>,
    pins: Vec<[u8; 32]>,
}

/// Why a trust configuration was refused (`invalid_config`), for a human.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsConfigError(pub String);

impl std::fmt::Display for TlsConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl crate::error::Coded for TlsConfigError {
    fn code(&self) -> ErrorCode {
        ErrorCode::InvalidConfig
    }
}

impl TlsTrust {
    /// The CA certificates in `pem` (one or more `BEGIN CERTIFICATE` blocks).
    pub fn from_pem(pem: &str) -> Result<TlsTrust, TlsConfigError> {
        let roots = CertificateDer::pem_slice_iter(pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| TlsConfigError(format!("CA PEM: {e:?}")))?;
        if roots.is_empty() {
            return Err(TlsConfigError("CA PEM holds no certificate".into()));
        }
        root_store(&roots)?;
        Ok(TlsTrust { roots, pins: Vec::new() })
    }

    /// Also requires a certificate of the chain to have one of these public keys: Base64 of the
    /// SHA-256 of its SubjectPublicKeyInfo DER (the `pin-sha256` of RFC 7469).
    pub fn with_pins(mut self, pins: &[String]) -> Result<TlsTrust, TlsConfigError> {
        for pin in pins {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(pin.trim())
                .map_err(|_| TlsConfigError(format!("pin {pin:?} is not Base64")))?;
            let pin: [u8; 32] =
                bytes.try_into().map_err(|_| TlsConfigError(format!("pin {pin:?} is not a SHA-256 digest")))?;
            self.pins.push(pin);
        }
        Ok(self)
    }
}

/// The pin of a certificate: SHA-256 of its SubjectPublicKeyInfo, Base64 (what [`TlsTrust::with_pins`] takes).
pub fn spki_pin(cert_der: &[u8]) -> Option<String> {
    let digest = spki_sha256(&CertificateDer::from(cert_der.to_vec()))?;
    Some(base64::engine::general_purpose::STANDARD.encode(digest.as_ref()))
}

/// SHA-256 of a certificate's SubjectPublicKeyInfo, or `None` when it does not parse.
fn spki_sha256(cert: &CertificateDer<'_>) -> Option<ring::digest::Digest> {
    let cert = webpki::EndEntityCert::try_from(cert).ok()?;
    Some(ring::digest::digest(&ring::digest::SHA256, cert.subject_public_key_info().as_ref()))
}

/// The root store of `roots`, refusing a certificate webpki cannot use as a trust anchor.
fn root_store(roots: &[CertificateDer<'static>]) -> Result<RootCertStore, TlsConfigError> {
    let mut store = RootCertStore::empty();
    for root in roots {
        store.add(root.clone()).map_err(|e| TlsConfigError(format!("CA certificate: {e}")))?;
    }
    Ok(store)
}

/// The rustls client configuration for `trust` (none: a configuration that trusts nothing, for plain
/// http to an allowed loopback address).
pub fn client_config(trust: Option<&TlsTrust>) -> Result<rustls::ClientConfig, TlsConfigError> {
    let provider = Arc::new(provider());
    let store = root_store(trust.map(|t| t.roots.as_slice()).unwrap_or_default())?;
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsConfigError(format!("TLS versions: {e}")))?;
    let config = match trust {
        Some(t) => {
            let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider)
                .build()
                .map_err(|e| TlsConfigError(format!("verifier: {e}")))?;
            builder.dangerous().with_custom_certificate_verifier(Arc::new(Pinned { webpki, pins: t.pins.clone() }))
        }
        None => builder.with_root_certificates(store),
    };
    Ok(config.with_no_client_auth())
}

/// webpki's verification, then the pins.
#[derive(Debug)]
struct Pinned {
    webpki: Arc<WebPkiServerVerifier>,
    pins: Vec<[u8; 32]>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verified = self.webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)?;
        if self.pins.is_empty() {
            return Ok(verified);
        }
        let pinned = std::iter::once(end_entity)
            .chain(intermediates)
            .filter_map(spki_sha256)
            .any(|digest| self.pins.iter().any(|p| p[..] == *digest.as_ref()));
        if pinned {
            Ok(verified)
        } else {
            Err(rustls::Error::InvalidCertificate(CertificateError::ApplicationVerificationFailure))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

/// The code for a TLS failure somewhere in `error`'s chain: the certificate is not from a trusted CA,
/// has expired, is for another name, misses the pin; `None` when the failure is not TLS's.
pub fn refusal_code(error: &(dyn std::error::Error + 'static)) -> Option<ErrorCode> {
    let mut next = Some(error);
    while let Some(e) = next {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(match tls {
                rustls::Error::InvalidCertificate(c) => match c {
                    CertificateError::UnknownIssuer | CertificateError::BadSignature => ErrorCode::TlsUntrusted,
                    CertificateError::Expired | CertificateError::ExpiredContext { .. } => ErrorCode::TlsExpired,
                    CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                        ErrorCode::TlsNameMismatch
                    }
                    CertificateError::ApplicationVerificationFailure => ErrorCode::TlsPinMismatch,
                    _ => ErrorCode::TlsUntrusted,
                },
                _ => ErrorCode::TlsFailed,
            });
        }
        // An io::Error's source() skips the error it wraps, which is where rustls puts its own.
        next = match e.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            Some(wrapped) => Some(wrapped as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    None
}

/// crossqr's crypto provider.
pub fn provider() -> CryptoProvider {
    CryptoProvider {
        cipher_suites: vec![
            suite::TLS13_AES_128_GCM_SHA256,
            suite::TLS13_AES_256_GCM_SHA384,
            suite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            suite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            suite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            suite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        ],
        kx_groups: vec![kx_group::SECP256R1, kx_group::SECP384R1],
        signature_verification_algorithms: SIGNATURE_ALGORITHMS,
        secure_random: &SystemRandom,
        key_provider: &NoClientKeys,
    }
}

/// Installs [`provider`] as the process default, once, unless the host app already installed one.
/// The wallet does not need it (its client carries its own configuration); tools that build their own
/// rustls clients in the same process may.
pub fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Another part of the host app may have installed one already; either is fine.
        let _ = provider().install_default();
    });
}

static SIGNATURE_ALGORITHMS: WebPkiSupportedAlgorithms = WebPkiSupportedAlgorithms {
    all: &[
        alg::ECDSA_P256_SHA256,
        alg::ECDSA_P256_SHA384,
        alg::ECDSA_P384_SHA256,
        alg::ECDSA_P384_SHA384,
        alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
        alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
        alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
        alg::RSA_PKCS1_2048_8192_SHA256,
        alg::RSA_PKCS1_2048_8192_SHA384,
        alg::RSA_PKCS1_2048_8192_SHA512,
        alg::RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
        alg::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
        alg::RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
    ],
    mapping: &[
        // For TLS 1.2 the curve is not fixed by the signature scheme; for TLS 1.3 it is.
        (SignatureScheme::ECDSA_NISTP384_SHA384, &[alg::ECDSA_P384_SHA384, alg::ECDSA_P256_SHA384]),
        (SignatureScheme::ECDSA_NISTP256_SHA256, &[alg::ECDSA_P256_SHA256, alg::ECDSA_P384_SHA256]),
        (SignatureScheme::RSA_PSS_SHA512, &[alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY]),
        (SignatureScheme::RSA_PSS_SHA384, &[alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY]),
        (SignatureScheme::RSA_PSS_SHA256, &[alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY]),
        (SignatureScheme::RSA_PKCS1_SHA512, &[alg::RSA_PKCS1_2048_8192_SHA512]),
        (SignatureScheme::RSA_PKCS1_SHA384, &[alg::RSA_PKCS1_2048_8192_SHA384]),
        (SignatureScheme::RSA_PKCS1_SHA256, &[alg::RSA_PKCS1_2048_8192_SHA256]),
    ],
};

#[derive(Debug)]
struct SystemRandom;

impl SecureRandom for SystemRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), GetRandomFailed> {
        use ring::rand::SecureRandom as _;
        ring::rand::SystemRandom::new().fill(buf).map_err(|_| GetRandomFailed)
    }
}

#[derive(Debug)]
struct NoClientKeys;

impl KeyProvider for NoClientKeys {
    fn load_private_key(&self, _key: PrivateKeyDer<'static>) -> Result<Arc<dyn SigningKey>, rustls::Error> {
        Err(rustls::Error::General("crossqr does not use TLS client certificates".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_is_consistent_and_offers_no_client_keys() {
        let provider = provider();
        // rustls checks that the suites, groups and algorithms fit together when a config is built.
        rustls::ClientConfig::builder_with_provider(Arc::new(provider.clone()))
            .with_safe_default_protocol_versions()
            .expect("TLS 1.2 and 1.3 both available");
        assert!(provider.cipher_suites.iter().all(|s| !format!("{s:?}").contains("CHACHA")));
        assert!(provider.key_provider.load_private_key(PrivateKeyDer::Pkcs8(vec![0u8; 8].into())).is_err());
    }
}
