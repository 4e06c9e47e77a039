"""Zoho behaviour the sandbox does not have (yet), for the state matrix: loaded into the matrix's own
sandbox process with ``--import`` (the sandbox's documented way to add routes for tests).

Three states of the matrix cannot be reached through the sandbox's API and clock:

- a **void** invoice: Zoho has ``POST /invoices/{invoice_id}/void`` (invoices.yml, "Void an invoice");
  the sandbox has no void endpoint. Here: an open invoice without payments or credits becomes void
  (Zoho would move payments and credits to the customer's credit; that part is left out, so an
  invoice with any is refused).
- a **draft** invoice: Zoho's ``mark-as-draft`` answer is "Status of invoice changed from void to
  draft" (invoices.yml); the route is Books' ``POST /invoices/{invoice_id}/status/draft``. Here: a
  void invoice becomes a draft again.
- a **cancelled_from_dunning** subscription: Zoho cancels a subscription whose dunning ran out when
  the organization's dunning settings say "cancel the subscription"; the sandbox plays the other
  setting, "mark as unpaid" (``zoho_sandbox/domain/lifecycle.py``, ``_dunning_ends``). There is no
  Zoho endpoint for it, so the route has a name of its own:
  ``POST /subscriptions/{subscription_id}/matrix/dunning-cancels`` ends the dunning of a subscription
  in ``dunning`` the way that setting does.

Each works on the sandbox's own domain objects under the store's lock, like the sandbox's resources.
They are the sandbox's to have; until it does, the matrix keeps them here.
"""
from __future__ import annotations

from zoho_sandbox.core import RequestContext, api, ok
from zoho_sandbox.domain import errors, serialize


@api.route("/invoices/<invoice_id>/void", ["POST"], scope="invoices.CREATE")
def void_invoice(ctx: RequestContext, request, invoice_id: str):
    with ctx.store.transaction() as store:
        inv = store.get_invoice(invoice_id)
        if inv.is_void:
            raise errors.not_allowed("The invoice is already void.")
        if inv.payments or inv.credits:
            raise errors.not_allowed("An invoice with payments or credits applied is not voided by this sandbox.")
        inv.is_void = True
        inv.updated_time = store.now()
        return ok("Invoice status has been changed to Void.", invoice=serialize.invoice(store, inv))


@api.route("/invoices/<invoice_id>/status/draft", ["POST"], scope="invoices.CREATE")
def mark_invoice_as_draft(ctx: RequestContext, request, invoice_id: str):
    with ctx.store.transaction() as store:
        inv = store.get_invoice(invoice_id)
        if not inv.is_void:
            raise errors.not_allowed("Only a void invoice can be changed to a draft.")
        inv.is_void, inv.is_draft = False, True
        inv.updated_time = store.now()
        return ok("Status of invoice changed from void to draft", invoice=serialize.invoice(store, inv))


@api.route("/subscriptions/<subscription_id>/matrix/dunning-cancels", ["POST"], scope="subscriptions.CREATE")
def dunning_cancels(ctx: RequestContext, request, subscription_id: str):
    with ctx.store.transaction() as store:
        sub = store.get_subscription(subscription_id)
        if sub.status != "dunning":
            raise errors.not_allowed("Only a subscription in dunning can be cancelled from dunning.")
        sub.status = "cancelled_from_dunning"
        sub.cancelled_at = store.today()
        sub.next_billing_at = None
        sub.scheduled_change = None
        sub.end_of_term = False
        sub.updated_time = store.now()
        store.emit("subscription_cancelled", lambda: {"subscription": serialize.subscription(store, sub)})
        return ok("Your subscription has been canceled.", subscription=serialize.subscription(store, sub))
