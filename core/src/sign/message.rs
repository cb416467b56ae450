//! The canonical signed strings and the `Signature` header, for requests and responses:
//!
//! ```text
//! request  = METHOD " " PATH_AND_QUERY "\n" CLIENT_ID "." REQUEST_TIME "." BODY
//! response = STATUS " " METHOD " " PATH_AND_QUERY "\n" CLIENT_ID "." RESPONSE_TIME "." REQUEST_DIGEST "." BODY
//! Signature: algorithm=ECDSA-P256-SHA256,keyVersion=1,signature=<base64url(DER), low-s>
//! ```
//!
//! Modelled on Alipay+ (which uses RSA-SHA256 and URL-encoded Base64): the method and path bind a
//! request's signature to the endpoint, the client id and time to the device and the moment, the body
//! to the content. A response is bound to its request as well: it signs the HTTP status and
//! `REQUEST_DIGEST`, the lowercase hex SHA-256 of the request string exactly as received, so a signed
//! answer to one request cannot be replayed as the answer to another, and a refusal cannot be passed
//! off as a success. `CLIENT_ID` in a response is the authenticated device, or `-` when the request
//! was not authenticated (an authentication refusal speaks for no device).
//!
//! The header is parsed strictly: exactly those three parameters, in that order, no spaces,
//! `keyVersion=1`; signatures are minimal DER with a low `s` (see [`super::low_s`]).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::{DeviceKey, PublicKey, SignError, Signer, low_s};
use crate::error::ErrorCode;

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
/// The client id of a response to a request that was not authenticated.
pub const NO_CLIENT: &str = "-";

const HEADER_PREFIX: &str = "algorithm=ECDSA-P256-SHA256,keyVersion=1,signature=";

/// The bytes a request signs.
pub fn request_string(method: &str, path_and_query: &str, client_id: &str, time_ms: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!("{method} {path_and_query}\n{client_id}.{time_ms}.").into_bytes();
    out.extend_from_slice(body);
    out
}

/// Lowercase hex SHA-256 of a request string: what a response signs to name its request.
pub fn request_digest(request_string: &[u8]) -> String {
    super::hex(ring::digest::digest(&ring::digest::SHA256, request_string).as_ref())
}

/// The bytes a response signs: its status, its request (method, path, the digest of the request
/// string) and its own client id, time and body.
pub fn response_string(
    status: u16,
    method: &str,
    path_and_query: &str,
    client_id: &str,
    time_ms: &str,
    request_string: &[u8],
    body: &[u8],
) -> Vec<u8> {
    let digest = request_digest(request_string);
    let mut out = format!("{status} {method} {path_and_query}\n{client_id}.{time_ms}.{digest}.").into_bytes();
    out.extend_from_slice(body);
    out
}

/// Signs `string` with `signer` (which may ask the user) and returns the `Signature` header value.
pub async fn sign(signer: &dyn Signer, string: &[u8]) -> Result<String, SignError> {
    header(&signer.sign(string).await?)
}

/// Signs `string` with a software key, now.
pub fn sign_with(key: &DeviceKey, string: &[u8]) -> Result<String, SignError> {
    header(&key.sign_raw(string)?) // `header` makes it low-s
}

/// The `Signature` header value for a DER signature (made low-s, whatever the signer produced).
pub fn header(der: &[u8]) -> Result<String, SignError> {
    Ok(format!("{HEADER_PREFIX}{}", signature_value(der)?))
}

/// A DER signature as it travels: low-s (whatever the signer produced), unpadded base64url.
pub fn signature_value(der: &[u8]) -> Result<String, SignError> {
    let der = low_s::normalize(der).ok_or_else(|| {
        SignError::new(ErrorCode::SigningFailed, "the key store returned something that is not a DER ECDSA signature")
    })?;
    Ok(URL_SAFE_NO_PAD.encode(der))
}

