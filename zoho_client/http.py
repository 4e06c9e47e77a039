"""The client core: one ``_request`` funnel that every resource call goes through.

It owns the base URL, the auth and organization headers, timeouts and the call's total deadline, the
retry policy, the 401 → refresh → retry-once dance, the circuit breaker, the envelope check, error
mapping, metrics and logging. Resource modules only declare paths and parse models.
"""
from __future__ import annotations

import logging
import random
import time
from typing import Any, Callable, Mapping

import requests

from . import deadline as ambient
from .backoff import Backoff
from .breaker import CircuitBreaker
from .config import ZohoConfig
from .envelope import decode_envelope, error_for, excerpt, is_json_type
from .errors import (
    AUTH_CODES,
    ZohoBadResponse,
    ZohoError,
    ZohoOutcomeUnknown,
    ZohoRateLimited,
    ZohoTimeout,
)
from .metrics import CallCounter
from .oauth import TokenManager
from .retry import backoff_delay, parse_retry_after
from .token_store import InMemoryTokenStore, TokenStore
from .transport import Reply, SendFailure, pooled_session, send
from .wire import clean_params, encode_body, fill_path

log = logging.getLogger("zoho_client.http")

ORG_HEADER = "X-com-zoho-subscriptions-organizationid"
JSON = "application/json"
PDF = "application/pdf"
REQUEST_CONTENT_TYPE = "application/json;charset=UTF-8"
MAX_JSON_BYTES = 10 * 1024 * 1024
MAX_PDF_BYTES = 25 * 1024 * 1024
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE"})
# A retry is pointless with less time than this left before the deadline.
MIN_ATTEMPT_SECONDS = 0.5
# A gateway that timed out or failed may have passed the request on: for a POST the outcome is unknown.
AMBIGUOUS_GATEWAY_STATUSES = frozenset({502, 504})


class _RetryLater(Exception):
    def __init__(self, error: ZohoError, delay: float) -> None:
        super().__init__(str(error))
        self.error = error
        self.delay = delay


class _TokenRejected(Exception):
    pass


# Called once per HTTP attempt that reached (or tried to reach) Zoho: method, path template, and the
# HTTP status or the failure's kind ("timeout", "connection"). The portal counts them for /metrics.
CallObserver = Callable[[str, str, str], None]


