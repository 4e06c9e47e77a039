"""Subscriptions: the list and one subscription's page, and the changes a customer makes to them:
subscribe (convert a trial, or start again), change plan (preview, then confirm), cancel (with a
reason and an optional offer), keep a subscription set to end, reactivate.

GET shows what will happen; only a POST with a CSRF token changes anything. The policy decides
which buttons a page shows (``views/portal/buttons.py``) and the operations ask it again before
they call Zoho; a refusal reaches the customer through the pipeline as a message on the
subscription's page.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from flask import flash, redirect, render_template, request, session, url_for

from services import audit, overview
from services.context import CustomerContext
from services.formatting import format_money
from services.operations import subscriptions as operations
from services.operations.subscriptions import ActionResult
from services.plan_preview import Selection
from services.policy import Action, ActionRefused, cards as card_policy, subscriptions as policy
from services.texts import subscriptions as words
from views.page_memo import render_page
from views.portal import home
from views.portal.buttons import button, subscription_buttons
from views.portal.forms import (
    ADDON_PREFIX,
    CancelForm,
    EmptyForm,
    SubscribeForm,
    addon_fields,
    plan_choice_form,
)

CHECKOUT_SESSION_KEY = "checkouts"  # secure-page ids this session was sent to (the return must be one)
CHECKOUTS_KEPT = 5


def page_of(subscription_id: str | None = None) -> str:
    """A subscription's page (the list when there is none): where refused actions send the customer."""
    if subscription_id:
        return url_for("portal.subscription", subscription_id=subscription_id)
    return url_for("portal.subscriptions")


def _done(result: ActionResult, ctx: CustomerContext):
    ctx.report("succeeded", **result.details)
    flash(result.message, "success")
    return redirect(page_of(result.subscription_id), 303)


# -- reading -------------------------------------------------------------------------------------------


def list_page(ctx: CustomerContext):
    # List rows leave out the card (a trial with one is subscribed): running ones are read in full.
    full = {d.subscription.subscription_id: d.subscription for d in ctx.billing.running_subscriptions()}
    rows = [full.get(row.subscription_id, row) for row in ctx.billing.subscriptions()]
    return render_page("portal/subscriptions.html", subscriptions=rows, subscribe_button=_subscribe_first(ctx))


def _subscribe_first(ctx: CustomerContext):
    """The empty list's way in: start a first subscription."""
    return button([policy.decide_first_subscription(ctx.actor)])


def show(ctx: CustomerContext, subscription_id: str):
    detail = ctx.billing.subscription(subscription_id)
    sub = detail.subscription
    today = ctx.today()
    decisions = policy.decisions(sub, ctx.actor, scheduled_change=detail.has_scheduled_change)
    decisions[Action.UPDATE_CARD] = card_policy.decide_update_card(sub, ctx.actor)
    problems = overview.payment_problems(ctx, [detail])
    problem_buttons = {}
    if problems:
        has_card = ctx.billing.card_on_file() is not None
        problem_buttons = {problems[0].subscription_id: home.problem_actions(ctx, sub, problems[0], has_card=has_card)}
        del decisions[Action.UPDATE_CARD]  # the banner offers it, beside paying now
    buttons = subscription_buttons(decisions, subscription_id,
                                   subscribe_label=None if policy.is_trial(sub) else words.BUTTON_SUBSCRIBE_AGAIN)
    drop = button([decisions[Action.DROP_SCHEDULED_CHANGE]], subscription_id=subscription_id)
    (line,) = overview.subscription_lines([detail], today) or (None,)
    return render_page("portal/subscription.html", subscription=sub, status=policy.status_view(sub, today),
                       line=line, shows_price=policy.shows_recurring_price(sub),
                       scheduled_changes=detail.scheduled_changes, card=detail.card, actions=buttons,
                       drop_scheduled_change=drop, problems=problems,
                       buttons=SimpleNamespace(problems=problem_buttons),
                       change_refusal=_change_refusal(sub, decisions))


