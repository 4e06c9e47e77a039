"""Signed-in sessions on top of Flask's signed cookie and Flask-Login (checklist S7–S9).

The cookie holds who the person is (user id, customer id, name, email), the user's session
version, a random session id, and when they signed in and were last seen. Loading the user
reads the cookie plus one check in ``services.sessions`` (one Redis round trip that also reads the
page's cache entries, or one keyed lookup), never an ORM query.
Signing in clears the session first, so nothing from before (including the CSRF token)
survives it: the cookie value is new and a replayed pre-login cookie is anonymous.
"""
from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from flask import Flask, flash, g, request, session
from flask_login import UserMixin, current_user, login_user

from config.settings import Settings
from db.models import PortalUser
from extensions import login_manager
from services import authentication
from services.accounts import Access
from services.actors import Actor, ActorKind
from services.audit import AuditContext
from services.sessions import session_store
from services.texts import account as words

# Session keys (short: they travel in every request's cookie).
CUSTOMER, NAME, EMAIL, VERSION, SESSION_ID, SIGNED_IN_AT, SEEN_AT = "cid", "nm", "em", "sv", "sid", "iat", "seen"
PENDING_SECOND_FACTOR = "2fa"
LANGUAGE = "lang"  # the portal user's saved language choice (views/language.SESSION_LANGUAGE)
ACCOUNTS = "acc"  # how many customers' accounts the login opens (several: the header offers to switch)
# A session started by the product's handoff token (views/handoff.py) has no portal user row:
# its Flask-Login id is "handoff:<customer_id>", ``user_id`` is 0 and only its session id can be
# revoked (there is no session version). Idle and absolute timeouts apply as to any session.
VIA, HANDOFF_ID_PREFIX = "via", "handoff:"
SEEN_WRITE_INTERVAL = 60  # seconds: refresh "last seen" at most once a minute, not every request


@dataclass(frozen=True)
class SessionUser(UserMixin):
    user_id: int
    customer_id: str
    display_name: str
    email: str
    session_id: str
    via_handoff: bool = False

    def get_id(self) -> str:
        return HANDOFF_ID_PREFIX + self.customer_id if self.via_handoff else str(self.user_id)


def session_actor() -> Actor | None:
    """The actor of the customer's own session: a portal user, or the product's handoff."""
    if not current_user.is_authenticated:
        return None
    user: SessionUser = current_user
    return Actor(kind=ActorKind.HANDOFF if user.via_handoff else ActorKind.PORTAL_USER,
                 customer_id=user.customer_id, display_name=user.display_name, email=user.email,
                 session_id=user.session_id, portal_user_id=None if user.via_handoff else user.user_id)


def audit_context() -> AuditContext:
    return AuditContext(
        ip=request.remote_addr,
        user_agent=request.headers.get("User-Agent"),
        request_id=g.get("request_id"),
    )


def start_session(user: PortalUser, access: Access, *, signed_in_at: int | None = None) -> None:
    """Sign ``user`` in on a brand-new session that opens one customer (``access``). Switching to
    another of the person's customers keeps the sign-in's time (``signed_in_at``): the session's
    absolute lifetime counts from the password, not from the switch."""
    session.clear()
    now = int(time.time())
    session.update({
        CUSTOMER: access.customer_id, NAME: access.display_name, EMAIL: user.email,
        VERSION: user.session_version, SESSION_ID: secrets.token_urlsafe(24),
        SIGNED_IN_AT: signed_in_at or now, SEEN_AT: now,
    })
    if user.preferred_language:
        session[LANGUAGE] = user.preferred_language  # views/language.py: no query per request for it
    login_user(_session_user(user.id))
    _learn_customer_language(access.customer_id)


def current_access() -> Access | None:
    """The customer the signed-in portal user's session opens (None for a handoff or no session)."""
    if not current_user.is_authenticated or current_user.via_handoff:
        return None
    return Access(current_user.customer_id, current_user.display_name)


