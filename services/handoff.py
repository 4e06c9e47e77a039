"""The handoff token (design.md §5): the product's signed, short-lived, single-use ticket into the portal.

``verify`` checks one token string against the contract and returns its claims, or raises
``HandoffRefused`` naming the check that failed (for the log; the user sees one calm page).
``redeem`` adds the two checks that need state: the ``jti`` is claimed once across all workers
(``services.replay_store``) and the Zoho customer must exist and be active.

What is pinned, and why (RFC 8725, checklist H12–H17):
- the algorithm comes from configuration, never from the token: each configured key is bound to
  exactly one algorithm (an HS256 secret is only ever an HMAC key, a public key only verifies
  its own curve), so ``none``, HS512, or a public key used as an HMAC secret cannot get through;
- the header may only hold ``alg``, ``typ`` and a plain ``kid``; ``typ`` must be ``handoff+jwt``,
  so that a JWT minted for anything else (a reset link, a session) is refused; ``jku``/``jwk``/
  ``x5u``/``x5c`` are refused outright and nothing is ever fetched (``kid`` is never used to
  look anything up);
- PyJWT checks the signature, ``iss``, ``aud`` (strictly: one string) and that every required
  claim is present; the time claims are checked here against one clock: ``exp`` and ``iat`` with
  30 s of leeway, and a lifetime (``exp − iat``) of at most 60 s, which PyJWT does not cap.

No function here reads the Flask request, and nothing here logs the token.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from config.settings import Settings
from services.policy import customers as customer_policy

TOKEN_TYPE = "handoff+jwt"
MAX_LIFETIME_SECONDS = 60
LEEWAY_SECONDS = 30
MAX_TOKEN_LENGTH = 4096
MIN_SECRET_BYTES = 32
REQUIRED_CLAIMS = ("iss", "aud", "sub", "iat", "exp", "jti")
ALLOWED_HEADER_PARAMS = frozenset({"alg", "typ", "kid"})
SUPPORTED_ALGORITHMS = ("HS256", "EdDSA", "ES256")

# Every shape below is checked with fullmatch: ``$`` would also accept a value ending in a newline.
# A compact JWS: three base64url parts (the signature may not be empty for our algorithms).
_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_KID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_CUSTOMER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_JTI = re.compile(r"[A-Za-z0-9._:-]{16,128}")
_OBJECT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_EMAIL = re.compile(r"[^@\s<>\"']{1,64}@[^@\s<>\"']{1,189}")

PLAIN_DESTINATIONS = ("dashboard", "invoices", "subscriptions", "subscribe", "profile")
OBJECT_DESTINATIONS = ("invoice", "subscription", "change-plan", "cancel", "update-card")


class HandoffRefused(Exception):
    """A token the portal will not honour. ``check`` names the failed check, for the log only."""

    def __init__(self, check: str, detail: str = "", claims: "HandoffClaims | None" = None) -> None:
        super().__init__(f"{check}: {detail}" if detail else check)
        self.check = check
        self.detail = detail
        self.claims = claims  # set once the token itself checked out (replay, identity refusals)


class HandoffNotConfigured(HandoffRefused):
    def __init__(self, detail: str) -> None:
        super().__init__("not_configured", detail)


@dataclass(frozen=True)
class VerificationKey:
    algorithm: str
    key: Any  # bytes for HS256, a cryptography public key object otherwise
    label: str  # "current" or "previous"
    valid_until: datetime | None = None  # the previous key's rotation window ends here

    def usable_at(self, now: float) -> bool:
        return self.valid_until is None or now < self.valid_until.timestamp()


@dataclass(frozen=True)
class HandoffConfig:
    issuer: str
    audience: str
    algorithms: tuple[str, ...]
    keys: tuple[VerificationKey, ...]
    return_urls: tuple[str, ...] = ()
    product_name: str = "the product"

    @classmethod
    def from_settings(cls, settings: Settings) -> "HandoffConfig":
        """Build the verifier's configuration, or raise ``HandoffNotConfigured`` saying what is missing."""
        if not settings.HANDOFF_ISSUER or not settings.HANDOFF_AUDIENCE:
            raise HandoffNotConfigured("HANDOFF_ISSUER and HANDOFF_AUDIENCE are required")
        keys: list[VerificationKey] = []
        if settings.HANDOFF_SECRET:
            keys.append(_secret_key(settings.HANDOFF_SECRET, "current", None))
        if settings.HANDOFF_PUBLIC_KEY:
            keys.append(_public_key(settings.HANDOFF_PUBLIC_KEY, "current", None))
        until = settings.HANDOFF_PREVIOUS_KEY_UNTIL
        if settings.HANDOFF_PREVIOUS_SECRET:
            keys.append(_secret_key(settings.HANDOFF_PREVIOUS_SECRET, "previous", until))
        if settings.HANDOFF_PREVIOUS_PUBLIC_KEY:
            keys.append(_public_key(settings.HANDOFF_PREVIOUS_PUBLIC_KEY, "previous", until))
        if not keys:
            raise HandoffNotConfigured("set HANDOFF_SECRET or HANDOFF_PUBLIC_KEY")
        if settings.HANDOFF_ALGORITHMS:
            algorithms = tuple(settings.HANDOFF_ALGORITHMS.split(","))
        else:
            algorithms = tuple(dict.fromkeys(k.algorithm for k in keys if k.label == "current"))
        for algorithm in algorithms:
            if not any(k.algorithm == algorithm for k in keys):
                raise HandoffNotConfigured(f"HANDOFF_ALGORITHMS names {algorithm} but no key of that type is configured")
        return cls(
            issuer=settings.HANDOFF_ISSUER,
            audience=settings.HANDOFF_AUDIENCE,
            algorithms=algorithms,
            keys=tuple(k for k in keys if k.algorithm in algorithms),
            return_urls=settings.handoff_return_urls,
            product_name=settings.HANDOFF_PRODUCT_NAME,
        )


