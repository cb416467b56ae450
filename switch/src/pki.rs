//! Test certificates: a fresh CA and a server certificate it issues, for the sandbox (`serve
//! --tls-self-signed`), the demo (`crossqr demo --tls`) and tests (an expired certificate, a
//! certificate for another name, another CA). Never for production.

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use time::OffsetDateTime;

/// A CA and one server certificate, PEM.
#[derive(Debug, Clone)]
pub struct TestPki {
    /// The CA certificate a wallet trusts.
    pub ca_pem: String,
    /// The server's certificate.
    pub cert_pem: String,
    /// The server's private key (PKCS#8).
    pub key_pem: String,
}

/// What the server certificate says.
#[derive(Debug, Clone)]
pub struct ServerCert {
    /// DNS names and IP addresses it is for.
    pub names: Vec<String>,
    /// Valid from, seconds since the epoch.
    pub not_before_s: i64,
    /// Valid until, seconds since the epoch.
    pub not_after_s: i64,
}

impl ServerCert {
    /// For `localhost` and 127.0.0.1, valid from a day ago for a year after `now_s`.
    pub fn loopback(now_s: i64) -> ServerCert {
        ServerCert {
            names: vec!["localhost".into(), "127.0.0.1".into()],
            not_before_s: now_s - 86_400,
            not_after_s: now_s + 365 * 86_400,
        }
    }
}

fn time(s: i64) -> Result<OffsetDateTime, String> {
    OffsetDateTime::from_unix_timestamp(s).map_err(|e| e.to_string())
}

impl TestPki {
    /// A new CA named `ca_name` and a certificate for `server`.
    pub fn generate(ca_name: &str, server: &ServerCert) -> Result<TestPki, String> {
        let ca_key = KeyPair::generate().map_err(|e| e.to_string())?;
        let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(|e| e.to_string())?;
        ca.distinguished_name.push(DnType::CommonName, ca_name);
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        ca.not_before = time(server.not_before_s - 86_400)?;
        ca.not_after = time(server.not_after_s + 86_400)?;
        let ca_cert = ca.self_signed(&ca_key).map_err(|e| e.to_string())?;

        let key = KeyPair::generate().map_err(|e| e.to_string())?;
        let mut params = CertificateParams::new(server.names.clone()).map_err(|e| e.to_string())?;
        params.distinguished_name.push(DnType::CommonName, server.names.first().cloned().unwrap_or_default());
        params.not_before = time(server.not_before_s)?;
        params.not_after = time(server.not_after_s)?;
        let issuer = Issuer::new(ca, ca_key);
        let cert = params.signed_by(&key, &issuer).map_err(|e| e.to_string())?;
        Ok(TestPki { ca_pem: ca_cert.pem(), cert_pem: cert.pem(), key_pem: key.serialize_pem() })
    }
}
