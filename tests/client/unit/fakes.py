"""A scripted requests transport for unit tests: exact failure modes without a network.

Each route (method, path) has a queue of steps; a step is a reply or an exception to raise from
``send``. Replies are real urllib3 responses over in-memory bodies, so streaming, Content-Length
enforcement and truncation behave as on the wire.
"""
from __future__ import annotations

import io
import json
import threading
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

import requests
from requests.adapters import BaseAdapter, HTTPAdapter
from urllib3 import HTTPResponse
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

API = "https://zoho.test/billing/v1"
ACCOUNTS = "https://accounts.zoho.test"
JSON_TYPE = "application/json;charset=UTF-8"


@dataclass
class Reply:
    status: int = 200
    body: bytes | dict | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_length: int | None = None  # lie about the length to simulate truncation
    delay: Callable[[], None] | None = None


def json_reply(payload: dict, status: int = 200, **headers: str) -> Reply:
    return Reply(status=status, body=payload, headers={"Content-Type": JSON_TYPE, **headers})


def ok(**payload: Any) -> Reply:
    return json_reply({"code": 0, "message": "success", **payload})


def token_reply(token: str = "1000.access.one", expires_in: int = 3600) -> Reply:
    return json_reply({"access_token": token, "api_domain": "https://www.zohoapis.test",
                       "token_type": "Bearer", "expires_in": expires_in})


def connection_reset() -> Exception:
    return requests.ConnectionError(ProtocolError("Connection aborted.", ConnectionResetError(104, "reset")))


def connection_refused(url: str = API) -> Exception:
    reason = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] Connection refused")
    return requests.ConnectionError(MaxRetryError(None, url, reason))


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes | None
    timeout: Any = None


class ScriptedAdapter(BaseAdapter):
    def __init__(self) -> None:
        super().__init__()
        self._routes: dict[tuple[str, str], list[Any]] = {}
        self._sticky: dict[tuple[str, str], Any] = {}
        self.seen: list[Seen] = []
        self._lock = threading.Lock()

    def add(self, method: str, url: str, *steps: Any, sticky: Any = None) -> None:
        """Queue steps for a route; ``sticky`` answers once the queue is empty."""
        key = (method.upper(), urlsplit(url).path)
        self._routes.setdefault(key, []).extend(steps)
        if sticky is not None:
            self._sticky[key] = sticky

    def calls(self, method: str | None = None, path_suffix: str | None = None) -> list[Seen]:
        with self._lock:
            return [s for s in self.seen
                    if (method is None or s.method == method) and (path_suffix is None or s.path.endswith(path_suffix))]

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        parts = urlsplit(request.url)
        key = (request.method, parts.path)
        body = request.body.encode() if isinstance(request.body, str) else request.body
        with self._lock:
            self.seen.append(Seen(request.method, parts.path, parse_qs(parts.query), dict(request.headers), body,
                                  timeout))
            queue = self._routes.get(key)
            step = queue.pop(0) if queue else self._sticky.get(key)
        if step is None:
            raise AssertionError(f"unexpected request {request.method} {parts.path}")
        if callable(step) and not isinstance(step, Reply):
            step = step(request, timeout)
        if isinstance(step, BaseException):
            raise step
        if step.delay:
            step.delay()
        raw = step.body
        if isinstance(raw, dict):
            raw = json.dumps(raw).encode()
        elif isinstance(raw, str):
            raw = raw.encode()
        headers = dict(step.headers)
        headers["Content-Length"] = str(step.content_length if step.content_length is not None else len(raw))
        resp = HTTPResponse(body=io.BytesIO(raw), headers=headers, status=step.status, preload_content=False,
                            enforce_content_length=True, decode_content=True, request_method=request.method)
        return HTTPAdapter().build_response(request, resp)

    def close(self) -> None:
        pass


def scripted_session() -> tuple[requests.Session, ScriptedAdapter]:
    session = requests.Session()
    adapter = ScriptedAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session, adapter


def in_threads(call: Callable[[], Any], count: int) -> tuple[list, list]:
    """Run ``call`` in ``count`` threads at once; its results and the exceptions it raised."""
    results: list = []
    errors: list = []

    def worker() -> None:
        try:
            results.append(call())
        except Exception as error:  # noqa: BLE001 - handed back to the test
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors
