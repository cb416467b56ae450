//! Request authentication: the device's signature over the request string, the request's time inside
//! the window (at most the replay window old, at most `max_future_skew_ms` ahead), and never the same
//! request twice. The replay cache is keyed on what was signed — client id, request time and the
//! digest of the request string — not on the header's text, so another spelling of the header or the
//! high-s twin of the signature is the same request; an entry is kept until its request time plus the
//! window, past which the request is stale anyway.

use axum::body::Bytes;
use axum::http::HeaderMap;
use crossqr_core::api::wire::{BackendCode, DeviceRegistration};
use crossqr_core::sign::{PublicKey, device_id, message};

use crate::AppState;

fn refuse(code: BackendCode, message: impl Into<String>) -> (BackendCode, String) {
    (code, message.into())
}

/// A header's value as text, if present and ASCII.
pub fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// True for a device id: 32 lowercase hex digits.
pub fn is_device_id(id: &str) -> bool {
    crossqr_core::entropy::is_id(id)
}

/// True for the paths every request to which must be signed.
pub fn needs_signature(path: &str) -> bool {
    (path.starts_with("/v1/") && path != "/v1/server-key") || path.starts_with("/_sandbox/")
}

/// The authenticated device, or the refusal to send back (signed for no device): a code and a message.
pub fn authenticate(
    state: &AppState,
    path: &str,
    headers: &HeaderMap,
    body: &Bytes,
    request_string: &[u8],
) -> Result<String, (BackendCode, String)> {
    let (Some(client), Some(time)) = (header(headers, message::CLIENT_ID), header(headers, message::REQUEST_TIME))
    else {
        return Err(refuse(BackendCode::BadSignature, "Client-Id, Request-Time and Signature are required"));
    };
    if !is_device_id(client) {
        return Err(refuse(BackendCode::BadSignature, "Client-Id is not a device id"));
    }
    let now = state.clock.now_ms();
    let window = state.config.replay_window_ms;
    let fresh = (time.len() <= 19 && time.bytes().all(|b| b.is_ascii_digit()))
        .then(|| time.parse::<i64>().ok())
        .flatten()
        .filter(|&t| {
            now.checked_sub(window).is_some_and(|oldest| t >= oldest)
                && now.checked_add(state.config.max_future_skew_ms).is_some_and(|latest| t <= latest)
        });
    let Some(t) = fresh else {
        return Err(refuse(
            BackendCode::StaleRequest,
            format!(
                "Request-Time {time} is not within {window} ms before or {} ms after {now}",
                state.config.max_future_skew_ms
            ),
        ));
    };
    let key = if path == "/v1/devices" {
        registration_key(client, body).map_err(|m| refuse(BackendCode::InvalidRequest, m))?
    } else {
        match state.store.device_key(client) {
            Ok(Some(k)) => PublicKey::from_spki_base64(&k)
                .map_err(|e| refuse(BackendCode::Internal, format!("stored key: {e}")))?,
            Ok(None) => return Err(refuse(BackendCode::UnknownDevice, format!("device {client} is not registered"))),
            Err(e) => return Err(refuse(BackendCode::Internal, format!("database: {e}"))),
        }
    };
    if let Err(e) = message::verify(&key, request_string, header(headers, message::SIGNATURE)) {
        return Err(refuse(BackendCode::BadSignature, format!("request signature: {e}")));
    }
    let seen = format!("{client}.{time}.{}", message::request_digest(request_string));
    match state.store.first_sighting(&seen, t.saturating_add(window), now) {
        Ok(true) => Ok(client.to_owned()),
        Ok(false) => Err(refuse(BackendCode::ReplayedRequest, "this signed request was already received")),
        Err(e) => Err(refuse(BackendCode::Internal, format!("database: {e}"))),
    }
}

/// Registration is signed with the key it registers (proof of possession), whose hash is the device
/// id. The error is the `invalid_request` message.
fn registration_key(client: &str, body: &Bytes) -> Result<PublicKey, String> {
    let reg: DeviceRegistration = serde_json::from_slice(body).map_err(|e| format!("registration: {e}"))?;
    let key = PublicKey::from_spki_base64(&reg.public_key).map_err(|e| format!("public_key: {e}"))?;
    let id = device_id(&key.spki());
    if reg.device_id != id || client != id {
        return Err(format!("device id must be {id}, the hash of the public key"));
    }
    Ok(key)
}