def start_handoff_session(customer_id: str, display_name: str, email: str) -> None:
    """Sign in the customer a verified handoff token names, on a brand-new session (never staff)."""
    session.clear()
    now = int(time.time())
    session.update({
        CUSTOMER: customer_id, NAME: display_name, EMAIL: email, VERSION: 0,
        SESSION_ID: secrets.token_urlsafe(24), SIGNED_IN_AT: now, SEEN_AT: now, VIA: "handoff",
    })
    login_user(_session_user(0))
    _learn_customer_language(customer_id)


def _learn_customer_language(customer_id: str) -> None:
    from views.language import learn_customer_language  # views/language.py imports this module

    learn_customer_language(customer_id)


def end_session() -> None:
    session.clear()


def current_session_id() -> str | None:
    return session.get(SESSION_ID)


def _session_user(user_id: int) -> SessionUser:
    return SessionUser(
        user_id=user_id, customer_id=session[CUSTOMER], display_name=session[NAME],
        email=session[EMAIL], session_id=session[SESSION_ID], via_handoff=session.get(VIA) == "handoff",
    )


def _load_user(user_id: str) -> SessionUser | None:
    if user_id.startswith(HANDOFF_ID_PREFIX):
        return _load_handoff_user(user_id)
    try:
        uid, version, session_id = int(user_id), int(session[VERSION]), str(session[SESSION_ID])
        customer_id = str(session[CUSTOMER])
    except (KeyError, TypeError, ValueError):
        session.clear()
        return None
    if not session_store().check(uid, version, session_id, customer_id, prefetch=_page_reads(customer_id)):
        # Signed out (here or elsewhere), reset, or disabled: this cookie is dead for good.
        session.clear()
        return None
    return _session_user(uid)


def _load_handoff_user(user_id: str) -> SessionUser | None:
    customer_id, session_id = session.get(CUSTOMER), session.get(SESSION_ID)
    if (session.get(VIA) != "handoff" or not customer_id or not session_id
            or user_id != HANDOFF_ID_PREFIX + str(customer_id)
            or not session_store().check(0, None, str(session_id), str(customer_id),
                                         prefetch=_page_reads(str(customer_id)))):
        session.clear()
        return None
    return _session_user(0)


def _page_reads(customer_id: str):
    """The cache entries this request's page will read (``views/pipeline.page_reads``), lazily."""
    from views.pipeline import page_reads

    return lambda: page_reads(customer_id)


def init_auth_session(app: Flask, settings: Settings) -> None:
    secure = settings.PORTAL_ENV != "development"
    app.config.update(
        # The __Host- prefix makes browsers insist on Secure, Path=/ and no Domain.
        SESSION_COOKIE_NAME="__Host-portal_session" if secure else "portal_session",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PATH="/",
        SESSION_COOKIE_DOMAIN=None,
        WTF_CSRF_TIME_LIMIT=settings.SESSION_ABSOLUTE_HOURS * 3600,
    )
    login_manager.login_view = "auth.login"
    login_manager.login_message = words.SIGN_IN_TO_CONTINUE
    login_manager.localize_callback = str  # in the request's language, as text the session can store
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # the session version does this job, without IP pinning
    login_manager.user_loader(_load_user)

    idle, absolute = settings.SESSION_IDLE_MINUTES * 60, settings.SESSION_ABSOLUTE_HOURS * 3600

    @app.before_request
    def enforce_session_lifetime() -> None:
        if request.endpoint == "static" or "_user_id" not in session:
            return
        now = int(time.time())
        signed_in, seen = session.get(SIGNED_IN_AT, 0), session.get(SEEN_AT, 0)
        reason = "absolute" if now - signed_in > absolute else "idle" if now - seen > idle else None
        if reason is None:
            if now - seen >= SEEN_WRITE_INTERVAL:
                session[SEEN_AT] = now
            return
        user_id, customer_id = session.get("_user_id"), session.get(CUSTOMER)
        via_handoff = session.get(VIA) == "handoff"
        session.clear()
        # Recorded in the request's transaction: the pipeline commits it with the page that follows.
        authentication.record_session_expired(0 if via_handoff else int(user_id), customer_id, reason, audit_context())
        flash(words.SESSION_EXPIRED, "info")
