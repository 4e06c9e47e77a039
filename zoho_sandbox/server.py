"""The sandbox as a WSGI app, and the threaded HTTP server that can also misbehave on purpose.

One request goes through, in order:
call log → fault injection → ``/__sandbox/*`` control → ``/oauth/v2/token`` → ``/hostedpage/...``
→ the API under every prefix of ``core.API_PREFIXES``.

The control API is neither logged nor faulted: tests must always be able to reach it, and reading
the call log must not change it. The API step checks, in Zoho's order: the ``Authorization``
header (401/14), the token (401/57), the organization (400/6041), the route (404/405), the scope
(401/57), the rate limits (429), then adds the configured latency and calls the handler.
"""
from __future__ import annotations

import dataclasses
import importlib
import re
import socketserver
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field

from werkzeug.routing import Map
from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler
from werkzeug.wrappers import Request, Response

from . import events as events_module  # registers GET /events on core.api
from . import pdf
from .calllog import CallLog, template_from_rule
from .clock import Clock
from .core import API_PREFIXES, ApiError, RequestContext, api, json_response, match, not_found_route
from .events import EventBus, Webhook
from .faults import (
    RESET_FLAG,
    ConnectionClosedByFault,
    FaultRegistry,
    hang,
    non_json_response,
    reset_connection,
    status_response,
    write_truncated,
)
from .oauth import FULL_ACCESS_SCOPE, TokenAuthority
from .ratelimit import RateLimiter, RateLimits

DEMO_ORGANIZATION_ID = "10234695"
ORG_HEADER = "X-com-zoho-subscriptions-organizationid"
TOKEN_PATH = "/oauth/v2/token"
REVOKE_PATH = "/oauth/v2/token/revoke"
HOSTEDPAGE_PREFIX = "/hostedpage/"
CONTROL_PREFIX = "/__sandbox/"
SEEDS = ("demo", "large", "empty")
AUTH_SCHEMES = ("zoho-oauthtoken", "bearer")
_REPEATED_SLASHES = re.compile(r"/{2,}")

_ = events_module  # imported for its route registrations


@dataclass
class SandboxConfig:
    seed: str
    latency_ms: int
    token_ttl: int
    rate_limits: RateLimits
    webhook_urls: tuple[str, ...] = ()
    webhook_secret: str | None = None
    extra_route_modules: tuple[str, ...] = field(default_factory=tuple)


def load_routes(extra_modules: tuple[str, ...] = ()) -> None:
    """Import the resource modules so that they register on ``core.api``."""
    try:
        importlib.import_module("zoho_sandbox.resources")
    except ModuleNotFoundError as exc:
        if exc.name != "zoho_sandbox.resources":
            raise
        print("zoho_sandbox.resources is not available: serving events only", file=sys.stderr)
    for name in extra_modules:
        importlib.import_module(name)


def build_store(seed: str, clock: Clock, emit, base_url: str):
    try:
        seed_module = importlib.import_module("zoho_sandbox.seed")
    except ModuleNotFoundError as exc:
        if exc.name != "zoho_sandbox.seed":
            raise
        print("zoho_sandbox.seed is not available: running without a data store", file=sys.stderr)
        return None
    return seed_module.build_store(seed, clock, emit, base_url)


class Sandbox:
    def __init__(self, seed: str = "demo", latency_ms: int = 0, rate_limits: RateLimits | None = None,
                 token_ttl: int = 3600, webhook_urls=(), webhook_secret: str | None = None,
                 base_url: str = "http://127.0.0.1:8080", extra_route_modules=()) -> None:
        rate_limits = rate_limits or RateLimits()
        self.config = SandboxConfig(seed, latency_ms, token_ttl, rate_limits, tuple(webhook_urls),
                                    webhook_secret, tuple(extra_route_modules))
        self.base_url = base_url.rstrip("/")
        self.clock = Clock()
        self.pdf = pdf
        self.calls = CallLog()
        self.faults = FaultRegistry()
        self.rate_limiter = RateLimiter(rate_limits, self.clock)
        self.tokens = TokenAuthority(self.clock, self.base_url, token_ttl, self._token_throttle(rate_limits))
        hooks = [Webhook(str(9_030_000_010_000 + i), url, webhook_secret, None) for i, url in enumerate(webhook_urls)]
        self.events = EventBus(self.clock, hooks)
        load_routes(self.config.extra_route_modules)
        self.url_map: Map = api.url_map()
        self.routes = api.handlers()
        self.store = None
        self.reseed(seed)
        # Imported here: both modules need a finished Sandbox and import nothing back from it.
        from .control import Control
        from .hostedpage_ui import HostedPageUI

        self.control = Control(self)
        self.hosted_pages = HostedPageUI(self)

    # -- state ----------------------------------------------------------------------------------

    @property
    def organization(self) -> dict:
        """The store's organization as a dict (it may keep a dataclass); a neutral one without a store."""
        org = getattr(self.store, "organization", None)
        if isinstance(org, dict):
            return org
        if dataclasses.is_dataclass(org):
            return dataclasses.asdict(org)
        return {"organization_id": DEMO_ORGANIZATION_ID, "name": "Zoho Billing Sandbox"}

    @property
    def organization_id(self) -> str:
        return str(self.organization.get("organization_id") or DEMO_ORGANIZATION_ID)

    def reseed(self, name: str) -> None:
        if name not in SEEDS:
            raise ValueError(f"seed must be one of {', '.join(SEEDS)}")
        self.store = build_store(name, self.clock, self.events.emit, self.base_url)
        self.config.seed = name
        time_zone = self.organization.get("time_zone")
        if time_zone:
            self.clock.set_timezone(time_zone)

    def set_rate_limits(self, limits: RateLimits) -> None:
        self.config.rate_limits = limits
        self.rate_limiter.configure(limits)
        self.tokens.throttle = self._token_throttle(limits)

    @staticmethod
    def _token_throttle(limits: RateLimits) -> int:
        return limits.token_throttle if limits.enabled else 0

    def close(self) -> None:
        self.events.close()

    # -- WSGI -----------------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        environ["PATH_INFO"] = normalize_path(environ.get("PATH_INFO", ""))
        request = Request(environ)
        if request.path.startswith(CONTROL_PREFIX):
            return self.control.dispatch(request)(environ, start_response)
        started = time.perf_counter()
        status = 0
        fault_kind = None

        def recording_start_response(status_line, headers, exc_info=None):
            nonlocal status
            status = int(status_line.split(" ", 1)[0])
            return start_response(status_line, headers, exc_info)

        try:
            response, fault_kind = self._faulted(request)
            return response(environ, recording_start_response)
        except ConnectionClosedByFault as closed:
            fault_kind, status = closed.kind, closed.status
            raise
        finally:
            self.calls.record(
                method=request.method,
                endpoint=self.endpoint_key(request),
                path=request.path,
                query_string=request.query_string.decode("latin-1"),
                status=status,
                duration_ms=(time.perf_counter() - started) * 1000,
                fault=fault_kind,
            )

    def endpoint_key(self, request: Request) -> str:
        path = request.path
        if path.startswith(API_PREFIXES):
            try:
                rule, _ = self.url_map.bind_to_environ(request.environ).match(return_rule=True)
                return f"{request.method} {template_from_rule(rule.rule)}"
            except Exception:  # 404/405: keyed by the raw path
                return f"{request.method} {path}"
        if path.startswith(HOSTEDPAGE_PREFIX):
            return f"{request.method} /hostedpage/{{hostedpage_id}}/checkout"
        return f"{request.method} {path}"

    def _faulted(self, request: Request) -> tuple[Response, str | None]:
        fault = self.faults.take(request.method, request.path)
        if fault is None:
            return self._route(request), None
        environ = request.environ
        if fault.kind == "latency":
            time.sleep(fault.latency_ms / 1000)
            return self._route(request), fault.kind
        if fault.kind == "hang":
            hang(environ, fault.seconds)
        if fault.kind == "reset":
            reset_connection(environ)
        if fault.kind == "truncate":
            write_truncated(environ, self._route(request))
        if fault.kind == "non_json":
            return non_json_response(), fault.kind
        return status_response(fault), fault.kind

    def _route(self, request: Request) -> Response:
        path = request.path
        if path == TOKEN_PATH:
            return self.tokens.token_endpoint(request)
        if path == REVOKE_PATH:
            return self.tokens.revoke_endpoint(request)
        if path.startswith(HOSTEDPAGE_PREFIX):
            return self.hosted_pages.dispatch(request)
        if path.startswith(API_PREFIXES):
            try:
                return self._api(request)
            except ApiError as error:
                return error.response()
            except Exception:
                # The handlers' own net is in _call_handler; this one keeps the pipeline before it
                # (auth, organization, routing) from ever answering with an HTML error page.
                traceback.print_exc(file=sys.stderr)
                return json_response({"code": 1000, "message": "Internal Error"}, 500)
        return not_found_route().response()

    # -- the API --------------------------------------------------------------------------------

    def _api(self, request: Request) -> Response:
        token = self._authenticate(request)
        org_id = self._organization(request)
        endpoint, url_args = match(self.url_map, request)
        route = self.routes[endpoint]
        if not scope_allows(token.scopes, route.scope):
            raise ApiError(401, 57, "You are not authorized to perform this operation")
        with self.rate_limiter.admit(org_id) as limit_headers:
            if self.config.latency_ms:
                time.sleep(self.config.latency_ms / 1000)
            response = self._call_handler(route, request, org_id, token.scopes, url_args)
        for key, value in limit_headers.items():
            response.headers.setdefault(key, value)
        return response

    def _authenticate(self, request: Request):
        parts = request.headers.get("Authorization", "").split(None, 1)
        # Zoho's accounts documentation takes "Zoho-oauthtoken" and "Bearer" (the token reply says
        # token_type "Bearer"), and HTTP auth schemes are case-insensitive (RFC 9110 §11.1).
        if len(parts) != 2 or parts[0].lower() not in AUTH_SCHEMES or not parts[1].strip():
            raise ApiError(401, 14, "Invalid value passed for Authorization")
        found = self.tokens.lookup(parts[1].strip())
        if found is None:
            raise ApiError(401, 57, "You are not authorized to perform this operation")
        return found

    def _organization(self, request: Request) -> str:
        requested = request.headers.get(ORG_HEADER) or request.args.get("organization_id")
        own = self.organization_id
        if requested is None or requested.strip() == "":
            return own
        if requested.strip() != own:
            raise ApiError(400, 6041, f"This user is not associated with the CompanyID/CompanyName:{requested.strip()}.")
        return own

    def _call_handler(self, route, request: Request, org_id: str, scopes, url_args) -> Response:
        ctx = RequestContext(sandbox=self, organization_id=org_id, scopes=scopes)
        try:
            if self.store is not None:
                self.store.run_due_transitions()
            return route.handler(ctx, request, **url_args)
        except ApiError as error:
            return error.response()
        except Exception:
            traceback.print_exc(file=sys.stderr)
            return json_response({"code": 1000, "message": "Internal Error"}, 500)


