"""Handoff tokens from the test product, good ones and every kind of bad one, and the portal's
verification config that trusts that product."""
from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PrivateFormat, PublicFormat, NoEncryption

ISSUER = "acme-product"
AUDIENCE = "billing-portal"
SECRET = "s" * 20 + "-handoff-secret-for-tests-0123456789"  # > 32 bytes
PREVIOUS_SECRET = "p" * 20 + "-previous-secret-for-tests-01234567"
RETURN_URL = "https://app.acme.test/settings"
NOW = 1_795_600_000  # 2026-11-25: a fixed clock for the verifier's tests
_ZOHO = dict(ZOHO_CLIENT_ID="1000.X", ZOHO_CLIENT_SECRET="s", ZOHO_REFRESH_TOKEN="r", ZOHO_ORG_ID="10234695")

ED_PRIVATE = ed25519.Ed25519PrivateKey.generate()
EC_PRIVATE = ec.generate_private_key(ec.SECP256R1())
RSA_PRIVATE = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(private_key) -> str:
    return private_key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()


def private_pem(private_key) -> str:
    return private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()


def claims(customer_id: str = "100001", *, now: float | None = None, lifetime: int = 60, **overrides) -> dict[str, Any]:
    now = int(time.time() if now is None else now)
    values = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": customer_id,
        "iat": now,
        "exp": now + lifetime,
        "jti": uuid.uuid4().hex,
        "email": "pat@acme.test",
        "dest": "dashboard",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def mint(payload: dict[str, Any] | None = None, *, key: Any = SECRET, algorithm: str = "HS256",
         headers: dict[str, Any] | None = None, **claim_overrides) -> str:
    payload = claims(**claim_overrides) if payload is None else payload
    header = {"typ": "handoff+jwt"}
    header.update(headers or {})
    header = {k: v for k, v in header.items() if v is not None}
    return jwt.encode(payload, key, algorithm=algorithm, headers=header)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def raw_token(header: dict[str, Any], payload: dict[str, Any], signature: bytes = b"") -> str:
    """A token assembled by hand (for ``alg: none`` and other things PyJWT refuses to mint)."""
    return ".".join([b64(json.dumps(header).encode()), b64(json.dumps(payload).encode()), b64(signature)])


def make_config(**overrides):
    """The portal's ``HandoffConfig`` trusting the test product (a setting given as None is left out)."""
    from config.settings import load_settings
    from services.handoff import HandoffConfig

    values = dict(_ZOHO, SECRET_KEY="k" * 40, HANDOFF_ISSUER=ISSUER, HANDOFF_AUDIENCE=AUDIENCE,
                  HANDOFF_SECRET=SECRET, HANDOFF_RETURN_URLS=RETURN_URL)
    values.update(overrides)
    return HandoffConfig.from_settings(load_settings(**{k: v for k, v in values.items() if v is not None}))
