"""``@write_action(name)``: the one decorator every customer write view wears (issue 5).

What it does, in this order, for a request to a decorated view:

1. **Signed in.** An anonymous request goes to the sign-in page (Flask-Login's ``unauthorized``),
   whatever blueprint the view lives in.
2. **Methods.** GET/HEAD run the view as a plain read (the confirmation page); nothing is audited.
   POST is the only state-changing method; anything else is a 405. CSRF and the cross-site checks
   have already run (``extensions.csrf`` and ``views.http_security``) before the view is reached.
3. **Impersonation (one place).** ``impersonation_blocks()`` is the only check: a POST while
   ``g.impersonation`` is set (or the session carries ``IMPERSONATION_SESSION_KEY``) is refused with
   403 and an audit event, unless the impersonation is in elevated mode (``elevated`` true). Staff
   impersonation (a later issue) only has to set one of the two; no write view needs to change.
4. **Audit.** Every POST leaves one append-only ``write.<name>`` event: actor (``user:<id>``, or
   ``handoff:<customer_id>`` for a session from the product's handoff), customer, request id, IP,
   user agent, the impersonator if any, and ``details.outcome`` — what the view reported through
   ``report_outcome()``, else ``completed`` (2xx/3xx) or ``refused_<status>`` (4xx), ``zoho_unavailable``,
   ``outcome_unknown`` or ``error``. The event is committed even when the view's own changes are
   rolled back.
5. **Zoho outages.** ``ZohoUnavailable`` / ``ZohoRateLimited`` / ``ZohoBadResponse`` escaping the view
   roll back the view's database changes, flash "nothing was changed" and redirect back (303).
   ``ZohoOutcomeUnknown`` (a POST whose answer was lost) flashes "we couldn't confirm" instead: it
   must never claim that nothing changed. Views that can do better (payments) catch it themselves.

The customer whose data changes is always ``current_user.customer_id``; a decorated view never
reads a customer id from the form.
"""
from __future__ import annotations

import logging
from functools import wraps
from typing import Any, Callable

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user
from werkzeug.exceptions import Forbidden, HTTPException, MethodNotAllowed

from extensions import db, login_manager
from services import audit
from zoho_client.errors import ZohoBadResponse, ZohoOutcomeUnknown, ZohoRateLimited, ZohoUnavailable

log = logging.getLogger(__name__)

READ_METHODS = frozenset({"GET", "HEAD"})
# Set by staff impersonation (later issue): a dict like {"staff_id": 3, "elevated": False}.
IMPERSONATION_SESSION_KEY = "imp"
ZOHO_DOWN_MESSAGE = (
    "We can't reach our billing system right now, so nothing was changed. Please try again in a few minutes."
)
OUTCOME_UNKNOWN_MESSAGE = (
    "We sent your request to our billing system but didn't hear back, so we can't tell yet whether it went "
    "through. Please check this page again in a minute before trying again."
)
IMPERSONATION_MESSAGE = "Changes can't be made while support is viewing this account."


def report_outcome(outcome: str, **details: Any) -> None:
    """Tell the decorator how the action ended (``succeeded``, ``declined``…) and what to add to the audit
    event (ids and amounts only: never card data or free text from the form)."""
    g.write_outcome = outcome
    g.setdefault("write_details", {}).update(details)


def current_impersonation() -> dict[str, Any] | None:
    value = g.get("impersonation") or session.get(IMPERSONATION_SESSION_KEY)
    return dict(value) if isinstance(value, dict) else ({"staff_id": None} if value else None)


def impersonation_blocks(action: str) -> bool:
    """The single place that decides whether an impersonation may run a write action."""
    impersonation = current_impersonation()
    return impersonation is not None and not impersonation.get("elevated", False)


def actor_of(user) -> str:
    return f"handoff:{user.customer_id}" if user.via_handoff else audit.user_actor(user.user_id)


def write_action(action: str, *, back: str | Callable[..., str] | None = None):
    """Mark ``view`` as the customer write action ``action`` (see the module docstring).

    ``back`` is where a refused or failed POST returns to: an endpoint name (built with the view's own
    URL values that it accepts) or a callable taking the view's kwargs; by default the same URL by GET
    when the route allows GET, else Home.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if request.method in READ_METHODS:
                return view(*args, **kwargs)
            if request.method != "POST":
                raise MethodNotAllowed(valid_methods=["GET", "POST"])
            g.write_action = action
            if impersonation_blocks(action):
                _audit(action, "refused_impersonation")
                db.session.commit()
                error = Forbidden(IMPERSONATION_MESSAGE)
                error.portal_message = True
                raise error
            try:
                response = view(*args, **kwargs)
            except (ZohoUnavailable, ZohoRateLimited, ZohoBadResponse) as error:
                db.session.rollback()
                log.warning("write action refused: zoho unavailable",
                            extra={"action": action, "zoho_error": type(error).__name__})
                _audit(action, "zoho_unavailable", error=type(error).__name__)
                db.session.commit()
                flash(ZOHO_DOWN_MESSAGE, "error")
                return redirect(_back_url(back, kwargs), 303)
            except ZohoOutcomeUnknown:
                db.session.rollback()
                log.warning("write action outcome unknown", extra={"action": action})
                _audit(action, "outcome_unknown")
                db.session.commit()
                flash(OUTCOME_UNKNOWN_MESSAGE, "warning")
                return redirect(_back_url(back, kwargs), 303)
            except HTTPException as error:
                db.session.rollback()
                _audit(action, g.get("write_outcome") or f"refused_{error.code}")
                db.session.commit()
                raise
            except Exception:
                db.session.rollback()
                _audit(action, "error")
                db.session.commit()
                raise
            response = current_app.make_response(response)
            default = "completed" if response.status_code < 400 else f"refused_{response.status_code}"
            _audit(action, g.get("write_outcome") or default)
            db.session.commit()
            return response

        wrapper.write_action = action  # lets tests list every write view
        return wrapper

    return decorator


def _audit(action: str, outcome: str, **extra: Any) -> None:
    details: dict[str, Any] = {"action": action, "outcome": outcome, "via": "handoff" if current_user.via_handoff
                               else "password"}
    details.update(g.get("write_details", {}))
    details.update(extra)
    impersonation = current_impersonation()
    if impersonation is not None:
        details["impersonator"] = impersonation.get("staff_id")
    from views.auth_session import audit_context

    audit.record(
        f"write.{action}", audit_context(), actor=actor_of(current_user),
        portal_user_id=None if current_user.via_handoff else current_user.user_id,
        customer_id=current_user.customer_id, details=details,
    )


def _back_url(back, view_kwargs: dict[str, Any]) -> str:
    if callable(back):
        return back(**view_kwargs)
    if isinstance(back, str):
        accepted = set()
        for rule in current_app.url_map.iter_rules(back):
            accepted |= rule.arguments
        return url_for(back, **{k: v for k, v in view_kwargs.items() if k in accepted})
    if request.url_rule is not None and "GET" in (request.url_rule.methods or ()):
        return request.path
    return url_for("portal.home")
