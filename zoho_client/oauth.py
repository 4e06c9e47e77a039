"""Access tokens from Zoho's OAuth server (refresh-token grant), shared and refreshed once.

Single flight: a refresh happens under the token store's lock, and a thread that arrives with a token
Zoho has just rejected first checks whether someone else already replaced it ("token generation"
check), so ten threads hitting 401 together cause exactly one refresh.

Nothing secret is logged: not the refresh token, not the client secret, not access tokens, and the OAuth
server's reply body (which holds the new token) is never attached to an exception.
"""
from __future__ import annotations

import copy
import logging
import time
from typing import Callable

import requests

from .config import ZohoConfig
from .errors import (
    ZohoAuthError,
    ZohoAuthThrottled,
    ZohoConnectionError,
    ZohoTimeout,
    ZohoUnavailable,
)
from .metrics import CallCounter
from .retry import parse_retry_after
from .token_store import CachedToken, TokenStore

log = logging.getLogger("zoho_client.oauth")

TOKEN_PATH = "/oauth/v2/token"
REFRESH_LOCK = "zoho-oauth-refresh"
DEFAULT_EXPIRES_IN = 3600
# After a failed refresh, threads queued on the lock get the same error for this long instead of each
# asking the OAuth server again (which would only earn a throttle on top of the failure).
FAILURE_HOLD_SECONDS = 5.0
# After Zoho throttled a refresh, nobody sharing the store asks again for this long (Zoho names no
# time; asking sooner only extends the throttle).
THROTTLE_HOLD_SECONDS = 60.0


