//! The two layers around every handler: request authentication (signature, device, replay window)
//! and response signing with fault injection.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use crossqr_core::api::FAULT_HEADER;
use crossqr_core::api::wire::{BackendCode, DeviceRegistration, ErrorBody, ErrorDetail};
use crossqr_core::sign::{PublicKey, device_id, message};

use crate::AppState;

/// Largest request body accepted.
const MAX_BODY: usize = 64 * 1024;

/// The authenticated device, for handlers.
#[derive(Debug, Clone)]
pub struct Device(pub String);

/// An error response (signed on the way out like every other).
pub fn error(code: BackendCode, message: impl Into<String>) -> Response {
    let status =
        axum::http::StatusCode::from_u16(code.http_status()).unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
    let body = ErrorBody { error: ErrorDetail { code: code.as_str().to_owned(), message: message.into() } };
    (status, axum::Json(body)).into_response()
}

fn header<'r>(req: &'r Request, name: &str) -> Option<&'r str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

fn is_device_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Verifies the request signature of every `/v1` call but `GET /v1/server-key`: the device key from
/// the store (or, for registration, the key being registered), the time within the replay window, the
/// signature never seen before.
pub async fn authenticate(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let path = req.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
    if !path.starts_with("/v1/") || path == "/v1/server-key" {
        return next.run(req).await;
    }
    let method = req.method().as_str().to_owned();
    let (Some(client), Some(time), signature) =
        (header(&req, message::CLIENT_ID), header(&req, message::REQUEST_TIME), header(&req, message::SIGNATURE))
    else {
        return error(BackendCode::BadSignature, "Client-Id, Request-Time and Signature are required");
    };
    let (client, time, signature) = (client.to_owned(), time.to_owned(), signature.map(str::to_owned));
    let now = state.clock.now_ms();
    match time.parse::<i64>() {
        Ok(t) if (now - t).abs() <= state.config.replay_window_ms => {}
        _ => {
            return error(
                BackendCode::StaleRequest,
                format!("Request-Time {time} is not within the replay window of {now}"),
            );
        }
    }
    let (parts, body) = req.into_parts();
    let Ok(body) = to_bytes(body, MAX_BODY).await else {
        return error(BackendCode::InvalidRequest, format!("body larger than {MAX_BODY} bytes"));
    };
    let key = if path == "/v1/devices" {
        match registration_key(&client, &body) {
            Ok(k) => k,
            Err(message) => return error(BackendCode::InvalidRequest, message),
        }
    } else {
        match state.store.device_key(&client) {
            Ok(Some(k)) => match PublicKey::from_spki_base64(&k) {
                Ok(k) => k,
                Err(e) => return error(BackendCode::Internal, format!("stored key: {e}")),
            },
            Ok(None) => return error(BackendCode::UnknownDevice, format!("device {client} is not registered")),
            Err(e) => return error(BackendCode::Internal, format!("database: {e}")),
        }
    };
    if let Err(e) = message::verify(&key, &method, &path, &client, &time, &body, signature.as_deref()) {
        return error(BackendCode::BadSignature, format!("request signature: {e}"));
    }
    match state.store.first_sighting(signature.as_deref().unwrap_or_default(), now, now - state.config.replay_window_ms)
    {
        Ok(true) => {}
        Ok(false) => return error(BackendCode::ReplayedRequest, "this signed request was already received"),
        Err(e) => return error(BackendCode::Internal, format!("database: {e}")),
    }
    let mut req = Request::from_parts(parts, Body::from(body));
    req.extensions_mut().insert(Device(client));
    next.run(req).await
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

/// A fault to inject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    Latency(u64),
    Http503,
    DropBeforeCommit,
    DropAfterCommit,
    Malformed,
    Unsigned,
    BadSignature,
}

fn parse_fault(text: &str) -> Option<Fault> {
    Some(match text.trim() {
        "http_503" => Fault::Http503,
        "drop_before_commit" => Fault::DropBeforeCommit,
        "drop_after_commit" => Fault::DropAfterCommit,
        "malformed" => Fault::Malformed,
        "unsigned" => Fault::Unsigned,
        "bad_signature" => Fault::BadSignature,
        other => Fault::Latency(other.strip_prefix("latency=")?.trim_end_matches("ms").parse().ok()?),
    })
}

/// The fault for this request: its header, else the first matching rule (which is then used up).
fn fault_for(state: &AppState, req: &Request, path: &str) -> Option<Fault> {
    if let Some(f) = header(req, FAULT_HEADER) {
        return parse_fault(f);
    }
    let mut rules = state.faults.lock().unwrap_or_else(|e| e.into_inner());
    let index = rules.iter().position(|r| r.path.as_deref().is_none_or(|p| path.starts_with(p)))?;
    let fault = parse_fault(&rules[index].fault);
    match rules[index].times.unwrap_or(1) {
        0 | 1 => {
            rules.remove(index);
        }
        n => rules[index].times = Some(n - 1),
    }
    fault
}

/// A response whose body fails mid-stream: the connection is closed without a usable answer.
fn dropped() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("injected: connection dropped"))
    });
    Response::new(Body::from_stream(stream))
}

/// Signs every response with the switch's key (`Response-Time`, `Signature`), applying any fault.
pub async fn sign_and_fault(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let method = req.method().as_str().to_owned();
    let path = req.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
    let client = header(&req, message::CLIENT_ID).filter(|c| is_device_id(c)).unwrap_or(message::NO_CLIENT).to_owned();
    let fault = if path.starts_with("/v1/") { fault_for(&state, &req, &path) } else { None };
    if let Some(Fault::Latency(ms)) = fault {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    let response = match fault {
        Some(Fault::Http503) => error(BackendCode::ServiceUnavailable, "injected: service unavailable"),
        Some(Fault::DropBeforeCommit) => return dropped(),
        _ => next.run(req).await,
    };
    if fault == Some(Fault::DropAfterCommit) {
        return dropped();
    }
    let (mut parts, body) = response.into_parts();
    let Ok(mut bytes) = to_bytes(body, usize::MAX).await else { return dropped() };
    if fault == Some(Fault::Malformed) {
        bytes = Bytes::from_static(b"{\"payment_id\": \"trunc");
    }
    if fault != Some(Fault::Unsigned) {
        let time = state.clock.now_ms().to_string();
        match message::sign(&state.key, &method, &path, &client, &time, &bytes) {
            Ok(mut signature) => {
                if fault == Some(Fault::BadSignature) {
                    signature.truncate(signature.len() - 4);
                    signature.push_str("AAAA");
                }
                for (name, value) in [(message::RESPONSE_TIME, time), (message::SIGNATURE, signature)] {
                    if let Ok(v) = HeaderValue::from_str(&value) {
                        parts.headers.insert(name, v);
                    }
                }
            }
            Err(e) => return error(BackendCode::Internal, format!("signing: {e}")),
        }
    }
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes))
}
