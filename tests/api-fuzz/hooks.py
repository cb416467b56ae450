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
    return "algorithm=ECDSA-P256-SHA256,keyVersion=1,signature=" + _b64url(der)


def request_string(method: str, path: str, client: str, at: str, body: bytes) -> bytes:
    return f"{method} {path}\n{client}.{at}.".encode() + body


class Signed(requests.auth.AuthBase):
    """Signs the prepared request: the exact path, query and body bytes that go on the wire."""

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        body = r.body or b""
        if isinstance(body, str):
            body = body.encode()
        at = _request_time()
        r.headers["Client-Id"] = DEVICE
        r.headers["Request-Time"] = at
        r.headers["Signature"] = _signature(request_string(r.method, r.path_url, DEVICE, at, body))
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
    body = sent.body or b""
    if isinstance(body, str):
        body = body.encode()
    method, path = sent.method, sent.path_url
    client, at = sent.headers.get("Client-Id", ""), sent.headers.get("Request-Time", "")
    digest = hashlib.sha256(request_string(method, path, client, at, body)).hexdigest()
    header = response.headers.get("signature", [None])[0] if isinstance(response.headers.get("signature"), list) \
        else response.headers.get("signature")
    answered_at = response.headers.get("response-time")
    answered_at = answered_at[0] if isinstance(answered_at, list) else answered_at
    prefix = "algorithm=ECDSA-P256-SHA256,keyVersion=1,signature="
    if not header or not header.startswith(prefix) or not answered_at:
        raise AssertionError(f"{response.status_code} response to {method} {path} is not signed")
    der = base64.urlsafe_b64decode(header[len(prefix):] + "=" * (-len(header[len(prefix):]) % 4))
    # The response names the authenticated device, or "-" when the request was not authenticated.
    for who in (client, "-"):
        signed = f"{response.status_code} {method} {path}\n{who}.{answered_at}.{digest}.".encode() + response.content
        try:
            SERVER_KEY.verify(der, signed, ec.ECDSA(hashes.SHA256()))
            return None
        except InvalidSignature:
            continue
    raise AssertionError(f"{response.status_code} response to {method} {path}: signature does not verify")
