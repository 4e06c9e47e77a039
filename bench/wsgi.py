"""The portal as the benchmarks run it: ``create_app()`` plus two routes that exist only here.

gunicorn serves ``bench.wsgi:create_bench_app()``; production serves ``app:create_app()`` and never
imports this module, so neither route can exist there. With ``PORTAL_BENCH_HELLO=1``:

- ``GET /__bench/hello``: the hello-world baseline that P1 divides by, on the same server, same
  workers, same middleware (security headers, request ids, session loading) as every page;
- ``POST /__bench/sign-in/<customer_id>``: a session for any customer without a token, so the
  memory run can visit 10,000 customers' Home pages (the real /handoff is rate-limited per IP);
- ``POST /__bench/cold``: forget everything cached in this worker (the billing cache, which also holds
  the page header's organization), so that "cold" figures can be taken without restarting the server.
"""
from __future__ import annotations

import os

from app import create_app


def create_bench_app():
    app = create_app()
    if os.environ.get("PORTAL_BENCH_HELLO") != "1":
        return app
    from extensions import csrf
    from views.auth_session import start_handoff_session

    @app.get("/__bench/hello")
    def bench_hello():
        return "Hello, world!"

    @app.post("/__bench/sign-in/<customer_id>")
    @csrf.exempt
    def bench_sign_in(customer_id: str):
        start_handoff_session(customer_id, "Bench customer", "bench@example.test")
        return "signed in"

    @app.post("/__bench/cold")
    @csrf.exempt
    def bench_cold():
        # The page header's organization lookup reads the same cache, so this empties it too.
        app.extensions["billing"].cache.clear()
        return "cold"

    return app