def _secret_key(secret: str, label: str, until: datetime | None) -> VerificationKey:
    raw = secret.encode("utf-8")
    if len(raw) < MIN_SECRET_BYTES:
        raise HandoffNotConfigured(f"the {label} HS256 secret must be at least {MIN_SECRET_BYTES} bytes")
    return VerificationKey("HS256", raw, label, until)


def _public_key(value: str, label: str, until: datetime | None) -> VerificationKey:
    """A PEM public key, given as PEM text (``\\n`` escapes allowed) or as the path of a PEM file."""
    text = value.strip()
    if not text.startswith("-----BEGIN"):
        path = Path(text)
        if not path.is_file():
            raise HandoffNotConfigured(f"the {label} public key is neither PEM text nor a readable file")
        text = path.read_text()
    try:
        key = load_pem_public_key(text.replace("\\n", "\n").encode("ascii"))
    except (ValueError, UnicodeEncodeError) as error:
        raise HandoffNotConfigured(f"the {label} public key is not a PEM public key ({error})") from None
    if isinstance(key, ed25519.Ed25519PublicKey):
        return VerificationKey("EdDSA", key, label, until)
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        return VerificationKey("ES256", key, label, until)
    raise HandoffNotConfigured(f"the {label} public key must be Ed25519 (EdDSA) or P-256 (ES256)")


@dataclass(frozen=True)
class Destination:
    """Where the token sends the user: one of the contract's ``dest`` values, parsed."""

    kind: str
    object_id: str | None = None

    @classmethod
    def parse(cls, value: Any) -> "Destination":
        if value is None:
            return cls("dashboard")
        if not isinstance(value, str):
            raise HandoffRefused("dest", "not a string")
        if value in PLAIN_DESTINATIONS:
            return cls(value)
        kind, sep, object_id = value.partition(":")
        if sep and kind in OBJECT_DESTINATIONS and _OBJECT_ID.fullmatch(object_id):
            return cls(kind, object_id)
        raise HandoffRefused("dest", "not one of the contract's destinations")

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}" if self.object_id else self.kind


@dataclass(frozen=True)
class HandoffClaims:
    issuer: str
    customer_id: str
    jti: str
    issued_at: int
    expires_at: int
    email: str | None
    dest: Destination
    return_url: str | None
    key_label: str

    @property
    def remember_until(self) -> int:
        """The jti must stay remembered while the token could still pass the time checks."""
        return self.expires_at + LEEWAY_SECONDS


def verify(token: Any, config: HandoffConfig, *, now: float | None = None) -> HandoffClaims:
    """Check ``token`` against the contract (everything but replay and the customer's existence)."""
    now = time.time() if now is None else now
    if not isinstance(token, str) or not token:
        raise HandoffRefused("malformed", "no token")
    if len(token) > MAX_TOKEN_LENGTH:
        raise HandoffRefused("malformed", "too long")
    if not _COMPACT_JWS.fullmatch(token):
        raise HandoffRefused("malformed", "not a compact JWS")
    header = _checked_header(token, config)
    keys = [k for k in config.keys if k.algorithm == header["alg"]]
    payload = _decode_with(token, keys, config, now)
    return _checked_claims(payload, config, now, payload.pop("__key_label"))


