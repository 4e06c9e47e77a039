"""Subscribe, change plan (preview, then confirm), cancel (with a reason and an optional offer), reactivate.

GET shows what will happen; only a POST with a CSRF token changes anything, through ``@write_action``.
The customer is always the session's; an id in the URL is checked by the service before any Zoho call
carries it (404 for anyone else's).
"""
from __future__ import annotations

from contextlib import contextmanager

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from extensions import db
from services import audit
from services.ownership import NotOwned
from services.plan_preview import Selection
from services.subscriptions_actions import ActionRefused, actions_for
from views.auth_session import audit_context
from views.portal_actions.forms import (
    ADDON_PREFIX,
    CancelForm,
    EmptyForm,
    SubscribeForm,
    addon_fields,
    plan_choice_form,
)
from views.portal_home import bp
from views.write_actions import actor_of, report_outcome, write_action

CHECKOUT_SESSION_KEY = "checkouts"  # hosted page ids this session was sent to (the return must be one)
CHECKOUTS_KEPT = 5


def _actions():
    return actions_for(current_user.customer_id)


@contextmanager
def owned_only():
    """Someone else's (or an unknown) id is a plain 404, audited as such by the decorator."""
    try:
        yield
    except NotOwned:
        abort(404)


def _subscription_page(subscription_id: str | None) -> str:
    if subscription_id:
        return url_for("portal.subscription", subscription_id=subscription_id)
    return url_for("portal.subscriptions")


def _refused(error: ActionRefused, **details) -> None:
    report_outcome("refused", zoho_code=error.code, **details)


def _plan_choices(offers) -> list[tuple[str, str]]:
    return [(o.plan.plan_code, o.plan.name or o.plan.plan_code) for o in offers]


# -- subscribe ---------------------------------------------------------------------------------------


@bp.route("/subscribe", methods=["GET", "POST"], endpoint="subscribe")
@bp.route("/subscriptions/<subscription_id>/subscribe", methods=["GET", "POST"], endpoint="subscribe")
@write_action("subscribe")
def subscribe(subscription_id: str | None = None):
    actions = _actions()
    with owned_only():
        try:
            context = actions.subscribe_context(subscription_id)
        except ActionRefused as error:
            if request.method == "POST":
                _refused(error)
            flash(error.message, "info")
            return redirect(_subscription_page(subscription_id), 303)
    form = SubscribeForm()
    form.plan_code.choices = _plan_choices(context.plans)
    payments = [("new_card", "Enter a card on the secure payment page")]
    if context.card is not None:
        payments.insert(0, ("card_on_file", f"The card on file ending {context.card.last_four_digits}"))
    form.payment.choices = payments
    if request.method == "GET":
        current = context.subscription.plan.plan_code if context.subscription and context.subscription.plan else None
        if current in {p.plan_code for p in context.plans}:
            form.plan_code.data = current
        form.payment.data = payments[0][0]
    error = None
    if request.method == "POST" and form.validate():
        try:
            if form.payment.data == "card_on_file":
                result = actions.subscribe_with_card(subscription_id, form.plan_code.data)
                report_outcome("succeeded", subscription_id=result.subscription_id, **result.details)
                flash(result.message, "success")
                return redirect(url_for("portal.subscription", subscription_id=result.subscription_id), 303)
            checkout = actions.start_checkout(subscription_id, form.plan_code.data, _return_url())
            issued = [*session.get(CHECKOUT_SESSION_KEY, []), checkout.hostedpage_id][-CHECKOUTS_KEPT:]
            session[CHECKOUT_SESSION_KEY] = issued
            report_outcome("sent_to_checkout", **checkout.details)
            return redirect(checkout.url, 303)
        except ActionRefused as refused:
            _refused(refused, plan_code=form.plan_code.data)
            if refused.field in ("plan_code", "payment"):
                getattr(form, refused.field).errors.append(refused.message)
            else:
                error = refused.message
    elif request.method == "POST":
        report_outcome("invalid_form")
    status = 422 if request.method == "POST" else 200
    return render_template("portal/subscribe.html", context=context, form=form, error=error), status


def _return_url() -> str:
    base = current_app.extensions["settings"].PORTAL_BASE_URL
    return base + url_for("portal.subscribe_return")