def normalize_path(path: str) -> str:
    """``/billing/v1//customers`` is ``/billing/v1/customers``, as most web servers (and Zoho's
    front ends) treat it; merged here once so routing, the call log and faults all see one path."""
    return _REPEATED_SLASHES.sub("/", path) if "//" in path else path


def scope_allows(granted: frozenset[str], required: str) -> bool:
    """``ZohoSubscriptions.fullaccess.all`` and ``<module>.ALL`` grant; otherwise the exact scope (§1.4)."""
    if FULL_ACCESS_SCOPE in granted:
        return True
    required = required.removeprefix("ZohoSubscriptions.")
    module, _, _operation = required.partition(".")
    wanted = {f"ZohoSubscriptions.{required}", f"ZohoSubscriptions.{module}.ALL", f"ZohoSubscriptions.{module}.all"}
    return bool(wanted & granted)


# -- HTTP server ----------------------------------------------------------------------------------


class SandboxRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler, plus: faults close the connection, RST when asked, no token-leaking logs."""

    access_log = False
    # Zoho's front ends answer with "Server: ZGS"; don't advertise Werkzeug/Python versions.
    server_version = "ZGS"
    sys_version = ""

    def connection_dropped(self, error, environ=None) -> None:
        self.close_connection = True

    def finish(self) -> None:
        super().finish()
        environ = getattr(self, "environ", None)
        if environ and environ.get(RESET_FLAG):
            # Closing before the server's shutdown(SHUT_WR) means no FIN: linger 0 turns it into RST.
            self.connection.close()

    def log_request(self, code="-", size="-") -> None:
        # Never the query string: OAuth requests carry secrets there.
        if self.access_log:
            path = self.path.split("?", 1)[0]
            sys.stderr.write(f"{self.command} {path} {code}\n")

    def log_error(self, format, *args) -> None:
        pass


class SandboxHTTPServer(ThreadedWSGIServer):
    request_queue_size = 1024  # a burst of 200 concurrent connects must not overflow the backlog


def make_http_server(host: str, port: int, app) -> SandboxHTTPServer:
    return SandboxHTTPServer(host, port, app, SandboxRequestHandler)


def serve_in_thread(server: socketserver.BaseServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    return thread