def _change_refusal(sub, decisions) -> str | None:
    """Why the plan can't be changed now, when the subscription is running but its state says no
    (set to end, or a payment failed): the policy's own sentence, so the page says what a POST is told."""
    if not policy.is_running(sub):
        return None
    change = decisions[Action.CHANGE_PLAN]
    return None if change.applies else change.refusal


# -- subscribe ----------------------------------------------------------------------------------------------


def _plan_choices(offers) -> list[tuple[str, str]]:
    return [(o.plan.plan_code, o.plan.name or o.plan.plan_code) for o in offers]


@dataclass(frozen=True)
class WhatHappens:
    """For one plan on the subscribe page: what is due today, and the sentence saying what is charged
    when, paying with the card on file or with a card entered on the secure payment page."""

    due_today: str
    with_card_on_file: str
    with_new_card: str


def _what_happens(context) -> dict[str, WhatHappens]:
    last_four = context.card.last_four_digits if context.card else None
    found = {}
    for code, charge in context.first_charges.items():
        if charge.due_today:
            found[code] = WhatHappens(format_money(charge.amount) if charge.amount else words.DUE_TODAY_UNKNOWN,
                                      words.charged_today(charge.amount, last_four),
                                      words.charged_today(charge.amount, None))
        else:
            found[code] = WhatHappens(str(words.DUE_TODAY_NOTHING),
                                      words.trial_charge_card(charge.amount, charge.on, last_four),
                                      words.trial_charge_new_card(charge.amount, charge.on))
    return found


def subscribe(ctx: CustomerContext, subscription_id: str | None = None):
    if subscription_id is None:
        # "Subscribe" from the product or from an empty list means the subscription the customer
        # already has, if one is running: never a second one.
        running = operations.subscription_to_subscribe(ctx)
        if running is not None:
            if policy.decide(running, Action.SUBSCRIBE, ctx.actor).applies:
                return redirect(url_for("portal.subscribe", subscription_id=running.subscription_id), 303)
            flash(words.ALREADY_SUBSCRIBED, "info")
            return redirect(page_of(running.subscription_id), 303)
    context = operations.subscribe_context(ctx, subscription_id)
    form = SubscribeForm()
    form.plan_code.choices = _plan_choices(context.plans)
    payments = [("new_card", words.PAY_ON_SECURE_PAGE)]
    if context.card is not None:
        payments.insert(0, ("card_on_file", words.pay_with_card_on_file(context.card.last_four_digits)))
    form.payment.choices = payments
    if request.method == "GET":
        current = context.subscription.plan.plan_code if context.subscription and context.subscription.plan else None
        codes = [p.plan_code for p in context.plans]
        form.plan_code.data = current if current in codes else (codes[0] if codes else None)
        form.payment.data = payments[0][0]
        return render_template("portal/subscribe.html", context=context, form=form, error=None,
                               what_happens=_what_happens(context))
    error = None
    if form.validate():
        try:
            if form.payment.data == "card_on_file":
                return _done(operations.subscribe_with_card(ctx, subscription_id, form.plan_code.data), ctx)
            checkout = operations.start_checkout(ctx, subscription_id, form.plan_code.data, _return_url(ctx))
        except ActionRefused as refused:
            if refused.field is None:
                raise
            ctx.report("refused", zoho_code=refused.code, plan_code=form.plan_code.data)
            getattr(form, refused.field).errors.append(refused.message)
        else:
            issued = [*session.get(CHECKOUT_SESSION_KEY, []), checkout.hostedpage_id][-CHECKOUTS_KEPT:]
            session[CHECKOUT_SESSION_KEY] = issued
            ctx.report("sent_to_checkout", **checkout.details)
            return redirect(checkout.url, 303)
    else:
        ctx.report("invalid_form")
    return render_template("portal/subscribe.html", context=context, form=form, error=error,
                           what_happens=_what_happens(context)), 422


