"""A customer's cards (zoho-billing-api.md §4.9). Cards are added through hosted pages only."""
from __future__ import annotations

from ..core import RequestContext, api, ok
from ..domain import serialize


@api.route("/customers/<customer_id>/cards", ["GET"], scope="customers.READ")
def list_cards(ctx: RequestContext, request, customer_id: str):
    with ctx.store.transaction() as store:
        store.get_customer(customer_id)
        cards = [c for c in store.customer_objects(customer_id, "cards", store.cards) if c.status == "active"]
        return ok(cards=[serialize.card(store, c, full=False) for c in cards])


@api.route("/customers/<customer_id>/cards/<card_id>", ["GET"], scope="customers.READ")
def get_card(ctx: RequestContext, request, customer_id: str, card_id: str):
    with ctx.store.transaction() as store:
        return ok(card=serialize.card(store, store.get_card(customer_id, card_id)))


@api.route("/customers/<customer_id>/cards/<card_id>", ["DELETE"], scope="customers.DELETE")
def delete_card(ctx: RequestContext, request, customer_id: str, card_id: str):
    with ctx.store.transaction() as store:
        card = store.get_card(customer_id, card_id)
        card.status = "deleted"
        card.updated_time = store.now()
        # Subscriptions charged to this card fall back to offline collection until a new card comes.
        for sub in store.customer_objects(customer_id, "subscriptions", store.subscriptions):
            if sub.card_id == card.card_id:
                sub.card_id = ""
                sub.updated_time = store.now()
        store.emit("card_deleted", lambda: {"card": serialize.card(store, card)})
        return ok("The credit card has been deleted.")
