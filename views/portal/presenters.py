"""What templates may ask about a Zoho object: its state in the customer's words (from the policies).

Registered as template globals, so a template says ``ui.badge(invoice_status(invoice))`` and never
compares a status string itself.
"""
from __future__ import annotations

from flask import Blueprint

from services.cache import stale_as_of
from services.policy import Action, StatusView, actor_refusal, invoices as invoice_policy
from services.policy import subscriptions as subscription_policy
from services.texts import invoices as invoice_words
from views.pipeline import current_actor, current_context


def subscription_status(subscription) -> StatusView:
    ctx = current_context()
    return subscription_policy.status_view(subscription, ctx.today() if hasattr(ctx, "today") else None)


def write_refusal(action: str) -> str | None:
    """Why the person acting may not perform ``action`` (an ``Action`` value), or None when they may:
    the policy's actor rule, asked by every form's submit button (``macros/forms.html: submit``). A
    misspelt action fails loudly."""
    actor = current_actor()
    return actor_refusal(actor, Action(action)) if actor is not None else None


def register(bp: Blueprint) -> None:
    bp.context_processor(lambda: {"stale_as_of": stale_as_of()})  # when a page shows last-good data
    bp.add_app_template_global(subscription_status, "subscription_status")
    bp.add_app_template_global(write_refusal, "write_refusal")
    bp.add_app_template_global(invoice_policy.invoice_status, "invoice_status")
    bp.add_app_template_global(invoice_policy.payment_status, "payment_status")
    bp.add_app_template_global(invoice_policy.credit_note_status, "credit_note_status")
    bp.add_app_template_global(subscription_policy.shows_recurring_price, "shows_recurring_price")
    bp.add_app_template_filter(invoice_policy.payment_mode_label, "payment_mode_label")
    bp.add_app_template_filter(invoice_words.balance, "balance")
