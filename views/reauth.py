"""Recent authentication before a payment (checklist P43, ASVS 3.7.1).

A payment needs a sign-in (or a password confirmation) in the last ``RECENT_AUTH_SECONDS`` (15 min).

- **Password sessions**: ``GET/POST /confirm-password?next=…`` asks for the portal password again
  (rate limited, failures audited) and stamps the session with the time; ``next`` must be on-site.
- **Handoff sessions** have no portal password: the page explains that payments need a fresh start
  from the product and links back to it (the ``handoff_return`` link); a new handoff starts a new
  session whose sign-in time is now.
"""
from __future__ import annotations

import time

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from db.models import PortalUser
from extensions import db, limiter
from services import audit, passwords
from services.safe_redirect import safe_next
from views.auth_session import SIGNED_IN_AT, audit_context
from views.portal_home import bp

RECENT_AUTH_SECONDS = 15 * 60
REAUTHENTICATED_AT = "rat"


def last_authenticated_at() -> int:
    return max(int(session.get(SIGNED_IN_AT, 0) or 0), int(session.get(REAUTHENTICATED_AT, 0) or 0))


def needs_recent_auth() -> bool:
    return time.time() - last_authenticated_at() > RECENT_AUTH_SECONDS


def reauth_response(next_path: str):
    """Where a payment goes when the sign-in is too old: the password prompt, or the handoff explanation."""
    if current_user.via_handoff:
        return render_template("portal/pay_reauth.html", handoff=True, next_path=next_path), 401
    return redirect(url_for("portal.confirm_password", next=next_path), 303)


def _user_key() -> str:
    return f"reauth:{getattr(current_user, 'user_id', 'anon')}"


@bp.route("/confirm-password", methods=["GET", "POST"])
@limiter.limit("10 per 15 minutes", key_func=_user_key, methods=["POST"])
def confirm_password():
    next_path = safe_next(request.args.get("next"), default=url_for("portal.home"))
    if current_user.via_handoff:
        return render_template("portal/pay_reauth.html", handoff=True, next_path=next_path), 401
    error = None
    if request.method == "POST":
        user = db.session.get(PortalUser, current_user.user_id)
        if user is None or user.status != "active":
            abort(404)
        result = passwords.verify_password(user.password_hash, request.form.get("password", ""))
        if result.ok:
            session[REAUTHENTICATED_AT] = int(time.time())
            audit.record("reauthenticated", audit_context(), actor=audit.user_actor(user.id), portal_user_id=user.id,
                         customer_id=user.customer_id)
            db.session.commit()
            flash("Thanks — you can continue.", "success")
            return redirect(next_path, 303)
        audit.record("reauthentication_failed", audit_context(), actor=audit.user_actor(user.id),
                     portal_user_id=user.id, customer_id=user.customer_id)
        db.session.commit()
        error = "That password isn't right. Please try again."
    return render_template("portal/pay_reauth.html", handoff=False, next_path=next_path, error=error), (
        400 if error else 200)
