"""Reading Zoho's replies: the JSON envelope ``{"code": 0, "message": …, <key>: …}`` and its errors.

Zoho reports success through ``code == 0`` in the body, so a 200 with another code is an error too; an
error's class depends on the HTTP status and, for Zoho's "not found" quirks, on the code.
"""
from __future__ import annotations

import json
from typing import Any

from .errors import (
    AUTH_CODES,
    NOT_FOUND_CODES,
    RATE_LIMIT_CODES,
    ZohoBadResponse,
    ZohoError,
    ZohoForbidden,
    ZohoNotFound,
    ZohoRateLimited,
    ZohoUnauthorized,
    ZohoUnavailable,
    ZohoValidationError,
)


def is_json_type(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def excerpt(raw: bytes) -> str:
    return raw[:300].decode("utf-8", errors="replace")


def decode_envelope(raw: bytes, *, status: int, method: str, url: str) -> dict[str, Any]:
    """The reply as a JSON object with an integer ``code``, or ZohoBadResponse."""
    ctx = dict(status=status, method=method, url=url, body_excerpt=excerpt(raw))
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ZohoBadResponse("Zoho sent a body that is not valid JSON", **ctx) from exc
    if not isinstance(payload, dict):
        raise ZohoBadResponse("Zoho sent JSON that is not an object", **ctx)
    code = payload.get("code")
    if isinstance(code, bool) or not isinstance(code, int):
        raise ZohoBadResponse("Zoho's reply has no integer 'code'", **ctx)
    return payload


def error_for(
    status: int,
    payload: dict[str, Any] | None,
    *,
    method: str,
    url: str,
    raw: bytes = b"",
    retry_after: float | None = None,
) -> ZohoError:
    """The exception for an error reply (any non-2xx, or a 2xx whose ``code`` is not 0)."""
    code = payload.get("code") if payload else None
    if isinstance(code, bool) or not isinstance(code, int):
        code = None
    message = payload.get("message") if payload else None
    if not isinstance(message, str) or not message:
        message = f"Zoho answered HTTP {status}"
    ctx = dict(status=status, code=code, method=method, url=url, body_excerpt=excerpt(raw) if raw else None)

    if status == 403:
        # Zoho uses code 57 for both a dead token (401) and a missing permission (403).
        return ZohoForbidden(message, **ctx)
    if status == 404 or code in NOT_FOUND_CODES:
        return ZohoNotFound(message, **ctx)
    if status == 401 or code in AUTH_CODES:
        return ZohoUnauthorized(message, **ctx)
    if status == 429 or code in RATE_LIMIT_CODES:
        return ZohoRateLimited(message, retry_after=retry_after, **ctx)
    if status >= 500:
        return ZohoUnavailable(message, **ctx)
    if 400 <= status < 500 or 200 <= status < 300:
        field = payload.get("field") if payload else None
        return ZohoValidationError(message, field=field if isinstance(field, str) else None, **ctx)
    return ZohoBadResponse(f"Zoho answered with unexpected HTTP {status}", **ctx)
