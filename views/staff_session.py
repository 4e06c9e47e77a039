"""Staff sessions: a cookie of their own, and the support-view actor source of the pipeline.

Staff never use Flask's session (the customer's cookie). Their cookie, ``__Host-staff_session``
(``staff_session`` in development), is signed with the app's secret under its own salt and holds
the staff id, their session version, a random session id, when they signed in and were last seen,
and the support view they have open. A session ends after ``STAFF_SESSION_IDLE_MINUTES`` without a
request or ``STAFF_SESSION_ABSOLUTE_HOURS`` after sign-in, whichever comes first, and dies at once
when the staff member is disabled, their two-factor is reset or their role changes (the session
version), or when they sign out (the session id is revoked).

Two things are made from it, per request:

- ``current_staff()``: the staff member, for the console (``/staff``). A customer session is never
  asked, so it never reaches the console.
- ``support_view_actor()``: registered first among the pipeline's actor sources. Only a session
  with an open support view answers, with an ``Actor`` of kind ``STAFF`` for that customer; a staff
  session without one grants nothing on customer pages.

Starting and ending a view rotate the session id (the old one is revoked) and keep the sign-in time,
so the session's absolute expiry never moves. A view that has run out is ended by the first request
that notices, and a customer page then sends the staff member back to the console.
"""
from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, flash, g, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from config.settings import Settings
from db.staff import Impersonation, StaffUser
from db.types import utcnow
from extensions import db
from services import audit, impersonation, staff as staff_accounts
from services.actors import Actor, ActorKind, StaffMember
from services.texts import staff as words
from views.pipeline import add_actor_source, audit_context, set_staff_source

SALT = "staff-session"
# Cookie keys.
STAFF_ID, VERSION, SESSION_ID, SIGNED_IN_AT, SEEN_AT, VIEW = "uid", "sv", "sid", "iat", "seen", "imp"
PENDING_SECOND_FACTOR, ENROLMENT_TOKEN = "2fa", "enrol"
SEEN_WRITE_INTERVAL = 60  # seconds: refresh "last seen" at most once a minute


@dataclass(frozen=True)
class SupportBanner:
    """What the support-view banner says (``templates/staff/_banner.html``)."""

    id: int
    staff_name: str
    customer_name: str
    reason: str
    ticket: str | None
    minutes_left: int


class StaffCookie:
    """The staff cookie's values for this request; written back only when changed."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values
        self.modified = False

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def set(self, **values: Any) -> None:
        self.values.update(values)
        self.modified = True

    def pop(self, key: str) -> Any:
        self.modified = self.modified or key in self.values
        return self.values.pop(key, None)

    def clear(self) -> None:
        self.modified = self.modified or bool(self.values)
        self.values = {}


def _settings() -> Settings:
    return current_app.extensions["settings"]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=SALT)


def cookie() -> StaffCookie:
    if "staff_cookie" not in g:
        raw = request.cookies.get(current_app.config["STAFF_SESSION_COOKIE_NAME"])
        values: dict[str, Any] = {}
        if raw:
            try:
                loaded = _serializer().loads(raw)
                values = loaded if isinstance(loaded, dict) else {}
            except BadSignature:
                values = {}
        g.staff_cookie = StaffCookie(values)
    return g.staff_cookie


def _lifetime() -> timedelta:
    return timedelta(hours=_settings().STAFF_SESSION_ABSOLUTE_HOURS)


# -- starting and ending -----------------------------------------------------------------------------


def start_staff_session(staff: StaffUser) -> None:
    """Sign ``staff`` in on a brand-new cookie (nothing from before survives)."""
    jar = cookie()
    jar.clear()
    now = int(time.time())
    jar.set(**{STAFF_ID: staff.id, VERSION: staff.session_version, SESSION_ID: secrets.token_urlsafe(24),
               SIGNED_IN_AT: now, SEEN_AT: now})
    g.pop("staff", None)


def rotate_session_id() -> str:
    """A new session id, the old one revoked; the sign-in time (and so the absolute expiry) is kept."""
    jar = cookie()
    old = jar.get(SESSION_ID)
    if old:
        staff_accounts.revoke_session(old, int(jar.get(STAFF_ID)), _lifetime())
    new = secrets.token_urlsafe(24)
    jar.set(**{SESSION_ID: new})
    return new


def open_view(view: Impersonation) -> None:
    rotate_session_id()
    cookie().set(**{VIEW: view.id})
    _forget_request_state()


def close_view(how: str) -> Impersonation | None:
    """End the open support view (if any) and rotate the session id; the view, for where to go next."""
    jar = cookie()
    view_id = jar.pop(VIEW)
    view = db.session.get(Impersonation, view_id) if view_id else None
    if view is not None:
        impersonation.end(view, how, audit_context())
    if view_id:
        rotate_session_id()
    _forget_request_state()
    return view


def end_staff_session() -> None:
    jar = cookie()
    session_id, staff_id = jar.get(SESSION_ID), jar.get(STAFF_ID)
    if jar.get(VIEW):
        close_view("logout")
        session_id = jar.get(SESSION_ID)
    if session_id and staff_id:
        staff_accounts.revoke_session(session_id, int(staff_id), _lifetime())
    jar.clear()
    _forget_request_state()


def _forget_request_state() -> None:
    for key in ("staff", "staff_view", "actor"):
        g.pop(key, None)


# -- who is this -------------------------------------------------------------------------------------


def current_staff() -> StaffMember | None:
    """The signed-in staff member (two-factor done, session good), or None."""
    if "staff" not in g:
        g.staff = _load_staff()
    return g.staff


def _load_staff() -> StaffMember | None:
    jar = cookie()
    try:
        staff_id, version, session_id = int(jar.get(STAFF_ID)), int(jar.get(VERSION)), str(jar.get(SESSION_ID))
    except (TypeError, ValueError):
        return None
    row = staff_accounts.session_staff(staff_id, version, session_id)
    if row is None:
        jar.clear()
        return None
    return StaffMember(staff_id=row.id, display_name=row.display_name, email=row.email, role=row.role,
                       session_id=session_id, impersonation_id=jar.get(VIEW))


def current_view() -> Impersonation | None:
    """The open support view of this request's staff session, if it is still running."""
    if "staff_view" not in g:
        staff = current_staff()
        view = None
        if staff is not None and staff.impersonation_id is not None:
            view = db.session.get(Impersonation, staff.impersonation_id)
            if view is not None and (view.staff_id != staff.staff_id or not view.is_live(utcnow())):
                view = None
        g.staff_view = view
    return g.staff_view


