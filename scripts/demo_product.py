"""A stand-in for the SaaS product in the demo: one page with a "Manage subscription" button.

Each click mints a fresh handoff token (design.md §5) on the server and sends the browser to the
portal through an auto-submitting POST form, the way the product team is told to do it, so the
demo's handoff link never goes stale.

    python scripts/demo_product.py --port 5001 --portal http://127.0.0.1:5000 --customer ID
Reads HANDOFF_ISSUER, HANDOFF_AUDIENCE and HANDOFF_SECRET from the environment.
"""
from __future__ import annotations

import argparse
import html
import os
import secrets
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import jwt

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Demo product</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 560px; margin: 64px auto; padding: 0 16px; color: #1b2430">
<h1>Demo product</h1>
<p>You are signed in to the product as <strong>{email}</strong> ({customer}).</p>
<p>Your trial is ending soon. Subscribe to keep your workspace.</p>
<form method="post" action="/manage"><input type="hidden" name="dest" value="subscribe">
<button style="font-size: 1rem; padding: 10px 18px">Manage subscription</button></form>
<form method="post" action="/manage" style="margin-top: 12px"><input type="hidden" name="dest" value="invoices">
<button style="font-size: 1rem; padding: 10px 18px">See invoices</button></form>
</body></html>"""

REDIRECT = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Opening billing…</title></head>
<body onload="document.forms[0].submit()"><form method="post" action="{action}">
<input type="hidden" name="token" value="{token}"><noscript><button>Continue to billing</button></noscript>
</form></body></html>"""

ALLOWED_DESTS = {"subscribe", "invoices", "dashboard"}


def mint(customer_id: str, email: str, dest: str, return_url: str) -> str:
    now = int(time.time())
    claims = {"iss": os.environ["HANDOFF_ISSUER"], "aud": os.environ["HANDOFF_AUDIENCE"], "sub": customer_id,
              "iat": now, "exp": now + 60, "jti": secrets.token_urlsafe(24), "email": email, "dest": dest,
              "return_url": return_url}
    return jwt.encode(claims, os.environ["HANDOFF_SECRET"], algorithm="HS256", headers={"typ": "handoff+jwt"})


def make_handler(portal: str, customer_id: str, email: str, own_url: str):
    class Handler(BaseHTTPRequestHandler):
        def _send(self, body: str, status: int = 200) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._send(PAGE.format(email=html.escape(email), customer=html.escape(customer_id)))

        def do_POST(self) -> None:
            length = min(int(self.headers.get("Content-Length") or 0), 4096)
            dest = parse_qs(self.rfile.read(length).decode()).get("dest", ["dashboard"])[0]
            token = mint(customer_id, email, dest if dest in ALLOWED_DESTS else "dashboard", own_url)
            self._send(REDIRECT.format(action=html.escape(portal + "/handoff"), token=html.escape(token)))

        def log_message(self, *args) -> None:  # tokens travel in bodies only; keep the console quiet
            pass

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5001)
    parser.add_argument("--portal", required=True)
    parser.add_argument("--customer", required=True)
    parser.add_argument("--email", default="owner@product.example")
    args = parser.parse_args()
    own_url = f"http://{args.host}:{args.port}/"
    server = ThreadingHTTPServer((args.host, args.port), make_handler(args.portal.rstrip("/"), args.customer, args.email, own_url))
    server.serve_forever()


if __name__ == "__main__":
    main()