@bp.get("/subscribe/return", endpoint="subscribe_return")
def subscribe_return():
    """Zoho's hosted page sends the customer here with ``hostedpage_id`` (a read of Zoho's outcome;
    the payment itself happened on Zoho's page). Audited as the second half of ``write.subscribe``."""
    hostedpage_id = request.args.get("hostedpage_id", "")
    issued = list(session.get(CHECKOUT_SESSION_KEY, []))
    with owned_only():
        try:
            result = _actions().finish_checkout(hostedpage_id, issued)
        except ActionRefused as refused:
            _audit_checkout("refused", hostedpage_id=hostedpage_id)
            flash(refused.message, "error")
            return redirect(url_for("portal.subscribe"), 303)
    session[CHECKOUT_SESSION_KEY] = [i for i in issued if i != hostedpage_id]
    _audit_checkout("succeeded", **result.details)
    flash(result.message, "success")
    return redirect(url_for("portal.subscription", subscription_id=result.subscription_id), 303)


def _audit_checkout(outcome: str, **details) -> None:
    audit.record("write.subscribe", audit_context(), actor=actor_of(current_user),
                 portal_user_id=None if current_user.via_handoff else current_user.user_id,
                 customer_id=current_user.customer_id,
                 details={"action": "subscribe", "outcome": outcome, "step": "checkout_return",
                          "via": "handoff" if current_user.via_handoff else "password", **details})
    db.session.commit()


# -- change plan ---------------------------------------------------------------------------------------


def _change_form(actions, plans, formdata=None, csrf=True):
    codes: list[str] = []
    names: dict[str, str] = {}
    allowed_on: dict[str, list[str]] = {}
    for plan in (offer.plan for offer in plans):
        for addon in actions.addons_for(plan.plan_code):
            if addon.addon_code not in names:
                codes.append(addon.addon_code)
                names[addon.addon_code] = addon.name or addon.addon_code
            allowed_on.setdefault(addon.addon_code, []).append(plan.name or plan.plan_code)
    form = plan_choice_form(codes, formdata, csrf=csrf)
    form.plan_code.choices = _plan_choices(plans)
    for field in addon_fields(form):
        code = field.name[len(ADDON_PREFIX):]
        field.label.text = names[code]
        field.description = ("" if len(allowed_on[code]) == len(plans)
                             else "Available with " + ", ".join(allowed_on[code]))
    return form


def _selection(form) -> Selection:
    addons = tuple((f.name[len(ADDON_PREFIX):], int(f.data or 0)) for f in addon_fields(form))
    return Selection(form.plan_code.data, int(form.quantity.data), addons)


@bp.route("/subscriptions/<subscription_id>/change-plan", methods=["GET", "POST"], endpoint="change_plan")
@write_action("change_plan", back="portal.change_plan")
def change_plan(subscription_id: str):
    actions = _actions()
    with owned_only():
        try:
            context = actions.change_plan_context(subscription_id)
        except ActionRefused as error:
            if request.method == "POST":
                _refused(error)
            flash(error.message, "info")
            return redirect(_subscription_page(subscription_id), 303)
        sub = context.subscription
        if request.method == "POST":
            form = _change_form(actions, context.plans)
            if not form.validate():
                report_outcome("invalid_form")
                return render_template("portal/change_plan.html", context=context, form=form, error=None), 422
            try:
                result = actions.change_plan(subscription_id, _selection(form))
            except ActionRefused as refused:
                _refused(refused, plan_code=form.plan_code.data)
                return render_template("portal/change_plan.html", context=context, form=form,
                                       error=refused.message), 422
            report_outcome("succeeded", **result.details)
            flash(result.message, "success")
            return redirect(url_for("portal.subscription", subscription_id=subscription_id), 303)

        if "preview" not in request.args:
            form = _change_form(actions, context.plans)
            if sub.plan and sub.plan.plan_code in {p.plan_code for p in context.plans}:
                form.plan_code.data = sub.plan.plan_code
            form.quantity.data = sub.plan.quantity if sub.plan and sub.plan.quantity else 1
            current = {a.addon_code: a.quantity for a in sub.addons}
            for field in addon_fields(form):
                field.data = current.get(field.name[len(ADDON_PREFIX):], 0)
            return render_template("portal/change_plan.html", context=context, form=form, error=None)

        form = _change_form(actions, context.plans, formdata=request.args, csrf=False)
        if not form.validate():
            return render_template("portal/change_plan.html", context=context, form=form, error=None), 422
        try:
            preview = actions.preview_change(subscription_id, _selection(form))
        except ActionRefused as refused:
            return render_template("portal/change_plan.html", context=context, form=form, error=refused.message), 422
        confirm = _change_form(actions, context.plans, formdata=request.args)
        return render_template("portal/change_plan_preview.html", context=context, preview=preview, confirm=confirm,
                               back_url=url_for("portal.change_plan", subscription_id=subscription_id,
                                                **{k: v for k, v in request.args.items() if k != "preview"}))


