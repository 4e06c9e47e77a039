"""Blueprint ``auth``: sign in (with the optional TOTP step), sign out, forgotten password,
password reset and accepting an invitation.

Emailed links arrive as ``/reset?token=…`` and ``/invite?token=…``: the token is moved into the
session and the browser is sent (303) to the same path without it, so that it does not linger
in the address bar, the history or access logs. Views parse and call one service; the pipeline
commits once.
"""
from __future__ import annotations

import time

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from extensions import limiter
from services import accounts, authentication, password_reset
from services.accounts import AccountError
from services.authentication import AccountLocked
from services.safe_redirect import safe_next
from views.auth_forms import EmptyForm, ForgotPasswordForm, LoginForm, NewPasswordForm, SecondFactorForm
from services.context import RequestContext
from services.texts import account as words
from views.auth_session import PENDING_SECOND_FACTOR, current_session_id, end_session, start_session
from views.pipeline import Audience, PipelineBlueprint

bp = PipelineBlueprint("auth", __name__, audience=Audience.PUBLIC)
SECOND_FACTOR_WINDOW = 300  # seconds between the password step and the code step
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
    authentication.complete_sign_in(checked.user, ctx.audit, method="password")
    start_session(checked.user)
    return redirect(safe_next(form.next.data, _home()), 303)


@bp.route("/login/verify", methods=["GET", "POST"])
@limiter.limit(auth_ip_limit, methods=["POST"])
def second_factor(ctx: RequestContext):
    pending = session.get(PENDING_SECOND_FACTOR)
    if not pending or time.time() - pending.get("at", 0) > SECOND_FACTOR_WINDOW:
        session.pop(PENDING_SECOND_FACTOR, None)
        flash("Please sign in again.", "info")
        return redirect(url_for("auth.login"), 303)
    form = SecondFactorForm()
    if not form.validate_on_submit():
        return _invalid("auth/second_factor.html", form)
    try:
        user = authentication.check_second_factor(pending["uid"], form.code.data, ctx.audit)
    except AccountError as error:
        return _refused("auth/second_factor.html", form, error)
    authentication.complete_sign_in(user, ctx.audit, method="password+totp")
    start_session(user)
    return redirect(safe_next(pending.get("next"), _home()), 303)


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
        user = accounts.invitation_for(token)
    except AccountError:
        return _link_invalid()
    form = NewPasswordForm()
    if not form.validate_on_submit():
        return _invalid("auth/accept_invitation.html", form, person=user)
    try:
        user = accounts.accept_invitation(token, form.password.data, ctx.audit)
    except AccountError as error:
        return render_template("auth/accept_invitation.html", form=form, person=user, error=error.message), error.status
    authentication.complete_sign_in(user, ctx.audit, method="invitation")
    start_session(user)
    flash(words.WELCOME, "success")
    return redirect(_home(), 303)
