"""Blueprint ``auth``: sign in (with the optional TOTP step and, for a person with access to
several customers, the account they open), sign out, forgotten password, password reset and
accepting an invitation.

Emailed links arrive as ``/reset?token=…`` and ``/invite?token=…``: the token is moved into the
session and the browser is sent (303) to the same path without it, so that it does not linger
in the address bar, the history or access logs. Views parse and call one service; the pipeline
commits once.
"""
from __future__ import annotations

import time

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from db.models import PortalUser
from extensions import db, limiter
from services import accounts, audit, authentication, password_reset
from services.accounts import AccountError
from services.authentication import AccountLocked
from services.safe_redirect import safe_next
from views.auth_forms import EmptyForm, ForgotPasswordForm, LoginForm, NewPasswordForm, SecondFactorForm
from services.context import RequestContext
from services.texts import account as words
from views.auth_session import (
    ACCOUNTS, PENDING_SECOND_FACTOR, SIGNED_IN_AT, current_session_id, end_session, start_session,
)
from views.pipeline import Audience, PipelineBlueprint
from services.texts import _

bp = PipelineBlueprint("auth", __name__, audience=Audience.PUBLIC)
SECOND_FACTOR_WINDOW = 300  # seconds between the password step and the code step
CHOOSE_ACCOUNT = "choose"  # session key between a sign-in and the account picked
CHOICE_WINDOW = 300  # seconds to pick an account after signing in
LINK_TOKEN_KEYS = {accounts.INVITATION_PATH: "invite_token", password_reset.RESET_PATH: "reset_token"}


def auth_ip_limit() -> str:
    return current_app.extensions["settings"].RATELIMIT_AUTH_PER_IP


def _home() -> str:
    return url_for("portal.home")


def _refused(template: str, form, error: AccountError, **context):
    # A refusal is an answer, not a failure: the pipeline keeps its audit rows and lockout count.
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, AccountLocked) else {}
    return render_template(template, form=form, error=error.message, **context), error.status, headers


def _invalid(template: str, form, **context):
    """Re-show a form that failed validation: 422 when it was submitted, 200 on first view."""
    return render_template(template, form=form, **context), 422 if form.is_submitted() else 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(auth_ip_limit, methods=["POST"])
def login(ctx: RequestContext):
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if current_user.is_authenticated:
        return redirect(safe_next(form.next.data, _home()), 303)
    if not form.validate_on_submit():
        return _invalid("auth/login.html", form)
    try:
        checked = authentication.check_password(form.email.data, form.password.data, ctx.audit)
    except AccountError as error:
        form.password.data = ""
        return _refused("auth/login.html", form, error)
    if checked.needs_second_factor:
        session.clear()
        session[PENDING_SECOND_FACTOR] = {"uid": checked.user.id, "at": int(time.time()), "next": form.next.data}
        return redirect(url_for("auth.second_factor"), 303)
    return _open_account(ctx, checked.user, form.next.data, method="password")


def _open_account(ctx: RequestContext, user, next_path: str | None, *, method: str):
    """The password (and code) are right: open the person's account, or let them pick one when
    their login opens several customers' accounts."""
    memberships = accounts.active_memberships(user)
    if not memberships:
        authentication.record_no_account(user, ctx.audit)
        return render_template("auth/login.html", form=LoginForm(), error=words.NO_ACCOUNT_TO_OPEN), 403
    authentication.complete_sign_in(user, ctx.audit, method=method)
    if len(memberships) == 1:
        start_session(user, accounts.access_of(memberships[0]))
        return redirect(safe_next(next_path, _home()), 303)
    session.clear()
    session[CHOOSE_ACCOUNT] = {"uid": user.id, "at": int(time.time()), "next": next_path}
    return redirect(url_for("auth.choose_account"), 303)


@bp.route("/login/account", methods=["GET", "POST"])
def choose_account(ctx: RequestContext):
    """Which customer's account to open: right after signing in, or to switch while signed in. Only
    the login's own active memberships are listed or accepted."""
    pending = session.get(CHOOSE_ACCOUNT)
    if current_user.is_authenticated and not current_user.via_handoff:
        uid, signed_in_at, next_path = current_user.user_id, session.get(SIGNED_IN_AT), None
    elif pending and time.time() - pending.get("at", 0) <= CHOICE_WINDOW:
        uid, signed_in_at, next_path = pending["uid"], None, pending.get("next")
    else:
        session.pop(CHOOSE_ACCOUNT, None)
        flash(_("Please sign in again."), "info")
        return redirect(url_for("auth.login"), 303)
    user = db.session.get(PortalUser, uid)
    memberships = accounts.active_memberships(user) if user is not None and user.status == "active" else []
    if not memberships:
        end_session()
        return redirect(url_for("auth.login"), 303)
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        chosen = next((m for m in memberships if m.customer_id == request.form.get("customer_id")), None)
        if chosen is not None:
            start_session(user, accounts.access_of(chosen), signed_in_at=signed_in_at)
            session[ACCOUNTS] = len(memberships)
            audit.record("account_opened", ctx.audit, actor=audit.user_actor(user.id), portal_user_id=user.id,
                         customer_id=chosen.customer_id, details={"accounts": len(memberships)})
            return redirect(safe_next(next_path, _home()), 303)
    current = current_user.customer_id if current_user.is_authenticated else None
    return render_template("auth/choose_account.html", form=form, memberships=memberships, current=current,
                           email=user.email), 200 if request.method == "GET" else 422


