//! The canonical signed message and the `Signature` header, for requests and responses alike:
//!
//! ```text
//! METHOD + " " + PATH_AND_QUERY + "\n" + CLIENT_ID + "." + TIME_MS + "." + BODY
//! Signature: algorithm=ECDSA-P256-SHA256,keyVersion=1,signature=<base64url(DER)>
//! ```
//!
//! Modelled on Alipay+ (which uses RSA-SHA256 and URL-encoded Base64): the method and path bind the
//! signature to the endpoint, the client id and time to the device and the moment, the body to the
//! content. A response is signed the same way with the response time, echoing the request's client id.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::{PublicKey, SignError, SignErrorKind, Signer};

/// Request header carrying the device id.
pub const CLIENT_ID: &str = "Client-Id";
/// Request header carrying the signing time, epoch milliseconds.
pub const REQUEST_TIME: &str = "Request-Time";
/// Response header carrying the signing time, epoch milliseconds.
pub const RESPONSE_TIME: &str = "Response-Time";
/// The signature header, on requests and responses.
pub const SIGNATURE: &str = "Signature";
/// The only algorithm.
pub const ALGORITHM: &str = "ECDSA-P256-SHA256";
/// Client id echoed on responses to requests that had none.
pub const NO_CLIENT: &str = "-";

/// The bytes that are signed.
pub fn signing_string(method: &str, path_and_query: &str, client_id: &str, time_ms: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!("{method} {path_and_query}\n{client_id}.{time_ms}.").into_bytes();
    out.extend_from_slice(body);
    out
}

/// Signs and returns the `Signature` header value.
pub fn sign(
    signer: &dyn Signer,
    method: &str,
    path_and_query: &str,
    client_id: &str,
    time_ms: &str,
    body: &[u8],
) -> Result<String, SignError> {
    let der = signer.sign(&signing_string(method, path_and_query, client_id, time_ms, body))?;
    Ok(format!("algorithm={ALGORITHM},keyVersion=1,signature={}", URL_SAFE_NO_PAD.encode(der)))
}

/// Verifies a `Signature` header (fails closed: a missing header is an error).
pub fn verify(
    key: &PublicKey,
    method: &str,
    path_and_query: &str,
    client_id: &str,
    time_ms: &str,
    body: &[u8],
    header: Option<&str>,
) -> Result<(), SignError> {
    let header = header.ok_or_else(|| SignError::new(SignErrorKind::MissingSignature, "no Signature header"))?;
    key.verify(&signing_string(method, path_and_query, client_id, time_ms, body), &parse_header(header)?)
}

/// The DER signature in a `Signature` header.
pub fn parse_header(header: &str) -> Result<Vec<u8>, SignError> {
    let malformed = |why: &str| SignError::new(SignErrorKind::MalformedSignature, format!("Signature header {why}"));
    let mut algorithm = None;
    let mut signature = None;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("algorithm", v)) => algorithm = Some(v),
            Some(("keyVersion", _)) => {}
            Some(("signature", v)) => signature = Some(v),
            _ => return Err(malformed("has an unknown part")),
        }
    }
    if algorithm != Some(ALGORITHM) {
        return Err(malformed(&format!("must use algorithm={ALGORITHM}")));
    }
    URL_SAFE_NO_PAD
        .decode(signature.ok_or_else(|| malformed("has no signature"))?)
        .map_err(|_| malformed("is not base64url"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::DeviceKey;

    #[test]
    fn signs_and_verifies_the_canonical_string() {
        assert_eq!(
            signing_string("POST", "/v1/quotes", "abc", "1700000000000", b"{}"),
            b"POST /v1/quotes\nabc.1700000000000.{}"
        );
        let key = DeviceKey::generate().unwrap();
        let header = sign(&key, "POST", "/v1/payments", "dev", "1700000000000", b"{\"a\":1}").unwrap();
        assert!(header.starts_with("algorithm=ECDSA-P256-SHA256,keyVersion=1,signature="));
        let public = key.public_key();
        let check = |path: &str, time: &str, body: &[u8], h: Option<&str>| {
            verify(&public, "POST", path, "dev", time, body, h).map_err(|e| e.kind)
        };
        assert_eq!(check("/v1/payments", "1700000000000", b"{\"a\":1}", Some(&header)), Ok(()));
        assert_eq!(
            check("/v1/payments", "1700000000000", b"{\"a\":2}", Some(&header)),
            Err(SignErrorKind::BadSignature)
        );
        assert_eq!(check("/v1/quotes", "1700000000000", b"{\"a\":1}", Some(&header)), Err(SignErrorKind::BadSignature));
        assert_eq!(
            check("/v1/payments", "1700000000001", b"{\"a\":1}", Some(&header)),
            Err(SignErrorKind::BadSignature)
        );
        assert_eq!(check("/v1/payments", "1700000000000", b"{\"a\":1}", None), Err(SignErrorKind::MissingSignature));
        assert_eq!(
            check("/v1/payments", "1700000000000", b"", Some("algorithm=RSA256,keyVersion=1,signature=abc")),
            Err(SignErrorKind::MalformedSignature)
        );
        assert_eq!(check("/", "1", b"", Some("garbage")), Err(SignErrorKind::MalformedSignature));
    }
}