def _return_url(ctx: CustomerContext) -> str:
    return ctx.settings.PORTAL_BASE_URL.rstrip("/") + url_for("portal.subscribe_return")


def subscribe_return(ctx: CustomerContext):
    """The secure page sends the customer here with ``hostedpage_id``: a read of what happened there
    (the payment itself happened on that page), audited as the second half of ``write.subscribe``."""
    hostedpage_id = request.args.get("hostedpage_id", "")
    issued = list(session.get(CHECKOUT_SESSION_KEY, []))
    try:
        result = operations.finish_checkout(ctx, hostedpage_id, issued)
    except ActionRefused as refused:
        _audit_checkout(ctx, "refused", hostedpage_id=hostedpage_id)
        flash(refused.message, "error")
        return redirect(url_for("portal.subscribe"), 303)
    session[CHECKOUT_SESSION_KEY] = [i for i in issued if i != hostedpage_id]
    _audit_checkout(ctx, "succeeded", **result.details)
    flash(result.message, "success")
    return redirect(page_of(result.subscription_id), 303)


def _audit_checkout(ctx: CustomerContext, outcome: str, **details) -> None:
    actor = ctx.actor
    audit.record("write.subscribe", ctx.audit, actor=actor.audit_name, portal_user_id=actor.portal_user_id,
                 customer_id=actor.customer_id,
                 details={"action": Action.SUBSCRIBE.value, "outcome": outcome, "step": "checkout_return",
                          "via": actor.kind.value, **details})


# -- change plan -----------------------------------------------------------------------------------------------


def _change_form(ctx: CustomerContext, plans, formdata=None, csrf=True):
    from services import catalog

    codes: list[str] = []
    found: dict[str, object] = {}
    allowed_on: dict[str, list[str]] = {}
    for plan in (offer.plan for offer in plans):
        for addon in catalog.addons_for(ctx, plan.plan_code):
            if addon.addon_code not in found:
                codes.append(addon.addon_code)
                found[addon.addon_code] = addon
            allowed_on.setdefault(addon.addon_code, []).append(plan.name or plan.plan_code)
    prices = catalog.prices_for(ctx)
    form = plan_choice_form(codes, formdata, csrf=csrf)
    form.plan_code.choices = _plan_choices(plans)
    for field in addon_fields(form):
        code = field.name[len(ADDON_PREFIX):]
        addon = found[code]
        field.label.text = addon.name or code
        price = prices.money(prices.addon_unit(addon, 1))
        parts = [words.addon_price(price, addon.unit_name, addon.interval_unit)] if price else []
        if len(allowed_on[code]) != len(plans):
            parts.append(words.available_with(allowed_on[code]))
        field.description = " · ".join(parts)
    return form


def _selection(form) -> Selection:
    addons = tuple((f.name[len(ADDON_PREFIX):], int(f.data or 0)) for f in addon_fields(form))
    return Selection(form.plan_code.data, int(form.quantity.data), addons)


