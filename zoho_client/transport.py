"""One HTTP exchange with Zoho over a pooled ``requests`` session, read to the end within a deadline.

Transport failures come back as ``SendFailure``, which says whether the request may have reached Zoho:
that decides whether a non-idempotent request's outcome is unknown.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError, ReadTimeoutError

from .errors import ZohoBadResponse, ZohoConnectionError, ZohoError, ZohoTimeout

CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Mapping[str, str]
    raw: bytes


class SendFailure(Exception):
    """A transport failure: ``error`` to raise, whether the request may have reached Zoho."""

    def __init__(self, error: ZohoError, *, sent: bool, retryable: bool = True) -> None:
        super().__init__(str(error))
        self.error = error
        self.sent = sent
        self.retryable = retryable


def pooled_session(pool_size: int = 32) -> requests.Session:
    """A session whose connection pool is big enough for a threaded worker fanning out calls."""
    session = requests.Session()
    # urllib3 retries stay off: the funnel decides what is retried, and urllib3 would obey a
    # Retry-After of hours.
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    params: Mapping[str, str],
    body: bytes | None,
    headers: Mapping[str, str],
    timeout: tuple[float, float],
    deadline: float,
    clock: Callable[[], float],
    max_bytes: int,
) -> Reply:
    """Send one request and read the whole reply, or raise SendFailure."""
    try:
        resp = session.request(method, url, params=params, data=body, headers=dict(headers), timeout=timeout,
                               stream=True, allow_redirects=False)
    except requests.ConnectTimeout as exc:
        raise SendFailure(ZohoTimeout("Zoho did not accept the connection in time", method=method, url=url),
                          sent=False) from exc
    except requests.ReadTimeout as exc:
        raise SendFailure(ZohoTimeout("Zoho did not answer in time", method=method, url=url), sent=True) from exc
    except requests.ConnectionError as exc:
        raise SendFailure(ZohoConnectionError(f"Connection to Zoho failed: {type(exc).__name__}",
                                              method=method, url=url), sent=not never_connected(exc)) from exc
    except requests.RequestException as exc:
        raise SendFailure(ZohoConnectionError(f"Request to Zoho failed: {type(exc).__name__}",
                                              method=method, url=url), sent=True, retryable=False) from exc
    status = resp.status_code
    try:
        chunks: list[bytes] = []
        size = 0
        # Streamed so that the call's total deadline also bounds a reply that trickles in slowly.
        for chunk in resp.iter_content(chunk_size=CHUNK_BYTES):
            size += len(chunk)
            if size > max_bytes:
                raise SendFailure(ZohoBadResponse(f"Zoho's reply is larger than {max_bytes} bytes", status=status,
                                                  method=method, url=url), sent=True, retryable=False)
            chunks.append(chunk)
            if clock() > deadline:
                raise SendFailure(ZohoTimeout("Zoho's reply did not finish within the deadline", status=status,
                                              method=method, url=url), sent=True)
        return Reply(status, resp.headers, b"".join(chunks))
    except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as exc:
        raise SendFailure(ZohoBadResponse("Zoho's reply was truncated or garbled", status=status,
                                          method=method, url=url), sent=True) from exc
    except requests.ConnectionError as exc:
        error_cls = ZohoTimeout if any(isinstance(a, ReadTimeoutError) for a in exc.args) else ZohoConnectionError
        raise SendFailure(error_cls("Zoho's reply broke off", status=status, method=method, url=url),
                          sent=True) from exc
    finally:
        resp.close()


def never_connected(exc: requests.ConnectionError) -> bool:
    """True when the TCP connection was never made, so the request cannot have reached Zoho."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, (NewConnectionError, ConnectionRefusedError)):
            return True
        pending.extend(a for a in getattr(current, "args", ()) if isinstance(a, BaseException))
        pending.append(getattr(current, "reason", None))
        pending.append(current.__cause__)
        pending.append(current.__context__)
    return False