class TokenManager:
    def __init__(
        self,
        config: ZohoConfig,
        store: TokenStore,
        session: requests.Session,
        *,
        counter: CallCounter | None = None,
        wall_clock: Callable[[], float] = time.time,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._config = config
        self._store = store
        self._session = session
        self._counter = counter
        self._now = wall_clock
        self._clock = clock
        self._last_failure: tuple[float, Exception] | None = None

    def access_token(self, timeout: float | None = None) -> str:
        """A usable access token, refreshing it (once, for everyone) when it is missing or nearly expired."""
        token = self._usable(self._store.get())
        if token:
            return token
        with self._store.lock(REFRESH_LOCK):
            token = self._usable(self._store.get())
            if token:
                return token
            return self._refresh_unless_just_failed(timeout)

    def after_rejection(self, rejected_token: str, timeout: float | None = None) -> str:
        """A new access token after Zoho rejected ``rejected_token`` with 401.

        If another thread or worker already replaced the rejected token, that replacement is used and no
        second refresh happens.
        """
        with self._store.lock(REFRESH_LOCK):
            current = self._store.get()
            if current is not None and current.access_token != rejected_token:
                token = self._usable(current)
                if token:
                    return token
            self._store.invalidate(rejected_token)
            return self._refresh_unless_just_failed(timeout)

    def _usable(self, token: CachedToken | None) -> str | None:
        if token is not None and token.is_usable(self._now(), self._config.token_refresh_margin):
            return token.access_token
        return None

    def _refresh_unless_just_failed(self, timeout: float | None) -> str:
        """Refresh (the caller holds the refresh lock), or repeat a refresh failure seconds old.

        A store shared by several processes may also remember the failure (``hold_failure``), so
        that the other workers and CLI commands repeat it instead of each asking the OAuth server.
        """
        if self._last_failure is not None:
            failed_at, error = self._last_failure
            if self._clock() - failed_at < FAILURE_HOLD_SECONDS:
                raise copy.copy(error)
        held = getattr(self._store, "held_failure", None)
        shared = held() if held is not None else None
        if shared is not None:
            raise _failure_from(*shared)
        try:
            token = self._refresh(timeout)
        except (ZohoAuthError, ZohoUnavailable) as exc:
            self._last_failure = (self._clock(), exc)
            hold = getattr(self._store, "hold_failure", None)
            if hold is not None:
                kind, seconds = _failure_kind(exc)
                hold(kind, str(exc.message)[:200], self._now() + seconds)
            raise
        self._last_failure = None
        return token

    def _refresh(self, timeout: float | None) -> str:
        url = self._config.accounts_url + TOKEN_PATH
        connect = self._config.connect_timeout
        read = self._config.read_timeout
        if timeout is not None:
            connect, read = min(connect, timeout), min(read, timeout)
        form = {
            "grant_type": "refresh_token",
            "client_id": self._config.client_id,
            "client_secret": self._config.client_secret,
            "refresh_token": self._config.refresh_token,
        }
        if self._counter:
            self._counter.increment("POST", TOKEN_PATH)
        started = time.monotonic()
        try:
            # Form fields, never the query string: a URL ends up in proxy and server logs.
            resp = self._session.post(
                url,
                data=form,
                headers={"Accept": "application/json", "User-Agent": self._config.user_agent},
                timeout=(connect, read),
                allow_redirects=False,
            )
        except requests.Timeout as exc:
            log.error("zoho oauth refresh timed out")
            raise ZohoTimeout("Zoho OAuth server timed out", method="POST", url=url) from exc
        except requests.RequestException as exc:
            log.error("zoho oauth refresh could not connect: %s", type(exc).__name__)
            raise ZohoConnectionError("Zoho OAuth server unreachable", method="POST", url=url) from exc
        elapsed_ms = int((time.monotonic() - started) * 1000)
        status = resp.status_code

        try:
            body = resp.json()
        except ValueError:
            body = None
        if status == 429 or (isinstance(body, dict) and _is_throttle(body)):
            log.error("zoho oauth refresh throttled (HTTP %s, %d ms)", status, elapsed_ms)
            raise ZohoAuthThrottled(
                "Zoho OAuth server throttled the token refresh",
                status=status, method="POST", url=url,
                retry_after=parse_retry_after(resp.headers.get("Retry-After")),
            )
        if status >= 500:
            log.error("zoho oauth refresh failed: HTTP %s (%d ms)", status, elapsed_ms)
            raise ZohoUnavailable("Zoho OAuth server error", status=status, method="POST", url=url)
        if not isinstance(body, dict):
            log.error("zoho oauth refresh failed: unreadable reply (HTTP %s)", status)
            raise ZohoAuthError("Zoho OAuth server sent an unreadable reply", status=status, method="POST", url=url)
        if "error" in body or status != 200:
            # Zoho reports a dead refresh token as HTTP 200 with {"error": "invalid_code"}.
            error = str(body.get("error") or f"HTTP {status}")[:80]
            log.error("zoho oauth refresh refused: error=%s (HTTP %s)", error, status)
            raise ZohoAuthError(f"Zoho OAuth refresh refused: {error}", status=status, method="POST", url=url)

        access = body.get("access_token")
        if not isinstance(access, str) or not access:
            log.error("zoho oauth refresh failed: reply without access_token")
            raise ZohoAuthError("Zoho OAuth reply has no access_token", status=status, method="POST", url=url)
        expires_in = body.get("expires_in", DEFAULT_EXPIRES_IN)
        if isinstance(expires_in, bool) or not isinstance(expires_in, (int, float)) or expires_in <= 0:
            expires_in = DEFAULT_EXPIRES_IN
        self._store.set(CachedToken(access_token=access, expires_at=self._now() + float(expires_in)))
        log.info("zoho oauth access token refreshed (expires_in=%ss, %d ms)", int(expires_in), elapsed_ms)
        return access


def _is_throttle(body: dict) -> bool:
    # Zoho answers a throttled refresh with {"error": "Access Denied", "error_description": "You have
    # made too many requests continuously…"}; only the description tells it apart from a real denial.
    text = f"{body.get('error', '')} {body.get('error_description', '')}".lower()
    return "error" in body and "too many" in text


def _failure_kind(error: Exception) -> tuple[str, float]:
    if isinstance(error, ZohoAuthThrottled):
        return "throttled", max(error.retry_after or 0.0, THROTTLE_HOLD_SECONDS)
    if isinstance(error, ZohoAuthError):
        return "refused", FAILURE_HOLD_SECONDS
    return "unavailable", FAILURE_HOLD_SECONDS


def _failure_from(kind: str, message: str, until: float) -> Exception:
    """A failure another process recorded, raised here as the same kind of error."""
    if kind == "throttled":
        return ZohoAuthThrottled(message, method="POST", url=TOKEN_PATH, retry_after=max(0.0, until - time.time()))
    if kind == "refused":
        return ZohoAuthError(message, method="POST", url=TOKEN_PATH)
    return ZohoUnavailable(message, method="POST", url=TOKEN_PATH)
