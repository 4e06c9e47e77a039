"""Home: where the account stands today, with the buttons for what needs doing.

From the top: a banner per subscription whose payment failed (what failed, what is due, what happens
next: update the card, or pay now), a notice per trial that ends unless the customer subscribes, a
notice per card about to expire that a subscription charges, then one line per subscription that
has not ended (plan, next bill, trial end, a change or an end scheduled, the card charged), the
balances and the contact details.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, Mapping

from services import overview
from services.billing import expiring_cards
from services.context import CustomerContext
from services.policy import Action, subscriptions as subscription_policy
from services.policy import cards as card_policy
from services.texts import current_locale, invoices as invoice_words
from views.page_memo import render_page
from views.portal.buttons import Button, button
from views.portal.invoices import pay_all_button, pay_button


@dataclass(frozen=True)
class ProblemButtons:
    update_card: Button | None
    pay: Button | None


@dataclass(frozen=True)
class HomeButtons:
    pay: Button | None  # the oldest invoice owed
    pay_all: Button | None  # every invoice owed, when there is more than one
    subscribe: Mapping[str, Button]  # by trial subscription id
    update_card: Mapping[str, Button]  # by subscription id of an expiring card's notice
    problems: Mapping[str, ProblemButtons]  # by subscription id of a failed payment's banner


def show(ctx: CustomerContext):
    # Built again only once a cached resource it read has changed (or the person, language or day).
    page = ctx.billing.view("home", lambda: home_page(ctx), per=(ctx.actor, current_locale()),
                            still_right=lambda page: page["today"] == ctx.today())
    return render_page("portal/home.html", **page)


def home_page(ctx: CustomerContext) -> Mapping[str, Any]:
    """Everything Home shows. It reads the customer's billing data through ``ctx.billing`` only (the
    cache), besides the person, the language and the day: ``show`` reuses it while those are the same."""
    summary = ctx.billing.summary()
    actor = ctx.actor
    today = ctx.today()
    # List rows leave out the card, plan and add-ons: decide on the full subscriptions.
    details = ctx.billing.running_subscriptions()
    by_id = {detail.subscription.subscription_id: detail.subscription for detail in details}
    has_card = summary.card_on_file is not None

    pay = None
    oldest = summary.outstanding.oldest_invoice_id
    if oldest is not None:
        pay = pay_button(ctx, ctx.billing.invoice(oldest), has_card=has_card)
    # With one invoice owed, paying all is paying that one: its own button is enough.
    pay_all = pay_all_button(ctx) if summary.outstanding.count > 1 else None

    trials = tuple(trial for trial in summary.trials
                   if trial.subscription_id in by_id and subscription_policy.needs_card_to_continue(by_id[trial.subscription_id]))
    subscribe = {}
    for trial in trials:
        made = button([subscription_policy.decide(by_id[trial.subscription_id], Action.SUBSCRIBE, actor)],
                      subscription_id=trial.subscription_id)
        if made is not None:
            subscribe[trial.subscription_id] = made

    cards = expiring_cards(by_id.values(), today)
    update_card = {}
    for notice in cards:
        made = button([card_policy.decide_update_card(by_id[notice.subscription_id], actor)],
                      subscription_id=notice.subscription_id)
        if made is not None:
            update_card[notice.subscription_id] = made

    problems = overview.payment_problems(ctx, details)
    problem_buttons = {problem.subscription_id: problem_actions(ctx, by_id[problem.subscription_id], problem,
                                                                has_card=has_card)
                       for problem in problems}
    due = summary.outstanding.oldest_due_date
    return MappingProxyType(dict(
        today=today, summary=summary, trials=trials, expiring_cards=cards,
        due_when=invoice_words.due_when(due, today) if due else None,
        problems=problems, subscriptions=overview.subscription_lines(details, today),
        buttons=HomeButtons(pay=pay, pay_all=pay_all, subscribe=MappingProxyType(subscribe),
                            update_card=MappingProxyType(update_card), problems=MappingProxyType(problem_buttons))))


def problem_actions(ctx: CustomerContext, sub, problem: overview.PaymentProblem, *, has_card: bool) -> ProblemButtons:
    """The banner's buttons: a new card first (it also pays what is owed), then paying now."""
    update = button([card_policy.decide_update_card(sub, ctx.actor)], subscription_id=sub.subscription_id)
    pay = None
    if problem.invoice_id is not None:
        pay = pay_button(ctx, ctx.billing.invoice(problem.invoice_id), has_card=has_card)
    if update is not None:
        update = replace(update, primary=True)
        pay = replace(pay, primary=False) if pay is not None else None
    return ProblemButtons(update_card=update, pay=pay)