/// Verifies a signature value (as [`signature_value`] writes it) over `string`.
pub fn verify_value(key: &PublicKey, string: &[u8], value: &str) -> Result<(), SignError> {
    let der = URL_SAFE_NO_PAD
        .decode(value)
        .map_err(|_| SignError::new(ErrorCode::MalformedSignature, "signature is not unpadded base64url"))?;
    key.verify(string, &der)
}

/// Verifies a `Signature` header over `string` (fails closed: a missing header is an error).
pub fn verify(key: &PublicKey, string: &[u8], header: Option<&str>) -> Result<(), SignError> {
    let header = header.ok_or_else(|| SignError::new(ErrorCode::MissingSignature, "no Signature header"))?;
    key.verify(string, &parse_header(header)?)
}

/// The DER signature in a `Signature` header, read strictly.
pub fn parse_header(header: &str) -> Result<Vec<u8>, SignError> {
    let malformed = |why: &str| SignError::new(ErrorCode::MalformedSignature, format!("Signature header {why}"));
    let encoded = header
        .strip_prefix(HEADER_PREFIX)
        .ok_or_else(|| malformed(&format!("must start {HEADER_PREFIX:?} (no spaces, keyVersion 1)")))?;
    if encoded.is_empty() || !encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(malformed("signature is not unpadded base64url"));
    }
    URL_SAFE_NO_PAD.decode(encoded).map_err(|_| malformed("signature is not base64url"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_verifies_the_canonical_strings() {
        assert_eq!(
            request_string("POST", "/v1/quotes", "abc", "1700000000000", b"{}"),
            b"POST /v1/quotes\nabc.1700000000000.{}"
        );
        let request = request_string("GET", "/v1/rates", "dev", "1", b"");
        let response = response_string(200, "GET", "/v1/rates", "dev", "2", &request, b"{}");
        assert_eq!(
            String::from_utf8(response).unwrap(),
            format!("200 GET /v1/rates\ndev.2.{}.{{}}", request_digest(&request))
        );
        assert_eq!(request_digest(b"").len(), 64);

        let key = DeviceKey::generate().unwrap();
        let string = request_string("POST", "/v1/payments", "dev", "1700000000000", b"{\"a\":1}");
        let header = sign_with(&key, &string).unwrap();
        assert!(header.starts_with(HEADER_PREFIX));
        let public = key.public_key();
        let check = |s: &[u8], h: Option<&str>| verify(&public, s, h).map_err(|e| e.code);
        assert_eq!(check(&string, Some(&header)), Ok(()));
        let other = request_string("POST", "/v1/payments", "dev", "1700000000000", b"{\"a\":2}");
        assert_eq!(check(&other, Some(&header)), Err(ErrorCode::BadSignature));
        assert_eq!(check(&string, None), Err(ErrorCode::MissingSignature));
    }

    #[test]
    fn the_header_is_read_strictly() {
        let key = DeviceKey::generate().unwrap();
        let string = request_string("GET", "/v1/rates", "dev", "1", b"");
        let header = sign_with(&key, &string).unwrap();
        let value = header.strip_prefix(HEADER_PREFIX).unwrap();
        let public = key.public_key();
        for variant in [
            format!("algorithm=ECDSA-P256-SHA256,keyVersion=2,signature={value}"),
            format!("algorithm=ECDSA-P256-SHA256, keyVersion=1,signature={value}"),
            format!("keyVersion=1,algorithm=ECDSA-P256-SHA256,signature={value}"),
            format!("algorithm=ECDSA-P256-SHA256,keyVersion=1,signature={value}="),
            format!("algorithm=ECDSA-P256-SHA256,keyVersion=1,signature={value},keyVersion=1"),
            format!("algorithm=RSA256,keyVersion=1,signature={value}"),
            format!("{header} "),
            "garbage".to_owned(),
        ] {
            assert_eq!(
                verify(&public, &string, Some(&variant)).unwrap_err().code,
                ErrorCode::MalformedSignature,
                "{variant}"
            );
        }
        assert!(verify(&public, &string, Some(&header)).is_ok());
    }
}
