"""The client's exceptions. Every failure is raised, never returned.

``ZohoError`` carries what a log line or an error page needs: the HTTP status, Zoho's own ``code`` and
``message``, the method and the URL (without its query string, which can hold e-mail addresses), and a
short excerpt of the body. ``str()`` leaves the body out so that logging an exception cannot spill it.
"""
from __future__ import annotations

BODY_EXCERPT_CHARS = 300


class ZohoError(Exception):
    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: int | None = None,
        method: str | None = None,
        url: str | None = None,
        body_excerpt: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.method = method
        self.url = url
        self.body_excerpt = body_excerpt[:BODY_EXCERPT_CHARS] if body_excerpt else body_excerpt

    def __str__(self) -> str:
        bits = [self.message]
        detail = []
        if self.status is not None:
            detail.append(f"HTTP {self.status}")
        if self.code is not None:
            detail.append(f"code {self.code}")
        if detail:
            bits.append(f"({', '.join(detail)})")
        if self.method and self.url:
            bits.append(f"on {self.method} {self.url}")
        return " ".join(bits)


class ZohoNotFound(ZohoError):
    """The object does not exist (Zoho says so with 404, or with 400 and a module code)."""


class ZohoUnauthorized(ZohoError):
    """Zoho rejected our access token even after one refresh (401, codes 57/14)."""


class ZohoAuthError(ZohoUnauthorized):
    """The OAuth server refused to issue an access token (revoked refresh token, bad client…)."""


class ZohoForbidden(ZohoError):
    """403: the token is valid but lacks permission for this organization or operation."""


class ZohoValidationError(ZohoError):
    """Zoho refused the request as invalid; ``code`` and ``message`` are Zoho's own."""

    def __init__(self, message: str, *, field: str | None = None, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.field = field


class ZohoRateLimited(ZohoError):
    """429 (or Zoho codes 44/45/1070). ``retry_after`` is in seconds when Zoho said, else None."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ZohoAuthThrottled(ZohoAuthError, ZohoRateLimited):
    """The OAuth server throttled our refresh: an auth failure that will pass with time."""


class ZohoUnavailable(ZohoError):
    """Zoho is down or unreachable: 5xx, connection failure, timeout, or our circuit breaker is open."""


class ZohoTimeout(ZohoUnavailable):
    """Zoho did not answer within the timeouts or the call's total deadline."""


class ZohoConnectionError(ZohoUnavailable):
    """The connection could not be made or broke before a reply arrived."""


class ZohoCircuitOpen(ZohoUnavailable):
    """Calls fail fast without touching Zoho because recent calls kept failing."""


class ZohoBadResponse(ZohoError):
    """Zoho's reply could not be understood: not JSON, truncated, wrong content type, wrong shape."""


class ZohoOutcomeUnknown(ZohoError):
    """A non-idempotent request was sent but its reply was lost (timeout, reset, gateway error).

    Zoho may or may not have acted on it: re-read Zoho's state before trying again.
    """


# Zoho answers "no such object" in module-specific ways (zoho-billing-api.md §2.3): HTTP 400 with a
# module code for customers (3004), plans (101002), addons (102001) and products/items (2006), and
# HTTP 404 with 1002 for subscriptions.
NOT_FOUND_CODES = frozenset({1002, 2006, 3004, 101002, 102001})
AUTH_CODES = frozenset({14, 57})
RATE_LIMIT_CODES = frozenset({44, 45, 1070})