@bp.route("/login/verify", methods=["GET", "POST"])
@limiter.limit(auth_ip_limit, methods=["POST"])
def second_factor(ctx: RequestContext):
    pending = session.get(PENDING_SECOND_FACTOR)
    if not pending or time.time() - pending.get("at", 0) > SECOND_FACTOR_WINDOW:
        session.pop(PENDING_SECOND_FACTOR, None)
        flash(_("Please sign in again."), "info")
        return redirect(url_for("auth.login"), 303)
    form = SecondFactorForm()
    if not form.validate_on_submit():
        return _invalid("auth/second_factor.html", form)
    try:
        user = authentication.check_second_factor(pending["uid"], form.code.data, ctx.audit)
    except AccountError as error:
        return _refused("auth/second_factor.html", form, error)
    return _open_account(ctx, user, pending.get("next"), method="password+totp")


@bp.get("/logout")
@login_required
def logout_confirm(ctx: RequestContext):
    # GET never changes state: it only offers the button.
    return render_template("auth/logout.html", form=EmptyForm())


@bp.post("/logout")
@login_required
def logout(ctx: RequestContext):
    authentication.sign_out(current_user.user_id, current_user.customer_id, current_session_id(), ctx.audit)
    end_session()
    flash(words.SIGNED_OUT, "success")
    return redirect(url_for("auth.login"), 303)


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(auth_ip_limit, methods=["POST"])
def forgot_password(ctx: RequestContext):
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return _invalid("auth/forgot.html", form)
    password_reset.request_reset(form.email.data, ctx.audit)
    # The same page whether or not the address has an account.
    return render_template("auth/forgot_sent.html")


def _stash_link_token():
    """``?token=`` → session, then 303 to the same path without it; None if there is no token."""
    token = request.args.get("token")
    if token is None:
        return None
    session[LINK_TOKEN_KEYS[request.path]] = token[:128]
    return redirect(request.path, 303)


def _link_invalid():
    return render_template("auth/link_invalid.html"), 400


@bp.route(password_reset.RESET_PATH, methods=["GET", "POST"])
@limiter.limit(auth_ip_limit, methods=["POST"])
def reset_password(ctx: RequestContext):
    stashed = _stash_link_token()
    if stashed is not None:
        return stashed
    token = session.get("reset_token")
    try:
        user = password_reset.reset_link_user(token)
    except AccountError:
        return _link_invalid()
    form = NewPasswordForm()
    if not form.validate_on_submit():
        return _invalid("auth/reset.html", form, email=user.email)
    try:
        password_reset.complete_reset(token, form.password.data, ctx.audit)
    except AccountError as error:
        return render_template("auth/reset.html", form=form, email=user.email, error=error.message), error.status
    end_session()  # no automatic sign-in after a reset
    flash(words.PASSWORD_RESET, "success")
    return redirect(url_for("auth.login"), 303)


@bp.route(accounts.INVITATION_PATH, methods=["GET", "POST"])
@limiter.limit(auth_ip_limit, methods=["POST"])
def accept_invitation(ctx: RequestContext):
    stashed = _stash_link_token()
    if stashed is not None:
        return stashed
    token = session.get("invite_token")
    try:
        invitation = accounts.invitation_for(token)
    except AccountError:
        return _link_invalid()
    # A person who already signs in (for another customer) just accepts: no new password.
    form = EmptyForm() if invitation.has_login else NewPasswordForm()
    if not form.validate_on_submit():
        return _invalid("auth/accept_invitation.html", form, invitation=invitation)
    existing_login = invitation.has_login
    try:
        invitation = accounts.accept_invitation(token, None if existing_login else form.password.data, ctx.audit)
    except AccountError as error:
        return render_template("auth/accept_invitation.html", form=form, invitation=invitation,
                               error=error.message), error.status
    if existing_login:
        end_session()  # no sign-in without the password: the person signs in and finds the account there
        flash(words.invitation_accepted(invitation.membership.customer_name), "success")
        return redirect(url_for("auth.login"), 303)
    authentication.complete_sign_in(invitation.user, ctx.audit, method="invitation")
    start_session(invitation.user, accounts.access_of(invitation.membership))
    flash(words.WELCOME, "success")
    return redirect(_home(), 303)
