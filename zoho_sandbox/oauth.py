"""Zoho Accounts' token endpoint: the refresh-token grant, revocation and access-token lookup.

Zoho answers most OAuth failures with HTTP 200 and ``{"error": "..."}`` (zoho-billing-api.md §1.2);
clients that only look at the status code get this wrong, so the sandbox does it the same way.
Fields come from the query string or a form body only; a JSON body is not read, exactly as Zoho
ignores it, so such a request looks like one with every field missing.

Tokens are secrets even in a sandbox: nothing here logs them.
"""
from __future__ import annotations

import secrets
import threading
from collections import deque
from dataclasses import dataclass

from werkzeug.wrappers import Request, Response

from .clock import Clock
from .core import json_response

DEMO_CLIENT_ID = "1000.SANDBOXDEMOCLIENT"
DEMO_CLIENT_SECRET = "sandbox-demo-secret"
DEMO_REFRESH_TOKEN = "1000.sandbox.demo.refresh"
FULL_ACCESS_SCOPE = "ZohoSubscriptions.fullaccess.all"

# Zoho allows about ten new access tokens per refresh token in ten minutes (§1.2).
THROTTLE_WINDOW_SECONDS = 600
DEFAULT_THROTTLE = 10

THROTTLED_BODY = {
    "error_description": "You have made too many requests continuously. Please try again after some time.",
    "error": "Access Denied",
    "status": "failure",
}


@dataclass(frozen=True)
class AccessToken:
    scopes: frozenset[str]
    expires_at: float  # sandbox-clock epoch seconds
    refresh_token: str | None  # None for tokens minted through the control API


def new_access_token_string() -> str:
    # Zoho's shape: "1000." + 32 hex + "." + 32 hex.
    return f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}"


class TokenAuthority:
    """Issues, looks up, expires and revokes access tokens for the demo client."""

    def __init__(self, clock: Clock, api_domain: str, ttl: int = 3600, throttle: int = DEFAULT_THROTTLE) -> None:
        self.clock = clock
        self.api_domain = api_domain
        self.ttl = ttl
        self.throttle = throttle  # tokens per refresh token per window; 0 switches the throttle off
        self._clients = {DEMO_CLIENT_ID: DEMO_CLIENT_SECRET}
        self._refresh_tokens = {DEMO_REFRESH_TOKEN: (DEMO_CLIENT_ID, frozenset({FULL_ACCESS_SCOPE}))}
        self._revoked_refresh: set[str] = set()
        self._tokens: dict[str, AccessToken] = {}
        self._issued: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    # -- the HTTP endpoints -------------------------------------------------------------------

    def token_endpoint(self, request: Request) -> Response:
        if request.method != "POST":
            return json_response({"error": "invalid_request"}, 405)
        fields = _oauth_fields(request)
        client_id = fields.get("client_id", "")
        if client_id not in self._clients or not secrets.compare_digest(
            fields.get("client_secret", ""), self._clients[client_id]
        ):
            return json_response({"error": "invalid_client"})
        if fields.get("grant_type") != "refresh_token":
            return json_response({"error": "unsupported_grant_type"})
        refresh = fields.get("refresh_token", "")
        with self._lock:
            known = self._refresh_tokens.get(refresh)
            if known is None or known[0] != client_id or refresh in self._revoked_refresh:
                return json_response({"error": "invalid_code"})
            now = self.clock.now().timestamp()
            if not self._admit_issue(refresh, now):
                return json_response(THROTTLED_BODY, 400)
            token = new_access_token_string()
            self._tokens[token] = AccessToken(known[1], now + self.ttl, refresh)
            self._forget_expired(now)
        return json_response(
            {
                "access_token": token,
                "scope": " ".join(sorted(known[1])),
                "api_domain": self.api_domain,
                "token_type": "Bearer",
                "expires_in": self.ttl,
            }
        )

    def revoke_endpoint(self, request: Request) -> Response:
        """``POST /oauth/v2/token/revoke?token=``: kills an access token, or a refresh token and its tokens."""
        token = _oauth_fields(request).get("token", "")
        with self._lock:
            if token in self._refresh_tokens:
                self._revoked_refresh.add(token)
                for key in [k for k, v in self._tokens.items() if v.refresh_token == token]:
                    del self._tokens[key]
            else:
                self._tokens.pop(token, None)
        # Revocation is idempotent: an unknown token is already as revoked as it can be.
        return json_response({"status": "success"})

    # -- used by the API pipeline and the control API -------------------------------------------

    def lookup(self, token: str) -> AccessToken | None:
        """The live token, or None when it is unknown, revoked or past ``expires_in`` by the sandbox clock."""
        with self._lock:
            found = self._tokens.get(token)
        if found is None or found.expires_at <= self.clock.now().timestamp():
            return None
        return found

    def mint(self, scopes: frozenset[str], expires_in: int | None = None) -> tuple[str, int]:
        """A token with chosen scopes, for testing scope checks without a second OAuth client."""
        ttl = self.ttl if expires_in is None else expires_in
        token = new_access_token_string()
        with self._lock:
            self._tokens[token] = AccessToken(scopes, self.clock.now().timestamp() + ttl, None)
        return token, ttl

    def expire_all(self) -> int:
        with self._lock:
            count = len(self._tokens)
            self._tokens.clear()
        return count

    def reset(self) -> None:
        """Forget the issue history (throttle) and un-revoke refresh tokens; live tokens stay valid."""
        with self._lock:
            self._issued.clear()
            self._revoked_refresh.clear()

    def live_count(self) -> int:
        now = self.clock.now().timestamp()
        with self._lock:
            return sum(1 for t in self._tokens.values() if t.expires_at > now)

    # -- internals ------------------------------------------------------------------------------

    def _admit_issue(self, refresh: str, now: float) -> bool:
        if self.throttle <= 0:
            return True
        issued = self._issued.setdefault(refresh, deque())
        while issued and issued[0] <= now - THROTTLE_WINDOW_SECONDS:
            issued.popleft()
        if len(issued) >= self.throttle:
            return False
        issued.append(now)
        return True

    def _forget_expired(self, now: float) -> None:
        # Keeps the table small in long benchmark runs; called under the lock.
        if len(self._tokens) > 1000:
            for key in [k for k, v in self._tokens.items() if v.expires_at <= now]:
                del self._tokens[key]


def _oauth_fields(request: Request) -> dict[str, str]:
    """Query string and form fields (form wins); a JSON body contributes nothing, as at Zoho."""
    fields = dict(request.args.items())
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields.update(request.form.items())
    return fields
