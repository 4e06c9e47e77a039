"""The sandbox's wire core: errors, JSON envelopes, routing and the per-request context.

Everything Zoho-shaped that every endpoint needs lives here so that the resource modules stay
small. The sandbox shares no code with ``zoho_client`` on purpose: if one of them misreads
Zoho's wire format, the fidelity tests catch it instead of the two agreeing with each other.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

JSON_CONTENT_TYPE = "application/json;charset=UTF-8"

# The three mount points Zoho serves the same API under (zoho-billing-api.md §1.1).
API_PREFIXES = ("/billing/v1", "/subscriptions/v1", "/api/v1")


class ApiError(Exception):
    """An error answered in Zoho's envelope: ``{"code": N, "message": "..."}`` with an HTTP status."""

    def __init__(self, http_status: int, code: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.http_status = http_status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def response(self) -> Response:
        return json_response({"code": self.code, "message": self.message}, self.http_status, self.headers)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Zoho sends money as JSON numbers (99999.99, 0.0), never as strings.
        return float(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def json_response(body: dict, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    payload = json.dumps(body, ensure_ascii=False, default=_json_default)
    resp = Response(payload.encode("utf-8"), status=status)
    # Set the header verbatim: some clients compare it as a string (zoho-billing-api.md, top).
    resp.headers["Content-Type"] = JSON_CONTENT_TYPE
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def ok(message: str = "success", status: int = 200, **payload: Any) -> Response:
    """Success envelope. Reads say "success"; writes pass Zoho's own sentence; creates pass 201."""
    body = {"code": 0, "message": message}
    body.update(payload)
    return json_response(body, status)


def _reject_constant(name: str):
    # NaN and Infinity are not JSON; Python's parser would take them.
    raise ValueError(f"{name} is not JSON")


def _form_field(request: Request, name: str) -> str | None:
    """A form field, or None; a body that only claims to be a form (broken multipart) has none."""
    try:
        return request.form.get(name)
    except Exception:
        return None


def read_json_body(request: Request) -> dict:
    """The request's JSON object, read as liberally as Zoho reads it.

    Zoho Books and Invoice (and clients written for them) send the object as a ``JSONString`` form
    field or query parameter; everyone else sends a raw JSON body. An empty body, or the JSON
    literal ``null`` that some clients send on actions without a payload, is ``{}``. Anything else
    that is not a JSON object is Zoho's 400/1038 "JSON is not well formed".
    """
    raw: str | bytes | None = _form_field(request, "JSONString")
    if raw is None:
        raw = request.args.get("JSONString")
    if raw is None:
        raw = request.get_data(cache=True)
    if not raw or not raw.strip():
        return {}
    try:
        data = json.loads(raw, parse_float=Decimal, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ApiError(400, 1038, "JSON is not well formed")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ApiError(400, 1038, "JSON is not well formed")
    return data


def options(request: Request, body: dict, *names: str) -> dict:
    """Options a documented call takes in the query (``cancel_at_end``, ``send`` …) merged with the
    body, which some clients use instead; the body wins when both carry one."""
    return {**{name: request.args[name] for name in names if name in request.args}, **body}


MAX_PAGE_NUMBER = 10**9  # beyond any real list; keeps slice arithmetic on small numbers


def paging_number(request: Request, name: str, default: int) -> int:
    """``page``/``per_page`` read leniently: anything but a positive whole number (``0``, ``-3``,
    ``abc``, ``""``) is the default, and ``"2.0"`` is 2. ``page_context`` tells the client what it got."""
    try:
        value = Decimal((request.args.get(name) or "").strip())
    except ArithmeticError:
        return default
    if not value.is_finite() or value != value.to_integral_value() or not 1 <= value <= MAX_PAGE_NUMBER:
        return default
    return int(value)


@dataclass(frozen=True)
class Route:
    rule: str
    methods: tuple[str, ...]
    endpoint: str
    handler: Callable[..., Response]
    scope: str  # e.g. "customers.READ"; checked against the token's scope (zoho-billing-api.md §1.4)


class Router:
    """Collects API routes from the resource modules; paths are relative to an API prefix."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def route(self, rule: str, methods: list[str] | tuple[str, ...] = ("GET",), *, scope: str):
        def register(func: Callable[..., Response]) -> Callable[..., Response]:
            endpoint = f"{func.__module__.rsplit('.', 1)[-1]}.{func.__name__}"
            self.routes.append(Route(rule, tuple(m.upper() for m in methods), endpoint, func, scope))
            return func

        return register

    def url_map(self) -> Map:
        rules = []
        for prefix in API_PREFIXES:
            for r in self.routes:
                rules.append(Rule(prefix + r.rule, methods=list(r.methods), endpoint=r.endpoint))
        # strict_slashes=False: Zoho answers "/customers/" like "/customers". Repeated slashes are
        # merged before routing (server.normalize_path), so the map never has to redirect.
        return Map(rules, strict_slashes=False, merge_slashes=False)

    def handlers(self) -> dict[str, Route]:
        return {r.endpoint: r for r in self.routes}


#: The single router every resource module registers on (``from zoho_sandbox.core import api``).
api = Router()


@dataclass
class RequestContext:
    """What a handler gets besides the Werkzeug request and the URL arguments."""

    sandbox: Any  # zoho_sandbox.server.Sandbox: .store, .events, .clock, .config
    organization_id: str
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def store(self):
        return self.sandbox.store


def not_found_route() -> ApiError:
    return ApiError(404, 5, "Invalid URL Passed")


def method_not_allowed() -> ApiError:
    return ApiError(405, 37, "The HTTP method is not allowed for the requested resource")


def match(url_map: Map, request: Request):
    """(endpoint, args) for a request, or an ApiError for an unknown path / wrong method."""
    adapter = url_map.bind_to_environ(request.environ)
    try:
        return adapter.match()
    except MethodNotAllowed:
        raise method_not_allowed()
    except HTTPException:
        # NotFound, and anything else routing can raise (a redirect it would suggest): no such URL.
        raise not_found_route()


