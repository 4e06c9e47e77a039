"""Home: where the account stands today, with the buttons for what needs doing."""
from __future__ import annotations

from dataclasses import dataclass

from flask import render_template

from services.context import CustomerContext
from services.policy import Action, invoices as invoice_policy, subscriptions as subscription_policy
from services.policy import cards as card_policy
from views.portal.buttons import Button, button
from views.portal.invoices import pay_all_button


@dataclass(frozen=True)
class HomeButtons:
    pay: Button | None  # the oldest invoice owed
    pay_all: Button | None  # every invoice owed, when there is more than one
    subscribe: dict[str, Button]  # by trial subscription id
    update_card: dict[str, Button]  # by subscription id of an expiring card's notice


def show(ctx: CustomerContext):
    summary = ctx.billing.summary()
    actor = ctx.actor
    # List rows leave out the card a trial may already carry: decide on the full subscriptions.
    by_id = {detail.subscription.subscription_id: detail.subscription for detail in ctx.billing.running_subscriptions()}
    pay = None
    oldest = summary.outstanding.oldest_invoice_id
    if oldest is not None:
        row = ctx.billing.invoice_index().find(oldest)
        decisions = invoice_policy.decide_pay(row, actor, has_card=summary.card_on_file is not None)
        pay = button([decisions[Action.PAY_INVOICE], decisions[Action.PAY_ON_PAYMENT_PAGE]], invoice_id=oldest)
    # With one invoice owed, paying all is paying that one: its own button is enough.
    pay_all = pay_all_button(ctx) if summary.outstanding.count > 1 else None
    subscribe = {}
    for trial in summary.trials:
        decision = subscription_policy.decide(by_id[trial.subscription_id], Action.SUBSCRIBE, actor)
        made = button([decision], subscription_id=trial.subscription_id)
        if made is not None:
            subscribe[trial.subscription_id] = made
    update_card = {}
    for notice in summary.expiring_cards:
        made = button([card_policy.decide_update_card(by_id[notice.subscription_id], actor)],
                      subscription_id=notice.subscription_id)
        if made is not None:
            update_card[notice.subscription_id] = made
    return render_template("portal/home.html", summary=summary,
                           buttons=HomeButtons(pay=pay, pay_all=pay_all, subscribe=subscribe,
                                               update_card=update_card))