class ZohoHTTP:
    """The transport half of ``ZohoClient``: everything about one HTTP call to Zoho."""

    def __init__(
        self,
        config: ZohoConfig,
        token_store: TokenStore | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        *,
        wall_clock: Callable[[], float] = time.time,
        jitter: Callable[[], float] = random.random,
        backoff: Backoff | None = None,
        observer: CallObserver | None = None,
    ) -> None:
        self.config = config
        self.metrics = CallCounter()
        self._owns_session = session is None
        self._session = session if session is not None else pooled_session()
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter
        self.token_store = token_store if token_store is not None else InMemoryTokenStore()
        self.tokens = TokenManager(
            config, self.token_store, self._session, counter=self.metrics, wall_clock=wall_clock, clock=clock
        )
        self.breaker = CircuitBreaker(config.breaker_threshold, config.breaker_cooldown, clock)
        # Shared with the other workers when given: a 429 or an open breaker then stops every call of
        # the deployment, not only this process's, and 429s are never slept on inside a request.
        self.backoff = backoff
        self._observer = observer

    def close(self) -> None:
        if self._owns_session:
            self._session.close()

    def _request(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        accept: str = JSON,
        idempotent: bool | None = None,
    ) -> Any:
        """Call Zoho and return the decoded envelope (a dict), or the raw bytes when ``accept`` is PDF.

        ``path`` is a template such as ``/invoices/{invoice_id}``; ids go in ``path_params`` and are
        percent-encoded, so an id can never reach another path. Retries happen only for idempotent
        requests (GET/PUT/DELETE, or ``idempotent=True``).
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        url = self.config.api_base + fill_path(path, path_params or {})
        query = clean_params(params or {})
        body = encode_body(json) if json is not None else None

        started = self._clock()
        deadline = started + self.config.total_deadline
        budget = ambient.remaining()
        if budget is not None:
            # The page's upstream budget (zoho_client.deadline) ends this call sooner.
            deadline = min(deadline, started + budget)
        retries = 0
        reauthenticated = False
        status_note = "-"
        failed = False
        try:
            while True:
                remaining = deadline - self._clock()
                if remaining <= 0:
                    raise ZohoTimeout("Zoho call exceeded its total deadline", method=method, url=url)
                token = self.tokens.access_token(timeout=remaining)
                try:
                    result, status_note = self._attempt(
                        method, path, url, query, body, accept, token, idempotent, deadline, retries,
                        not reauthenticated,
                    )
                    return result
                except _TokenRejected:
                    reauthenticated = True
                    self.tokens.after_rejection(token, timeout=max(0.0, deadline - self._clock()))
                except _RetryLater as later:
                    status_note = _note(later.error)
                    if self._clock() + later.delay + MIN_ATTEMPT_SECONDS >= deadline:
                        raise later.error
                    retries += 1
                    self._sleep(later.delay)
        except ZohoError as exc:
            status_note, failed = _note(exc), True
            raise
        finally:
            elapsed_ms = int((self._clock() - started) * 1000)
            # Method and path template only: query strings can hold e-mail addresses, bodies hold PII,
            # and tokens never appear anywhere in a log line.
            log.log(logging.WARNING if failed else logging.INFO, "zoho %s %s -> %s in %d ms (retries=%d)",
                    method, path, status_note, elapsed_ms, retries)

    def _attempt(self, method, path, url, query, body, accept, token, idempotent, deadline, retries, may_reauth):
        shared_probe = self.backoff.before_call() if self.backoff is not None else None
        try:
            probe = self.breaker.acquire()
        except ZohoError:
            if self.backoff is not None:
                self.backoff.after_call(shared_probe, reached_zoho=False, healthy=False)
            raise
        healthy: bool | None = None
        rate_limited = False
        seen = "-"
        try:
            self.metrics.increment(method, path)
            try:
                reply = self._send(method, url, query, body, accept, token, deadline)
            except SendFailure as failure:
                healthy = False
                seen = "timeout" if isinstance(failure.error, ZohoTimeout) else "connection"
                failure.error.__cause__ = failure.__cause__  # keep the transport error for debugging
                if failure.sent and not idempotent:
                    raise ZohoOutcomeUnknown(
                        f"Zoho's reply was lost after the request was sent ({failure.error.message}); "
                        "re-read Zoho's state before trying again",
                        method=method, url=url,
                    ) from failure.error
                if failure.retryable and idempotent and retries < self.config.max_retries:
                    raise _RetryLater(failure.error, self._backoff(retries + 1)) from None
                raise failure.error
            healthy = reply.status < 500
            seen = str(reply.status)
            result = self._interpret(reply, method, url, accept, idempotent, retries, may_reauth)
            return result, str(reply.status)
        except _TokenRejected:
            healthy = True
            raise
        except ZohoRateLimited:
            rate_limited = True
            raise
        except ZohoBadResponse:
            healthy = False
            raise
        finally:
            if healthy is None:
                self.breaker.release(probe)
            elif self.breaker.record(success=healthy, probe=probe) and self.backoff is not None:
                # The breaker just opened here: every other worker stops calling too.
                self.backoff.unavailable(self.config.breaker_cooldown)
            if self.backoff is not None:
                self.backoff.after_call(shared_probe, reached_zoho=healthy is not None,
                                        healthy=bool(healthy) and not rate_limited)
            if self._observer is not None and healthy is not None:
                self._observer(method, path, seen)

    def _interpret(self, reply: Reply, method, url, accept, idempotent, retries, may_reauth):
        status = reply.status
        if 200 <= status < 300:
            if accept == PDF:
                return self._pdf_body(reply, method, url)
            if not is_json_type(reply.headers.get("Content-Type")):
                raise ZohoBadResponse(
                    f"Zoho sent {reply.headers.get('Content-Type') or 'no content type'} instead of JSON",
                    status=status, method=method, url=url, body_excerpt=excerpt(reply.raw),
                )
            payload = decode_envelope(reply.raw, status=status, method=method, url=url)
            if payload["code"] != 0:
                raise error_for(status, payload, method=method, url=url, raw=reply.raw)
            return payload

        payload = self._error_payload(reply, method, url)
        retry_after = parse_retry_after(reply.headers.get("Retry-After"))
        error = error_for(status, payload, method=method, url=url, raw=reply.raw, retry_after=retry_after)

        if status == 401 and may_reauth and (payload is None or payload.get("code") in AUTH_CODES):
            # An expired or revoked access token: refresh once (shared) and retry once, for any method,
            # because a 401 means Zoho did nothing with the request.
            raise _TokenRejected()
        if status == 429:
            if self.backoff is not None:
                # Everyone waits out Retry-After (capped); this request answers at once instead of
                # sleeping: the page serves last-good data or its calm page.
                self.backoff.rate_limited(retry_after)
                raise error
            if retry_after is not None and retry_after > self.config.retry_after_cap:
                # Never sleep for minutes inside a request: the caller serves stale data instead.
                raise error
            if idempotent and retries < self.config.max_retries:
                delay = retry_after if retry_after is not None else self._backoff(retries + 1)
                raise _RetryLater(error, delay)
            raise error
        if status >= 500:
            if not idempotent and status in AMBIGUOUS_GATEWAY_STATUSES:
                raise ZohoOutcomeUnknown(
                    f"Zoho's gateway answered HTTP {status} after the request was sent; "
                    "re-read Zoho's state before trying again",
                    status=status, method=method, url=url, body_excerpt=excerpt(reply.raw),
                )
            if idempotent and retries < self.config.max_retries:
                raise _RetryLater(error, self._backoff(retries + 1))
        raise error

    def _error_payload(self, reply: Reply, method, url) -> dict | None:
        """Zoho's envelope from an error reply, or None when the body is not one (an HTML 503…)."""
        if not reply.raw or not (is_json_type(reply.headers.get("Content-Type")) or reply.raw[:1] == b"{"):
            return None
        try:
            return decode_envelope(reply.raw, status=reply.status, method=method, url=url)
        except ZohoBadResponse:
            return None

    def _pdf_body(self, reply: Reply, method, url) -> bytes:
        content_type = reply.headers.get("Content-Type") or ""
        if content_type.split(";", 1)[0].strip().lower() == PDF:
            if not reply.raw.startswith(b"%PDF"):
                raise ZohoBadResponse("Zoho's PDF does not start with %PDF", status=reply.status, method=method, url=url)
            return reply.raw
        if is_json_type(content_type):
            payload = decode_envelope(reply.raw, status=reply.status, method=method, url=url)
            if payload["code"] != 0:
                raise error_for(reply.status, payload, method=method, url=url, raw=reply.raw)
        raise ZohoBadResponse(
            f"Zoho sent {content_type or 'no content type'} instead of a PDF",
            status=reply.status, method=method, url=url, body_excerpt=excerpt(reply.raw),
        )

    def _send(self, method, url, query, body, accept, token, deadline) -> Reply:
        remaining = max(0.001, deadline - self._clock())
        headers = {
            "Authorization": f"Zoho-oauthtoken {token}",
            ORG_HEADER: self.config.organization_id,
            "Accept": accept,
            "User-Agent": self.config.user_agent,
        }
        if body is not None:
            headers["Content-Type"] = REQUEST_CONTENT_TYPE
        # Explicit timeouts, never longer than what is left of the call's deadline.
        timeout = (min(self.config.connect_timeout, remaining), min(self.config.read_timeout, remaining))
        return send(self._session, method, url, params=query, body=body, headers=headers, timeout=timeout,
                    deadline=deadline, clock=self._clock, max_bytes=MAX_PDF_BYTES if accept == PDF else MAX_JSON_BYTES)

    def _backoff(self, retry_number: int) -> float:
        return backoff_delay(retry_number, self.config.backoff_base, self.config.backoff_cap, self._jitter)


def _note(error: ZohoError) -> str:
    label = type(error).__name__
    return f"{error.status} {label}" if error.status is not None else label
