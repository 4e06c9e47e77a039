"""Blueprint ``handoff``: ``GET /handoff?token=…`` and ``POST /handoff`` (design.md §5, checklist H12–H17).

The product's signed-in user arrives with a one-minute, single-use token. On success any session
already in this browser is ended (and revoked, so a copied cookie dies too), a fresh portal
session starts for the token's customer, the audit log gets one row, and the browser is sent
(303) to the page the token names, without the token, with ``no-store`` and ``no-referrer``.
Every refusal shows one calm page; only the log says which check failed. The token itself is
never logged: the access log records the path alone, and nothing here logs a query or form.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from threading import Lock

import click
from flask import Flask, current_app, has_request_context, render_template, request, session, url_for
from flask_login import current_user

from extensions import csrf, db, limiter
from services import audit, handoff
from services.handoff import Destination, HandoffConfig, HandoffGrant, HandoffNotConfigured, HandoffRefused
from services.context import RequestContext
from services.replay_store import build_replay_store
from services.texts import layout as words
from views.cli import portal_cli
from views.pipeline import Audience, PipelineBlueprint

log = logging.getLogger(__name__)
bp = PipelineBlueprint("handoff", __name__, audience=Audience.PUBLIC)

HANDOFF_RATE_LIMIT = "30 per minute;300 per hour"  # per client IP
RETURN_LINK = "hr"  # session key: the allow-listed "Back to <product>" URL of a handoff session
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache", "Referrer-Policy": "no-referrer"}
# Refusals that are our side's trouble (the user may simply try again) rather than the token's.
UNAVAILABLE_CHECKS = frozenset({"replay_store_unavailable", "customer_lookup_failed", "not_configured"})

# dest → (endpoint, the URL value that carries the dest's object id, if it has one).
DESTINATIONS: dict[str, tuple[str, str | None]] = {
    "dashboard": ("portal.home", None),
    "invoices": ("portal.invoices", None),
    "invoice": ("portal.invoice", "invoice_id"),
    "subscriptions": ("portal.subscriptions", None),
    "subscription": ("portal.subscription", "subscription_id"),
    "subscribe": ("portal.subscribe", None),  # a trial customer is taken on to their trial's page
    "change-plan": ("portal.change_plan", "subscription_id"),
    "cancel": ("portal.cancel_subscription", "subscription_id"),
    "update-card": ("portal.update_card", "subscription_id"),
    "profile": ("portal.profile", None),
}


@dataclass
class HandoffState:
    """Per app: the verifier's configuration (built on first use) and the replay store."""

    settings: object
    replay_store: object
    _config: HandoffConfig | None = None
    _lock: Lock = field(default_factory=Lock)

    def config(self) -> HandoffConfig:
        with self._lock:
            if self._config is None:
                self._config = HandoffConfig.from_settings(self.settings)
            return self._config


@bp.record_once
def _set_up(state) -> None:
    app: Flask = state.app
    settings = app.extensions["settings"]
    app.extensions["handoff"] = HandoffState(
        settings=settings,
        replay_store=build_replay_store(settings.REDIS_URL, engine=lambda: db.engine),
    )
    app.context_processor(_layout_context)


def _state() -> HandoffState:
    return current_app.extensions["handoff"]


# -- the endpoint --------------------------------------------------------------------------------