def _checked_header(token: str, config: HandoffConfig) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise HandoffRefused("malformed", "unreadable header") from None
    unexpected = sorted(set(header) - ALLOWED_HEADER_PARAMS)
    if unexpected:
        # jku, jwk, x5u, x5c, crit …: a token may not tell us where its key is or how to read it.
        raise HandoffRefused("header", f"parameter {unexpected[0][:20]!r} is not accepted")
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in config.algorithms:
        raise HandoffRefused("algorithm", f"{str(alg)[:20]!r} is not one of the configured algorithms")
    typ = header.get("typ")
    if not isinstance(typ, str) or typ.lower().removeprefix("application/") != TOKEN_TYPE:
        raise HandoffRefused("type", f"typ must be {TOKEN_TYPE}")
    kid = header.get("kid")
    if kid is not None and (not isinstance(kid, str) or not _KID.fullmatch(kid)):
        raise HandoffRefused("header", "kid is not a plain identifier")
    return header


def _decode_with(token: str, keys: list[VerificationKey], config: HandoffConfig, now: float) -> dict[str, Any]:
    outside_window = False
    for key in keys:
        try:
            payload = jwt.decode(
                token,
                key.key,
                algorithms=[key.algorithm],
                audience=config.audience,
                issuer=config.issuer,
                options={
                    "require": list(REQUIRED_CLAIMS),
                    "strict_aud": True,
                    # Time claims are checked in _checked_claims against one clock (``now``).
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.InvalidSignatureError:
            continue
        except jwt.PyJWTError as error:
            raise _refusal_for(error) from None
        if not key.usable_at(now):
            outside_window = True
            continue
        payload["__key_label"] = key.label
        return payload
    if outside_window:
        raise HandoffRefused("key_rotation", "signed with the previous key after its window ended")
    raise HandoffRefused("signature", "no configured key verifies it")


def _refusal_for(error: jwt.PyJWTError) -> HandoffRefused:
    if isinstance(error, jwt.MissingRequiredClaimError):
        return HandoffRefused("missing_claim", error.claim)
    if isinstance(error, jwt.InvalidAudienceError):
        return HandoffRefused("audience", "aud is not this portal")
    if isinstance(error, jwt.InvalidIssuerError):
        return HandoffRefused("issuer", "iss is not the configured product")
    if isinstance(error, jwt.InvalidAlgorithmError):
        return HandoffRefused("algorithm", "not allowed")
    if isinstance(error, (jwt.exceptions.InvalidSubjectError, jwt.exceptions.InvalidJTIError)):
        return HandoffRefused("claims", type(error).__name__)
    if isinstance(error, jwt.InvalidKeyError):
        return HandoffRefused("key", "unusable key for this algorithm")
    return HandoffRefused("malformed", type(error).__name__)


def _checked_claims(payload: dict[str, Any], config: HandoffConfig, now: float, key_label: str) -> HandoffClaims:
    iat, exp = _timestamp(payload, "iat"), _timestamp(payload, "exp")
    if "nbf" in payload and _timestamp(payload, "nbf") > now + LEEWAY_SECONDS:
        raise HandoffRefused("not_yet_valid", "nbf is in the future")
    if iat > now + LEEWAY_SECONDS:
        raise HandoffRefused("not_yet_valid", "iat is in the future")
    if exp <= now - LEEWAY_SECONDS:
        raise HandoffRefused("expired", "exp has passed")
    if exp <= iat:
        raise HandoffRefused("lifetime", "exp is not after iat")
    if exp - iat > MAX_LIFETIME_SECONDS:
        raise HandoffRefused("lifetime", f"exp - iat is more than {MAX_LIFETIME_SECONDS} s")
    sub, jti = payload["sub"], payload["jti"]
    if not isinstance(sub, str) or not _CUSTOMER_ID.fullmatch(sub):
        raise HandoffRefused("claims", "sub is not a customer id")
    if not isinstance(jti, str) or not _JTI.fullmatch(jti):
        raise HandoffRefused("claims", "jti must be 16-128 characters of A-Z a-z 0-9 . _ : -")
    email = payload.get("email")
    if email is not None and (not isinstance(email, str) or not _EMAIL.fullmatch(email)):
        raise HandoffRefused("claims", "email is not an email address")
    return_url = payload.get("return_url")
    if return_url is not None and not allowed_return_url(return_url, config.return_urls):
        raise HandoffRefused("return_url", "not on the allow-list")
    return HandoffClaims(
        issuer=payload["iss"],
        customer_id=sub,
        jti=jti,
        issued_at=iat,
        expires_at=exp,
        email=email.lower() if email else None,
        dest=Destination.parse(payload.get("dest")),
        return_url=return_url,
        key_label=key_label,
    )


def _timestamp(payload: dict[str, Any], name: str) -> int:
    value = payload[name]
    # JSON numbers only (bool is an int in Python, and "123" is not a NumericDate).
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or abs(value) > 1e11:
        raise HandoffRefused("claims", f"{name} is not a NumericDate")
    return int(value)


_UNSAFE_IN_URL = re.compile(r"[\x00-\x20\x7f\\]|%2e|%2f|%5c|%00", re.IGNORECASE)


def allowed_return_url(url: Any, allow_list: tuple[str, ...]) -> bool:
    """True when ``url`` is an allow-list entry, or lies under one at a path boundary.

    ``https://app.example.com/billing`` allows ``…/billing``, ``…/billing/`` and
    ``…/billing/settings?tab=1``, but not ``…/billing-evil``, another host, port or scheme,
    user-info, ``..`` segments or encoded dots and slashes that a browser might resolve away.
    """
    if not isinstance(url, str) or len(url) > 2000 or _UNSAFE_IN_URL.search(url):
        return False
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        return False
    segments = parts.path.split("/")
    if "." in segments or ".." in segments:
        return False
    for entry in allow_list:
        allowed = urlsplit(entry)
        try:
            allowed_port = allowed.port
        except ValueError:
            continue
        if (parts.scheme, parts.hostname, port) != (allowed.scheme, allowed.hostname, allowed_port):
            continue
        if url == entry:
            return True
        base = allowed.path.rstrip("/")
        if allowed.query or allowed.fragment:
            continue  # an entry with a query only ever matches exactly
        if parts.path == base or parts.path.startswith(base + "/") or (not base and parts.path in ("", "/")):
            return True
    return False


# -- redemption: the stateful checks ---------------------------------------------------------------


@dataclass(frozen=True)
class HandoffGrant:
    """A verified, first-time, mapped handoff: who to sign in and where to send them."""

    claims: HandoffClaims
    customer: Any  # the Zoho customer (zoho_client.models.Customer)


class ReplayStore:  # the interface services.replay_store implements
    def claim(self, jti: str, remember_until: int) -> bool:  # pragma: no cover - interface
        """True the first time ``jti`` is seen; False for a replay; raise when unsure."""
        raise NotImplementedError


class ReplayStoreUnavailable(Exception):
    """The replay store cannot answer: the token is refused (fail closed)."""


def redeem(
    token: Any,
    config: HandoffConfig,
    replay_store: ReplayStore,
    find_customer: Callable[[str], Any],
    *,
    now: float | None = None,
) -> HandoffGrant:
    """Verify, claim the ``jti`` once, and map ``sub`` to an active Zoho customer.

    ``find_customer(customer_id)`` returns the customer or None if Zoho has no such customer.
    The jti is claimed before the customer is looked up, so a replayed token costs no Zoho call
    and is refused (and logged as reuse) even if the customer has changed since.
    """
    claims = verify(token, config, now=now)
    try:
        first_use = replay_store.claim(claims.jti, claims.remember_until)
    except ReplayStoreUnavailable as error:
        raise HandoffRefused("replay_store_unavailable", str(error)[:200], claims) from None
    if not first_use:
        raise HandoffRefused("replay", "jti was already used", claims)
    try:
        customer = find_customer(claims.customer_id)
    except HandoffRefused as refusal:
        raise HandoffRefused(refusal.check, refusal.detail, claims) from None
    if customer is None:
        raise HandoffRefused("customer_unknown", "no such Zoho customer", claims)
    if not customer_policy.is_active(customer):
        raise HandoffRefused("customer_inactive", f"customer status is {str(customer.status)[:20]!r}", claims)
    return HandoffGrant(claims=claims, customer=customer)


def utc_datetime(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, timezone.utc)


# -- minting (for `flask portal handoff-url` and the product's developers) -----------------------


def mint(
    customer_id: str,
    *,
    issuer: str,
    audience: str,
    key: Any,
    algorithm: str = "HS256",
    dest: str | None = None,
    return_url: str | None = None,
    email: str | None = None,
    lifetime: int = MAX_LIFETIME_SECONDS,
    now: float | None = None,
) -> str:
    """A handoff token exactly as the product should make one (see the README, "Manage subscription")."""
    import secrets

    if algorithm not in SUPPORTED_ALGORITHMS:
        raise ValueError(f"algorithm must be one of {', '.join(SUPPORTED_ALGORITHMS)}")
    issued = int(time.time() if now is None else now)
    claims: dict[str, Any] = {
        "iss": issuer, "aud": audience, "sub": customer_id,
        "iat": issued, "exp": issued + min(lifetime, MAX_LIFETIME_SECONDS), "jti": secrets.token_urlsafe(24),
    }
    if dest is not None:
        Destination.parse(dest)  # refuse a dest the portal would refuse
        claims["dest"] = dest
    if return_url is not None:
        claims["return_url"] = return_url
    if email is not None:
        claims["email"] = email
    return jwt.encode(claims, key, algorithm=algorithm, headers={"typ": TOKEN_TYPE})
