"""Schemathesis hooks for fuzzing the reference switch past its authentication (scripts/api-fuzz.sh).

Every request is signed as a registered device signs it (crossqr_core::sign::message): the bytes
`METHOD PATH\nCLIENT_ID.REQUEST_TIME.BODY`, ECDSA P-256 SHA-256, DER with a low s, base64url, in the
`Signature` header. The check `signed_for_its_request` verifies that every response the switch sends
is signed by its key over its status, its request (method, path, the request string's digest) and
its body, as the wallet verifies it.
"""

import base64
import hashlib
import json
import os
import time

import requests
import schemathesis
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

BASE = os.environ["CROSSQR_SWITCH_URL"]
ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551  # P-256 group order
KEY = ec.generate_private_key(ec.SECP256R1())
SPKI = KEY.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
DEVICE = hashlib.sha256(SPKI).hexdigest()[:32]
SIGNATURE_PREFIX = "algorithm=ECDSA-P256-SHA256,keyVersion=1,signature="
_last_time = [0]


def _request_time() -> str:
    """Now in epoch ms, and never the same twice: two identical requests are not one replayed request."""
    _last_time[0] = max(int(time.time() * 1000), _last_time[0] + 1)
    return str(_last_time[0])


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _signature(message: bytes) -> str:
    r, s = decode_dss_signature(KEY.sign(message, ec.ECDSA(hashes.SHA256())))
    der = encode_dss_signature(r, min(s, ORDER - s))
    return SIGNATURE_PREFIX + _b64url(der)


def _body(r: requests.PreparedRequest) -> bytes:
    """The body bytes as they go on the wire (requests keeps a str or bytes, or None)."""
    body = r.body or b""
    return body.encode() if isinstance(body, str) else body


def request_string(r: requests.PreparedRequest, client: str, at: str) -> bytes:
    return f"{r.method} {r.path_url}\n{client}.{at}.".encode() + _body(r)


class Signed(requests.auth.AuthBase):
    """Signs the prepared request: the exact path, query and body bytes that go on the wire."""

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        at = _request_time()
        r.headers["Client-Id"] = DEVICE
        r.headers["Request-Time"] = at
        r.headers["Signature"] = _signature(request_string(r, DEVICE, at))
        return r


def _register() -> ec.EllipticCurvePublicKey:
    """Registers this run's device and returns the switch's response-signing key."""
    server = requests.get(f"{BASE}/v1/server-key", timeout=10).json()
    body = json.dumps({"device_id": DEVICE, "public_key": base64.b64encode(SPKI).decode(), "platform": "fuzz"}).encode()
    answer = requests.post(f"{BASE}/v1/devices", data=body, headers={"Content-Type": "application/json"},
                           auth=Signed(), timeout=10)
    assert answer.status_code == 200, f"registration refused: {answer.status_code} {answer.text}"
    return serialization.load_der_public_key(base64.b64decode(server["public_key"]))


SERVER_KEY = _register()


@schemathesis.hook
def before_call(context, case, kwargs):
    kwargs["auth"] = Signed()


@schemathesis.check
def signed_for_its_request(ctx, response, case):
    """Every response carries a valid signature over its status, its request and its body."""
    sent = response.request
    method, path = sent.method, sent.path_url
    client = sent.headers.get("Client-Id", "")
    digest = hashlib.sha256(request_string(sent, client, sent.headers.get("Request-Time", ""))).hexdigest()
    header, answered_at = _header(response, "signature"), _header(response, "response-time")
    if not header or not header.startswith(SIGNATURE_PREFIX) or not answered_at:
        raise AssertionError(f"{response.status_code} response to {method} {path} is not signed")
    encoded = header[len(SIGNATURE_PREFIX):]
    der = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    # The response names the authenticated device, or "-" when the request was not authenticated.
    for who in (client, "-"):
        signed = f"{response.status_code} {method} {path}\n{who}.{answered_at}.{digest}.".encode() + response.content
        try:
            SERVER_KEY.verify(der, signed, ec.ECDSA(hashes.SHA256()))
            return None
        except InvalidSignature:
            continue
    raise AssertionError(f"{response.status_code} response to {method} {path}: signature does not verify")


def _header(response, name: str):
    """A response header's value (schemathesis keeps each as a list), or None."""
    value = response.headers.get(name)
    return value[0] if isinstance(value, list) and value else value