@bp.route("/handoff", methods=["GET", "POST"])
@limiter.limit(HANDOFF_RATE_LIMIT)
@csrf.exempt  # the signed single-use token is the proof; the product posts it from its own page
def redeem(ctx: RequestContext):
    token = request.args.get("token") if request.method == "GET" else request.form.get("token")
    state = _state()
    try:
        config = state.config()
        grant = handoff.redeem(token, config, state.replay_store, _find_customer)
    except HandoffNotConfigured as refusal:
        log.error("handoff is not configured", extra={"check": refusal.check, "detail": refusal.detail})
        return _refused(refusal, None)
    except HandoffRefused as refusal:
        _log_refusal(refusal, ctx)
        return _refused(refusal, config)
    _end_current_session(ctx)
    _start_session(grant, config)
    target, endpoint = destination_url(grant.claims.dest)
    audit.record(
        "handoff_login",
        ctx.audit,
        actor=f"handoff:{grant.claims.issuer}"[:64],
        customer_id=grant.claims.customer_id,
        details={
            "issuer": grant.claims.issuer,
            "email": grant.claims.email,
            "jti": grant.claims.jti,
            "dest": str(grant.claims.dest),
            "landed_on": endpoint,
            "key": grant.claims.key_label,
        },
    )
    log.info("handoff accepted", extra={
        "event": "authn_handoff_success", "customer_id": grant.claims.customer_id, "jti": grant.claims.jti,
        "dest": str(grant.claims.dest), "landed_on": endpoint,
    })
    response = current_app.redirect(target, 303)
    response.headers.update(NO_STORE)
    return response


def _find_customer(customer_id: str):
    from services.zoho import get_zoho
    from zoho_client.errors import ZohoError, ZohoNotFound, ZohoValidationError

    try:
        return get_zoho().customers.get(customer_id)
    except (ZohoNotFound, ZohoValidationError):
        return None
    except ZohoError as error:
        raise HandoffRefused("customer_lookup_failed", type(error).__name__) from None


def _log_refusal(refusal: HandoffRefused, ctx: RequestContext) -> None:
    claims = refusal.claims
    extra = {
        "event": "authn_token_reuse" if refusal.check == "replay" else "authn_handoff_refused",
        "check": refusal.check,
        "detail": refusal.detail,
    }
    if claims is not None:  # only a verified token's claims are worth recording
        extra.update(customer_id=claims.customer_id, jti=claims.jti, issuer=claims.issuer)
    log.warning("authn_token_reuse" if refusal.check == "replay" else "handoff refused", extra=extra)
    if refusal.check == "replay" and claims is not None:
        audit.record("authn_token_reuse", ctx.audit, actor=f"handoff:{claims.issuer}"[:64],
                     customer_id=claims.customer_id, details={"jti": claims.jti, "email": claims.email})


def _refused(refusal: HandoffRefused, config: HandoffConfig | None):
    status = 503 if refusal.check in UNAVAILABLE_CHECKS else 400
    back = None
    if config is not None:
        url = (refusal.claims.return_url if refusal.claims else None) or next(iter(config.return_urls), None)
        if url:
            back = {"url": url, "label": f"Back to {config.product_name}"}
    body = render_template("handoff/failed.html", back=back, sign_in_url=url_for("auth.login"))
    return body, status, NO_STORE


# -- sessions ------------------------------------------------------------------------------------


def _end_current_session(ctx: RequestContext) -> None:
    """Whoever was signed in here is signed out first, and their cookie revoked (checklist H17, S8)."""
    from views.auth_session import current_session_id, end_session

    session_id = current_session_id()
    if session_id and current_user.is_authenticated:
        from services.sessions import session_store

        user_id = getattr(current_user, "user_id", None)
        session_store().revoke(session_id, user_id if isinstance(user_id, int) else 0)
        audit.record("session_replaced_by_handoff", ctx.audit,
                     actor=audit.user_actor(user_id) if isinstance(user_id, int) else "handoff",
                     portal_user_id=user_id if isinstance(user_id, int) else None,
                     customer_id=getattr(current_user, "customer_id", None))
    end_session()


def _start_session(grant: HandoffGrant, config: HandoffConfig) -> None:
    from views.auth_session import start_handoff_session

    customer = grant.customer
    name = grant.claims.email or customer.display_name or customer.company_name or "Customer"
    start_handoff_session(grant.claims.customer_id, display_name=name, email=grant.claims.email or "")
    if grant.claims.return_url:
        session[RETURN_LINK] = grant.claims.return_url


