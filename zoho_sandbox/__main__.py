"""``python -m zoho_sandbox``: run the Zoho Billing sandbox on a local port.

The first line printed is always ``Zoho Billing sandbox listening on http://HOST:PORT`` (tests and
scripts parse it); then the API base URLs, the accounts (OAuth) URL and the demo credentials.
SIGTERM and Ctrl-C stop it cleanly with exit status 0.
"""
from __future__ import annotations

import argparse
import signal
import sys
import threading

from .oauth import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REFRESH_TOKEN
from .ratelimit import RateLimits
from .server import DEMO_ORGANIZATION_ID, SEEDS, Sandbox, SandboxRequestHandler, make_http_server, serve_in_thread
from .core import API_PREFIXES


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    defaults = RateLimits()
    parser = argparse.ArgumentParser(prog="python -m zoho_sandbox", description="Zoho Billing sandbox server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8085, help="0 picks a free port")
    parser.add_argument("--seed", choices=SEEDS, default="demo")
    parser.add_argument("--latency-ms", type=int, default=0, help="added to every API request")
    parser.add_argument("--token-ttl", type=int, default=3600, help="access token lifetime (expires_in), seconds")
    parser.add_argument("--rate-per-minute", type=int, default=defaults.per_minute)
    parser.add_argument("--rate-per-day", type=int, default=defaults.per_day)
    parser.add_argument("--max-concurrent", type=int, default=defaults.max_concurrent)
    parser.add_argument("--token-throttle", type=int, default=defaults.token_throttle,
                        help="access tokens per refresh token per 10 minutes (0 = unthrottled)")
    parser.add_argument("--no-rate-limits", action="store_true",
                        help="switch off the API rate limits and the OAuth refresh throttle")
    parser.add_argument("--webhook-url", action="append", default=[], help="repeatable")
    parser.add_argument("--webhook-secret", default=None)
    parser.add_argument("--access-log", action="store_true", help="log method, path and status (never query strings)")
    parser.add_argument("--import", dest="imports", action="append", default=[], metavar="MODULE",
                        help="import an extra module that registers routes on zoho_sandbox.core.api")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    limits = RateLimits(
        per_minute=args.rate_per_minute,
        per_day=args.rate_per_day,
        max_concurrent=args.max_concurrent,
        enabled=not args.no_rate_limits,
        token_throttle=args.token_throttle,
    )
    # Bind first: with --port 0 the base URL (hosted page links, api_domain) depends on the port.
    server = make_http_server(args.host, args.port, app=None)
    SandboxRequestHandler.access_log = args.access_log
    base_url = f"http://{args.host}:{server.server_port}"
    sandbox = Sandbox(
        seed=args.seed,
        latency_ms=args.latency_ms,
        rate_limits=limits,
        token_ttl=args.token_ttl,
        webhook_urls=tuple(args.webhook_url),
        webhook_secret=args.webhook_secret,
        base_url=base_url,
        extra_route_modules=tuple(args.imports),
    )
    server.app = sandbox

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())

    print(f"Zoho Billing sandbox listening on {base_url}", flush=True)
    for prefix in API_PREFIXES:
        print(f"  API base URL:   {base_url}{prefix}")
    print(f"  Accounts URL:   {base_url}   (token endpoint {base_url}/oauth/v2/token)")
    print(f"  Control API:    {base_url}/__sandbox/health")
    print(f"  client_id       {DEMO_CLIENT_ID}")
    print(f"  client_secret   {DEMO_CLIENT_SECRET}")
    print(f"  refresh_token   {DEMO_REFRESH_TOKEN}")
    print(f"  organization_id {DEMO_ORGANIZATION_ID}")
    print(f"  seed={args.seed} latency={args.latency_ms}ms rate limits="
          + (f"{limits.per_minute}/min {limits.per_day}/day {limits.max_concurrent} concurrent"
             if limits.enabled else "off"), flush=True)

    thread = serve_in_thread(server)
    while not stop.wait(0.5):  # a timed wait keeps the main thread responsive to signals
        pass
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()
    sandbox.close()
    print("Zoho Billing sandbox stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
