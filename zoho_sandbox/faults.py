"""Fault injection: make chosen requests fail the ways real networks and Zoho fail.

A fault matches a path glob (``/billing/v1/invoices*``) and optionally a method, and fires for the
next ``count`` matching requests (``-1``: until removed). Kinds:

- ``latency``  sleep ``latency_ms``, then answer normally;
- ``hang``     hold the request for ``seconds`` (or until the client goes away), then close without answering;
- ``reset``    TCP reset (RST, via SO_LINGER 0) before any byte is sent;
- ``truncate`` the real answer's headers with its full Content-Length, half the body, then close;
- ``non_json`` HTTP 200 ``text/html`` page, as an intercepting proxy or captive portal would send;
- ``status``   429 (Zoho code 44/45/1070), 500 (code 1000) or 502/503/504 (a load balancer's HTML page),
  with an optional ``Retry-After``.

Raw-socket kinds need the sandbox's own server (``environ["werkzeug.socket"]``); they end by raising
``ConnectionClosedByFault``, which that server treats as a dropped connection.
"""
from __future__ import annotations

import fnmatch
import itertools
import select
import socket
import struct
import threading
import time
from dataclasses import asdict, dataclass

from werkzeug.wrappers import Response

from .core import ApiError
from .ratelimit import rate_limited

KINDS = ("latency", "hang", "reset", "truncate", "non_json", "status")
STATUSES = (429, 500, 502, 503, 504)
RESET_FLAG = "zoho_sandbox.reset_connection"

_LOAD_BALANCER_PAGES = {
    502: "502 Bad Gateway",
    503: "503 Service Temporarily Unavailable",
    504: "504 Gateway Time-out",
}

NON_JSON_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>Network notice</title></head>\n"
    "<body><h1>Please sign in to continue</h1>"
    "<p>Your connection was intercepted by a network gateway.</p></body></html>\n"
)


class ConnectionClosedByFault(ConnectionError):
    """The fault already wrote (or refused to write) the answer; the server must just close."""

    def __init__(self, kind: str, status: int = 0):
        super().__init__(f"connection closed by {kind} fault")
        self.kind = kind
        self.status = status


@dataclass
class Fault:
    id: int
    path: str
    method: str | None
    kind: str
    status: int | None = None
    code: int | None = None
    latency_ms: int = 0
    seconds: float = 30.0
    retry_after: int | None = None
    count: int = 1  # remaining firings; -1 = until removed
    hits: int = 0

    def as_dict(self) -> dict:
        return asdict(self)

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and fnmatch.fnmatchcase(path, self.path)


def _int(spec: dict, key: str, default, minimum: int = 0):
    value = spec.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise ValueError(f"{key} must be a number >= {minimum}")
    return value


class FaultRegistry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)

    def add(self, spec: dict) -> Fault:
        """Validates a fault spec from the control API; ValueError explains what is wrong."""
        kind = spec.get("kind")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        path = spec.get("path")
        if not isinstance(path, str) or not path.startswith("/") and path != "*":
            raise ValueError("path must be a glob starting with / (e.g. /billing/v1/invoices*)")
        method = spec.get("method")
        if method is not None and not isinstance(method, str):
            raise ValueError("method must be a string or null")
        status = spec.get("status")
        if kind == "status":
            if status not in STATUSES:
                raise ValueError(f"status must be one of {', '.join(map(str, STATUSES))}")
        count = _int(spec, "count", 1, minimum=-1)
        if count == 0:
            raise ValueError("count must be -1 (until removed) or a positive number")
        retry_after = spec.get("retry_after")
        if retry_after is not None:
            retry_after = int(_int(spec, "retry_after", 0))
        code = spec.get("code")
        if code is not None and (isinstance(code, bool) or not isinstance(code, int)):
            raise ValueError("code must be an integer")
        with self._lock:
            fault = Fault(
                id=next(self._ids),
                path=path,
                method=method.upper() if method else None,
                kind=kind,
                status=status,
                code=code,
                latency_ms=int(_int(spec, "latency_ms", 1000)),
                seconds=float(_int(spec, "seconds", 30)),
                retry_after=retry_after,
                count=int(count),
            )
            self._faults.append(fault)
        return fault

    def take(self, method: str, path: str) -> Fault | None:
        """The first fault matching this request, with its count used up by one."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.hits += 1
                    if fault.count > 0:
                        fault.count -= 1
                        if fault.count == 0:
                            self._faults.remove(fault)
                    return Fault(**asdict(fault))
        return None

    def list(self) -> list[dict]:
        with self._lock:
            return [f.as_dict() for f in self._faults]

    def remove(self, fault_id: int) -> bool:
        with self._lock:
            before = len(self._faults)
            self._faults = [f for f in self._faults if f.id != fault_id]
            return len(self._faults) != before

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()


# -- what each kind does to a request ---------------------------------------------------------


def status_response(fault: Fault) -> Response:
    extra = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
    if fault.status == 429:
        error = rate_limited(fault.code or 44)
        error.headers.update(extra)
        return error.response()
    if fault.status == 500:
        return ApiError(500, fault.code or 1000, "Internal Error", extra).response()
    title = _LOAD_BALANCER_PAGES[fault.status]
    page = f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n</body>\r\n</html>\r\n"
    resp = Response(page, status=fault.status, headers=extra)
    resp.headers["Content-Type"] = "text/html"
    return resp


def non_json_response() -> Response:
    resp = Response(NON_JSON_PAGE, status=200)
    resp.headers["Content-Type"] = "text/html; charset=utf-8"
    return resp


def _socket(environ) -> socket.socket:
    sock = environ.get("werkzeug.socket")
    if sock is None:
        raise RuntimeError("raw-socket faults need the sandbox's own HTTP server")
    return sock


def reset_connection(environ) -> None:
    """RST before any byte: linger 0 makes the server's final close() abort the connection."""
    sock = _socket(environ)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    environ[RESET_FLAG] = True
    raise ConnectionClosedByFault("reset")


def hang(environ, seconds: float) -> None:
    """Hold the connection open and silent until ``seconds`` pass or the client disconnects."""
    sock = _socket(environ)
    # Drain the request body first so that the socket turns readable only when the client leaves.
    stream = environ["wsgi.input"]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        stream.read(length)
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        readable, _, _ = select.select([sock], [], [], min(left, 0.2))
        if readable:
            try:
                if sock.recv(1, socket.MSG_PEEK) == b"":
                    break  # the client gave up
            except OSError:
                break
            time.sleep(0.05)  # pipelined bytes: keep holding, but don't spin
    raise ConnectionClosedByFault("hang")


def write_truncated(environ, response: Response) -> None:
    """Send ``response`` with its full Content-Length but only half of its body, then close."""
    sock = _socket(environ)
    body = response.get_data()
    status = response.status_code
    head = [f"HTTP/1.1 {response.status}"]
    for key, value in response.headers.items():
        if key.lower() not in ("content-length", "connection"):
            head.append(f"{key}: {value}")
    head.append(f"Content-Length: {len(body)}")
    head.append("Connection: close")
    raw = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body[: len(body) // 2]
    try:
        sock.sendall(raw)
    except OSError:
        pass
    raise ConnectionClosedByFault("truncate", status)
