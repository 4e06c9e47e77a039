"""The control API under ``/__sandbox/``: what tests and benchmarks use to steer the sandbox.

It is deliberately outside every API prefix (a Zoho client can never reach it by accident), is
never faulted or rate limited, and is not counted in the call log. Replies are plain JSON objects;
errors are ``{"error": "..."}`` with HTTP 400 or 404.
"""
from __future__ import annotations

import json

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from .clock import zoho_timestamp
from .oauth import FULL_ACCESS_SCOPE


class ControlError(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def reply(body: dict, status: int = 200) -> Response:
    resp = Response(json.dumps(body, default=str), status=status)
    resp.headers["Content-Type"] = "application/json;charset=UTF-8"
    return resp


def _body(request: Request) -> dict:
    raw = request.get_data()
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        raise ControlError("body must be a JSON object")
    if not isinstance(data, dict):
        raise ControlError("body must be a JSON object")
    return data


def _number(data: dict, key: str, default=0):
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ControlError(f"{key} must be a non-negative number")
    return value


_RULES = [
    ("/__sandbox/health", ("GET",), "health"),
    ("/__sandbox/reset", ("POST",), "reset"),
    ("/__sandbox/faults", ("GET", "POST", "DELETE"), "faults"),
    ("/__sandbox/faults/<int:fault_id>", ("DELETE",), "fault"),
    ("/__sandbox/calls", ("GET", "DELETE"), "calls"),
    ("/__sandbox/clock", ("GET", "POST"), "clock"),
    ("/__sandbox/latency", ("GET", "POST"), "latency"),
    ("/__sandbox/rate-limits", ("GET", "POST"), "rate_limits"),
    ("/__sandbox/webhooks", ("GET", "POST", "DELETE"), "webhooks"),
    ("/__sandbox/webhooks/<webhook_id>", ("DELETE",), "webhook"),
    ("/__sandbox/tokens", ("POST",), "tokens"),
    ("/__sandbox/tokens/expire", ("POST",), "tokens_expire"),
    ("/__sandbox/outbox", ("GET",), "outbox"),
    ("/__sandbox/dunning", ("GET", "POST"), "dunning"),
]


class Control:
    def __init__(self, sandbox) -> None:
        self.sandbox = sandbox
        self.url_map = Map([Rule(path, methods=list(methods), endpoint=name) for path, methods, name in _RULES],
                           strict_slashes=False)

    def dispatch(self, request: Request) -> Response:
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
        except MethodNotAllowed:
            return reply({"error": "method not allowed"}, 405)
        except NotFound:
            return reply({"error": "unknown control endpoint", "endpoints": [r[0] for r in _RULES]}, 404)
        try:
            return getattr(self, f"do_{endpoint}")(request, **args)
        except ControlError as error:
            return reply({"error": str(error)}, error.status)
        except ValueError as error:
            return reply({"error": str(error)}, 400)

    # -- endpoints ------------------------------------------------------------------------------

    def do_health(self, request):
        sb = self.sandbox
        return reply({
            "status": "ok",
            "seed": sb.config.seed,
            "store": sb.store is not None,
            "organization_id": sb.organization_id,
            "base_url": sb.base_url,
            "time": zoho_timestamp(sb.clock.now()),
        })

    def do_reset(self, request):
        data = _body(request)
        sb = self.sandbox
        seed = data.get("seed") or sb.config.seed
        sb.faults.clear()
        sb.calls.clear()
        sb.events.clear()
        sb.rate_limiter.reset()
        sb.tokens.reset()
        sb.clock.reset()
        sb.reseed(seed)
        return reply({"status": "reset", "seed": seed})

    def do_faults(self, request):
        faults = self.sandbox.faults
        if request.method == "POST":
            return reply({"fault": faults.add(_body(request)).as_dict()}, 201)
        if request.method == "DELETE":
            faults.clear()
        return reply({"faults": faults.list()})

    def do_fault(self, request, fault_id):
        if not self.sandbox.faults.remove(fault_id):
            raise ControlError("no such fault", 404)
        return reply({"deleted": fault_id})

    def do_calls(self, request):
        calls = self.sandbox.calls
        if request.method == "DELETE":
            calls.clear()
        return reply(calls.snapshot())

    def do_dunning(self, request):
        """Zoho's dunning setting: what happens when the last retry of a failed renewal fails."""
        store = self.sandbox.store
        if request.method == "POST":
            ends_with = _body(request).get("ends_with")
            if ends_with not in ("unpaid", "cancel"):
                raise ControlError('ends_with must be "unpaid" or "cancel"')
            with store.lock:
                store.dunning_ends_with = ends_with
        return reply({"ends_with": store.dunning_ends_with})

    def do_clock(self, request):
        clock = self.sandbox.clock
        if request.method == "POST":
            data = _body(request)
            seconds = _number(data, "advance_seconds") + _number(data, "advance_days") * 86400
            clock.advance(seconds)
        now = clock.now()
        return reply({"now": zoho_timestamp(now), "today": now.date().isoformat(),
                      "offset_seconds": clock.offset_seconds, "time_zone": str(clock.tz)})

    def do_latency(self, request):
        config = self.sandbox.config
        if request.method == "POST":
            config.latency_ms = int(_number(_body(request), "ms"))
        return reply({"ms": config.latency_ms})

    def do_rate_limits(self, request):
        sb = self.sandbox
        if request.method == "POST":
            data = _body(request)
            reset_counters = bool(data.pop("reset_counters", False))
            sb.set_rate_limits(sb.config.rate_limits.updated(data))
            if reset_counters:
                sb.rate_limiter.reset()
        return reply(sb.rate_limiter.snapshot())

    def do_webhooks(self, request):
        bus = self.sandbox.events
        if request.method == "POST":
            data = _body(request)
            hook = bus.add_webhook(data.get("url", ""), data.get("secret"), data.get("events"))
            return reply({"webhook": hook.as_dict()}, 201)
        if request.method == "DELETE":
            bus.clear_webhooks()
        return reply({"webhooks": [w.as_dict() for w in bus.webhooks()]})

    def do_webhook(self, request, webhook_id):
        if not self.sandbox.events.remove_webhook(webhook_id):
            raise ControlError("no such webhook", 404)
        return reply({"deleted": webhook_id})

    def do_tokens(self, request):
        """Mint an access token with chosen scopes (space or comma separated), e.g. to test scope checks."""
        data = _body(request)
        raw_scope = data.get("scope", FULL_ACCESS_SCOPE)
        if not isinstance(raw_scope, str) or not raw_scope.strip():
            raise ControlError("scope must be a non-empty string")
        scopes = frozenset(s for s in raw_scope.replace(",", " ").split() if s)
        expires_in = data.get("expires_in")
        if expires_in is not None:
            expires_in = int(_number(data, "expires_in"))
        token, ttl = self.sandbox.tokens.mint(scopes, expires_in)
        return reply({"access_token": token, "scope": " ".join(sorted(scopes)), "expires_in": ttl}, 201)

    def do_tokens_expire(self, request):
        return reply({"expired": self.sandbox.tokens.expire_all()})

    def do_outbox(self, request):
        """Every email the organization would have sent (invoices, credit notes), oldest first."""
        store = self.sandbox.store
        return reply({"emails": list(store.outbox) if store is not None else []})