@bp.route("/subscriptions/<subscription_id>/scheduled-change/remove", methods=["POST"],
          endpoint="drop_scheduled_change")
@write_action("drop_scheduled_change", back="portal.change_plan")
def drop_scheduled_change(subscription_id: str):
    form = EmptyForm()
    if not form.validate():
        abort(400)
    with owned_only():
        try:
            result = _actions().drop_scheduled_change(subscription_id)
        except ActionRefused as refused:
            _refused(refused)
            flash(refused.message, "error")
            return redirect(url_for("portal.change_plan", subscription_id=subscription_id), 303)
    report_outcome("succeeded", **result.details)
    flash(result.message, "success")
    return redirect(url_for("portal.subscription", subscription_id=subscription_id), 303)


# -- cancel ------------------------------------------------------------------------------------------


@bp.route("/subscriptions/<subscription_id>/cancel", methods=["GET", "POST"], endpoint="cancel_subscription")
@write_action("cancel_subscription", back="portal.cancel_subscription")
def cancel_subscription(subscription_id: str):
    actions = _actions()
    with owned_only():
        try:
            context = actions.cancel_context(subscription_id)
        except ActionRefused as error:
            if request.method == "POST":
                _refused(error)
            flash(error.message, "info")
            return redirect(_subscription_page(subscription_id), 303)
        form = CancelForm()
        form.when.choices = [(o.value, o.label) for o in context.options]
        form.reason.choices = [("", "Choose a reason" if context.reason_required else "Prefer not to say")] + [
            (m.churn_message_id, m.label or "") for m in context.reasons]
        if request.method == "GET" and len(context.options) == 1:
            form.when.data = context.options[0].value
        error = None
        if request.method == "POST":
            if form.validate():
                try:
                    result = actions.cancel(subscription_id, form.when.data, form.reason.data or None,
                                            form.reason_text.data)
                except ActionRefused as refused:
                    _refused(refused)
                    if refused.field in ("when", "reason"):
                        getattr(form, refused.field).errors.append(refused.message)
                    else:
                        error = refused.message
                else:
                    report_outcome("succeeded", **result.details)
                    flash(result.message, "success")
                    return redirect(url_for("portal.subscription", subscription_id=subscription_id), 303)
            else:
                report_outcome("invalid_form")
        status = 422 if request.method == "POST" else 200
        return render_template("portal/cancel.html", context=context, form=form, offer_form=EmptyForm(),
                               error=error), status


@bp.route("/subscriptions/<subscription_id>/stay", methods=["POST"], endpoint="accept_retention_offer")
@write_action("accept_retention_offer", back="portal.cancel_subscription")
def accept_retention_offer(subscription_id: str):
    if not EmptyForm().validate():
        abort(400)
    with owned_only():
        try:
            result = _actions().accept_retention(subscription_id)
        except ActionRefused as refused:
            _refused(refused)
            flash(refused.message, "error")
            return redirect(url_for("portal.cancel_subscription", subscription_id=subscription_id), 303)
    report_outcome("succeeded", **result.details)
    flash(result.message, "success")
    return redirect(url_for("portal.subscription", subscription_id=subscription_id), 303)


# -- reactivate ------------------------------------------------------------------------------------


@bp.route("/subscriptions/<subscription_id>/reactivate", methods=["GET", "POST"],
          endpoint="reactivate_subscription")
@write_action("reactivate_subscription", back="portal.reactivate_subscription")
def reactivate_subscription(subscription_id: str):
    actions = _actions()
    form = EmptyForm()
    with owned_only():
        context = actions.reactivate_context(subscription_id)
        error = None
        if request.method == "POST":
            if not form.validate():
                abort(400)
            try:
                result = actions.reactivate(subscription_id)
            except ActionRefused as refused:
                _refused(refused)
                error = refused.message
            else:
                report_outcome("succeeded", **result.details)
                flash(result.message, "success")
                return redirect(url_for("portal.subscription", subscription_id=subscription_id), 303)
        status = 422 if error else 200
        return render_template("portal/subscribe_reactivate.html", context=context, form=form, error=error), status