def support_view_actor() -> Actor | None:
    """The pipeline's first actor source: a staff session with an open support view acts, read-only,
    as that customer; anything else leaves the question to the customer's own session."""
    view = current_view()
    if view is None:
        return None
    staff = current_staff()
    return Actor(kind=ActorKind.STAFF, customer_id=view.customer_id, display_name=view.customer_name,
                 email=view.customer_email, session_id=staff.session_id, staff_id=staff.staff_id,
                 staff_name=staff.display_name, impersonation_id=view.id)


# -- the hooks ---------------------------------------------------------------------------------------


def init_staff_session(app: Flask, settings: Settings) -> None:
    secure = settings.PORTAL_ENV != "development"
    app.config["STAFF_SESSION_COOKIE_NAME"] = "__Host-staff_session" if secure else "staff_session"
    idle, absolute = settings.STAFF_SESSION_IDLE_MINUTES * 60, settings.STAFF_SESSION_ABSOLUTE_HOURS * 3600
    add_actor_source(app, support_view_actor, first=True)
    set_staff_source(app, current_staff)

    @app.before_request
    def enforce_staff_session_lifetime() -> None:
        # Only records and changes the cookie: the request goes on, and the pipeline commits.
        if request.endpoint == "static" or not request.cookies.get(app.config["STAFF_SESSION_COOKIE_NAME"]):
            return
        jar = cookie()
        if STAFF_ID not in jar.values:
            return
        now = int(time.time())
        signed_in, seen = int(jar.get(SIGNED_IN_AT, 0) or 0), int(jar.get(SEEN_AT, 0) or 0)
        reason = "absolute" if now - signed_in > absolute else "idle" if now - seen > idle else None
        if reason is not None:
            staff_id = int(jar.get(STAFF_ID))
            if jar.get(VIEW):
                close_view("session_expired")
                g.support_view_exit = url_for("staff_auth.login")
            jar.clear()
            _forget_request_state()
            audit.record("staff_session_expired", audit_context(), actor=f"staff:{staff_id}",
                         details={"staff_id": staff_id, "reason": reason})
            flash(words.SESSION_EXPIRED, "info")
            return
        if now - seen >= SEEN_WRITE_INTERVAL:
            jar.set(**{SEEN_AT: now})
        view_id = jar.get(VIEW)
        if view_id and current_staff() is not None and current_view() is None:
            # The view ran out (or was ended elsewhere): close it now, then back to the console.
            view = close_view("expiry")
            flash(words.VIEW_EXPIRED, "info")
            if view is not None:
                # A customer page now has no actor: the pipeline sends the staff member here instead
                # of to the customers' sign-in page (and commits what was recorded above).
                g.support_view_exit = url_for("staff.customer", customer_id=view.customer_id)

    @app.context_processor
    def support_view_banner() -> dict:
        view = current_view() if request and request.cookies.get(app.config["STAFF_SESSION_COOKIE_NAME"]) else None
        if view is None:
            return {"support_view": None}
        seconds = max(0, int((view.expires_at - utcnow()).total_seconds()))
        return {"support_view": SupportBanner(id=view.id, staff_name=current_staff().display_name,
                                              customer_name=view.customer_name, reason=view.reason,
                                              ticket=view.ticket, minutes_left=max(1, -(-seconds // 60)))}

    @app.after_request
    def save_staff_cookie(response):
        jar: StaffCookie | None = g.get("staff_cookie")
        if jar is None or not jar.modified:
            return response
        name = app.config["STAFF_SESSION_COOKIE_NAME"]
        if not jar.values:
            response.delete_cookie(name, path="/", secure=secure, httponly=True, samesite="Lax")
        else:
            response.set_cookie(name, _serializer().dumps(jar.values), path="/", secure=secure, httponly=True,
                                samesite="Lax")
        return response