def change_plan(ctx: CustomerContext, subscription_id: str):
    context = operations.change_plan_context(ctx, subscription_id)
    sub = context.subscription
    drop = button([policy.decide(sub, Action.DROP_SCHEDULED_CHANGE, ctx.actor,
                                 scheduled_change=context.has_scheduled_change)], subscription_id=subscription_id)

    def page(form, error=None, status=200):
        return render_template("portal/change_plan.html", context=context, form=form, error=error,
                               drop_scheduled_change=drop), status

    if request.method == "POST":
        form = _change_form(ctx, context.plans)
        if not form.validate():
            ctx.report("invalid_form")
            return page(form, status=422)
        try:
            result = operations.change_plan(ctx, subscription_id, _selection(form))
        except ActionRefused as refused:
            if refused.field is None:
                raise
            ctx.report("refused", zoho_code=refused.code, plan_code=form.plan_code.data)
            return page(form, refused.message, 422)
        return _done(result, ctx)

    if "preview" not in request.args:
        form = _change_form(ctx, context.plans)
        if sub.plan and sub.plan.plan_code in {p.plan_code for p in context.plans}:
            form.plan_code.data = sub.plan.plan_code
        form.quantity.data = sub.plan.quantity if sub.plan and sub.plan.quantity else 1
        current = {a.addon_code: a.quantity for a in sub.addons}
        for field in addon_fields(form):
            field.data = current.get(field.name[len(ADDON_PREFIX):], 0)
        return page(form)

    form = _change_form(ctx, context.plans, formdata=request.args, csrf=False)
    if not form.validate():
        return page(form, status=422)
    try:
        preview = operations.preview_change(ctx, subscription_id, _selection(form))
    except ActionRefused as refused:
        if refused.field is None:
            raise
        return page(form, refused.message, 422)
    confirm = _change_form(ctx, context.plans, formdata=request.args)
    return render_template("portal/change_plan_preview.html", context=context, preview=preview, confirm=confirm,
                           back_url=url_for("portal.change_plan", subscription_id=subscription_id,
                                            **{k: v for k, v in request.args.items() if k != "preview"}))


# One-click buttons post only their CSRF token, which the app checks before any controller runs.
def drop_scheduled_change(ctx: CustomerContext, subscription_id: str):
    return _done(operations.drop_scheduled_change(ctx, subscription_id), ctx)


# -- cancel, keep, reactivate ---------------------------------------------------------------------------------


def cancel(ctx: CustomerContext, subscription_id: str):
    context = operations.cancel_context(ctx, subscription_id)
    form = CancelForm()
    form.when.choices = [(o.value, o.label) for o in context.options]
    form.reason.choices = [("", words.CHOOSE_A_REASON if context.reason_required else words.PREFER_NOT_TO_SAY)] + [
        (m.churn_message_id, m.label or "") for m in context.reasons]
    if request.method == "GET" and len(context.options) == 1:
        form.when.data = context.options[0].value
    error = None
    reason_offer = None
    if request.method == "POST":
        if form.validate():
            try:
                if form.offer_declined.data != "1":
                    # The reason given has an offer of its own: it is shown before anything changes.
                    reason_offer = operations.offer_before_cancelling(ctx, subscription_id, form.reason.data or None)
                if reason_offer is None:
                    result = operations.cancel(ctx, subscription_id, form.when.data, form.reason.data or None,
                                               form.reason_text.data)
            except ActionRefused as refused:
                if refused.field is None:
                    raise
                ctx.report("refused", zoho_code=refused.code)
                getattr(form, refused.field).errors.append(refused.message)
            else:
                if reason_offer is None:
                    return _done(result, ctx)
                ctx.report("offered", coupon_code=reason_offer.coupon_code, churn_message_id=reason_offer.reason_id)
                form.offer_declined.data = "1"
                return render_template("portal/cancel.html", context=context, form=form, offer_form=EmptyForm(),
                                       error=None, offer=reason_offer), 200
        else:
            ctx.report("invalid_form")
    status = 422 if request.method == "POST" else 200
    return render_template("portal/cancel.html", context=context, form=form, offer_form=EmptyForm(),
                           error=error, offer=context.retention), status


def accept_retention(ctx: CustomerContext, subscription_id: str):
    # The reason names the offer (checked against Zoho's list); a coupon code is never read from a form.
    return _done(operations.accept_retention(ctx, subscription_id, request.form.get("reason") or None), ctx)


def keep(ctx: CustomerContext, subscription_id: str):
    return _done(operations.keep(ctx, subscription_id), ctx)


def reactivate(ctx: CustomerContext, subscription_id: str):
    context = operations.reactivate_context(ctx, subscription_id)
    if request.method == "POST":
            return _done(operations.reactivate(ctx, subscription_id), ctx)
    return render_template("portal/subscribe_reactivate.html", context=context, form=EmptyForm(), error=None)