def _layout_context() -> dict:
    """``handoff_return``: the "Back to <product>" link on every page of a handoff session."""
    if not has_request_context() or not current_user.is_authenticated:  # emails render outside requests
        return {"handoff_return": None}
    url = session.get(RETURN_LINK)
    if not url:
        return {"handoff_return": None}
    state = current_app.extensions.get("handoff")
    product = state.settings.HANDOFF_PRODUCT_NAME if state else "the product"
    return {"handoff_return": {"url": url, "product": product, "label": words.back_to_product(product)}}


# -- dest → a page that exists -------------------------------------------------------------------


def destination_url(dest: Destination) -> tuple[str, str]:
    """The URL for ``dest`` and its endpoint."""
    endpoint, id_value = DESTINATIONS[dest.kind]
    url = url_for(endpoint, **({id_value: dest.object_id} if id_value else {}))
    return url, endpoint


# -- `flask portal handoff-url` -------------------------------------------------------------------


@portal_cli.command("handoff-url")
@click.argument("customer")
@click.option("--dest", default=None, help="dashboard, invoices, invoice:<id>, subscriptions, subscription:<id>, "
              "subscribe, change-plan:<id>, cancel:<id>, update-card:<id> or profile")
@click.option("--return-url", default=None, help="an allow-listed URL of the product (HANDOFF_RETURN_URLS)")
@click.option("--email", default=None, help="the person's email, recorded in the audit log")
@click.option("--private-key", "private_key", type=click.File("r"), default=None,
              help="PEM private key (EdDSA or ES256) instead of HANDOFF_SECRET")
def handoff_url(customer: str, dest: str | None, return_url: str | None, email: str | None, private_key) -> None:
    """Print a one-minute, single-use handoff link for CUSTOMER (a Zoho customer id, or its email)."""
    settings = current_app.extensions["settings"]
    if not settings.HANDOFF_ISSUER or not settings.HANDOFF_AUDIENCE:
        raise click.ClickException("set HANDOFF_ISSUER and HANDOFF_AUDIENCE first")
    if private_key is not None:
        key, algorithm = _load_private_key(private_key.read())
    elif settings.HANDOFF_SECRET:
        key, algorithm = settings.HANDOFF_SECRET, "HS256"
    else:
        raise click.ClickException("no HANDOFF_SECRET is configured: set it, or pass --private-key FILE")
    try:
        Destination.parse(dest)
    except HandoffRefused:
        raise click.BadParameter(f"{dest!r} is not a destination the portal knows", param_hint="--dest") from None
    if return_url is not None and not handoff.allowed_return_url(return_url, settings.handoff_return_urls):
        raise click.BadParameter("not on the HANDOFF_RETURN_URLS allow-list", param_hint="--return-url")
    customer_id = _customer_id_for(customer)
    token = handoff.mint(customer_id, issuer=settings.HANDOFF_ISSUER, audience=settings.HANDOFF_AUDIENCE,
                         key=key, algorithm=algorithm, dest=dest, return_url=return_url, email=email)
    click.echo(f"{settings.PORTAL_BASE_URL}/handoff?token={token}")


def _customer_id_for(customer: str) -> str:
    """The argument as it is, or (for an email) the id of the Zoho customer with that email."""
    if "@" not in customer:
        return customer
    from services.zoho import get_zoho
    from zoho_client.errors import ZohoError

    try:
        matches = get_zoho().customers.list(email=customer.strip().lower())
    except ZohoError as error:
        raise click.ClickException(f"Zoho is not reachable: {error}") from None
    for match in matches.items:
        if (match.email or "").lower() == customer.strip().lower():
            return match.customer_id
    raise click.ClickException(f"no Zoho customer has the email {customer}")


def _load_private_key(pem: str):
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError) as error:
        raise click.ClickException(f"not an unencrypted PEM private key: {error}") from None
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key, "EdDSA"
    if isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1):
        return key, "ES256"
    raise click.ClickException("the private key must be Ed25519 (EdDSA) or P-256 (ES256)")
