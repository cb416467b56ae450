//! The layer around every handler: read the body (capped), authenticate, apply a sandbox fault, run
//! the handler to completion in its own task (a client that disconnects cancels nothing), and sign the
//! response over its status and its request (see `crossqr_core::sign::message`).

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use crossqr_core::api::FAULT_HEADER;
use crossqr_core::api::wire::{BackendCode, ErrorBody, ErrorDetail};
use crossqr_core::sign::message;

use crate::AppState;
use crate::auth::{authenticate, header, is_device_id, needs_signature};
use crate::faults::Fault;

/// Largest request body accepted.
const MAX_BODY: usize = 64 * 1024;

/// The authenticated device, for handlers.
#[derive(Debug, Clone)]
pub struct Device(pub String);

/// An error response (signed on the way out like every other).
pub fn error(code: BackendCode, message: impl Into<String>) -> Response {
    let status = StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = ErrorBody { error: ErrorDetail { code: code.as_str().to_owned(), message: message.into() } };
    (status, axum::Json(body)).into_response()
}

/// A response whose body fails mid-stream: the connection is closed without a usable answer.
fn dropped() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("injected: connection dropped"))
    });
    Response::new(Body::from_stream(stream))
}

/// What a response is signed for.
struct Seal<'a> {
    method: &'a str,
    path: &'a str,
    client: &'a str,
    request_string: &'a [u8],
    fault: Option<Fault>,
}

/// The layer.
pub async fn envelope(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let method = req.method().as_str().to_owned();
    let path = req.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
    let (parts, body) = req.into_parts();
    let client = header(&parts.headers, message::CLIENT_ID).filter(|c| is_device_id(c)).unwrap_or(message::NO_CLIENT);
    let time = header(&parts.headers, message::REQUEST_TIME).unwrap_or_default();
    let mut seal = Seal { method: &method, path: &path, client: message::NO_CLIENT, request_string: &[], fault: None };
    let Ok(body) = to_bytes(body, MAX_BODY).await else {
        let empty = message::request_string(&method, &path, client, time, b"");
        seal.request_string = &empty;
        return sign(&state, error(BackendCode::InvalidRequest, format!("body larger than {MAX_BODY} bytes")), &seal)
            .await;
    };
    let request_string = message::request_string(&method, &path, client, time, &body);
    seal.request_string = &request_string;
    if !needs_signature(&path) {
        let response = next.run(Request::from_parts(parts, Body::from(body))).await;
        return sign(&state, response, &seal).await;
    }
    let device = match authenticate(&state, &path, &parts.headers, &body, &request_string) {
        Ok(d) => d,
        // A refusal of authentication speaks for no device.
        Err((code, why)) => return sign(&state, error(code, why), &seal).await,
    };
    seal.client = &device;
    if state.config.sandbox {
        match state.faults.take(&device, &path, header(&parts.headers, FAULT_HEADER)) {
            Ok(f) => seal.fault = f,
            Err(why) => return sign(&state, error(BackendCode::InvalidRequest, why), &seal).await,
        }
    }
    match seal.fault {
        Some(Fault::Latency(ms)) => tokio::time::sleep(Duration::from_millis(ms)).await,
        Some(Fault::Http503) => {
            return sign(&state, error(BackendCode::ServiceUnavailable, "injected: service unavailable"), &seal).await;
        }
        Some(Fault::DropBeforeCommit) => return dropped(),
        _ => {}
    }
    let late = match seal.fault {
        Some(Fault::LateCommit(ms)) => Duration::from_millis(ms),
        _ => Duration::ZERO,
    };
    let mut req = Request::from_parts(parts, Body::from(body));
    req.extensions_mut().insert(Device(device.clone()));
    // The work runs to completion in its own task: a client that gives up cancels nothing.
    let work = tokio::spawn(async move {
        if !late.is_zero() {
            tokio::time::sleep(late).await;
        }
        next.run(req).await
    });
    let response = match work.await {
        Ok(r) => r,
        Err(e) => error(BackendCode::Internal, format!("handler: {e}")),
    };
    if seal.fault == Some(Fault::DropAfterCommit) {
        return dropped();
    }
    sign(&state, response, &seal).await
}

/// Signs `response` with the switch's key (`Response-Time`, `Signature`), applying a response fault.
async fn sign(state: &AppState, response: Response, seal: &Seal<'_>) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(mut bytes) = to_bytes(body, usize::MAX).await else { return dropped() };
    if seal.fault == Some(Fault::Malformed) {
        bytes = Bytes::from_static(b"{\"payment_id\": \"trunc");
    }
    if seal.fault != Some(Fault::Unsigned) {
        let time = state.clock.now_ms().to_string();
        let string = message::response_string(
            parts.status.as_u16(),
            seal.method,
            seal.path,
            seal.client,
            &time,
            seal.request_string,
            &bytes,
        );
        match message::sign_with(&state.key, &string) {
            Ok(mut signature) => {
                if seal.fault == Some(Fault::BadSignature) {
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
