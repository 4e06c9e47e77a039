"""Security headers on every response (checklist S11) and a cross-site write guard (S10).

The CSP allows no inline script or style at all; pages work without JavaScript. Every dynamic
response is ``no-store`` (they are all personal or carry a form token); static files are not.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, abort, request
from werkzeug.exceptions import MethodNotAllowed

from config.settings import Settings
from services.texts import _

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",  # data: for the two-factor QR code
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # no-referrer everywhere: links out of the portal never carry a path (or a token) along.
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), usb=(), interest-cohort=()",
}
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Posted to from another site on purpose: the product's handoff form, whose signed single-use
# token is the proof (views/handoff.py, checklist H16).
CROSS_SITE_POST_ENDPOINTS = frozenset({"handoff.redeem"})
# Pages whose forms send the browser on to Zoho's hosted checkout: browsers apply a CSP's
# form-action to a form's redirects too, so these pages also allow Zoho's checkout origins.
CHECKOUT_FORM_ENDPOINTS = frozenset({
    "portal.update_card", "portal.add_card", "portal.pay_invoice", "portal.pay_invoice_hosted", "portal.subscribe",
})


def checkout_content_security_policy(zoho_api_base: str) -> str:
    from services.operations.cards import hosted_page_origins

    origins = " ".join(hosted_page_origins(zoho_api_base))
    return CONTENT_SECURITY_POLICY.replace("form-action 'self'", f"form-action 'self' {origins}")


def init_http_security(app: Flask, settings: Settings) -> None:
    base = urlsplit(settings.PORTAL_BASE_URL)
    own_origin = f"{base.scheme}://{base.netloc}"
    # Flask-WTF's HTTPS Referer check cannot work with Referrer-Policy: no-referrer; the
    # Fetch Metadata and Origin checks below stand in for it.
    app.config["WTF_CSRF_SSL_STRICT"] = False
    init_csrf_errors(app)
    checkout_policy = checkout_content_security_policy(settings.ZOHO_API_BASE)

    @app.before_request
    def refuse_cross_site_writes() -> None:
        if request.method == "OPTIONS" and request.url_rule is not None:
            # No CORS here: form routes answer OPTIONS with 405 like any other method they lack.
            raise MethodNotAllowed(valid_methods=sorted(request.url_rule.methods - {"OPTIONS"}))
        if request.method not in UNSAFE_METHODS or request.endpoint in CROSS_SITE_POST_ENDPOINTS:
            return
        if request.headers.get("Sec-Fetch-Site") == "cross-site":
            abort(403)
        origin = request.headers.get("Origin")
        # Browsers send "null" for same-origin posts under no-referrer; any real foreign origin is refused.
        if origin and origin != "null" and origin != own_origin and origin != request.host_url.rstrip("/"):
            abort(403)

    @app.after_request
    def security_headers(response):
        if request.endpoint in CHECKOUT_FORM_ENDPOINTS:
            response.headers.setdefault("Content-Security-Policy", checkout_policy)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
            response.headers.setdefault("Pragma", "no-cache")
        response.headers.pop("Server", None)
        return response


def _csrf_failed(error):
    from views.errors import render_error

    return render_error(
        400,
        title=_("This form has expired"),
        detail=_("For your security, forms stop working after a while or when cookies are blocked. "
                 "Please go back, reload the page and try again."),
    )


def init_csrf_errors(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    app.register_error_handler(CSRFError, _csrf_failed)
