from __future__ import annotations

from .models import Card
from .resource import Resource

BASE = "/customers/{customer_id}/cards"
ONE = BASE + "/{card_id}"


class CardsResource(Resource):
    def list(self, customer_id: str) -> list[Card]:
        payload = self._call("GET", BASE, path_params={"customer_id": customer_id})
        return self._rows(payload, "cards", Card.from_api)

    def get(self, customer_id: str, card_id: str) -> Card:
        payload = self._call("GET", ONE, path_params={"customer_id": customer_id, "card_id": card_id})
        return self._one(payload, "card", Card.from_api)

    def delete(self, customer_id: str, card_id: str) -> None:
        self._call("DELETE", ONE, path_params={"customer_id": customer_id, "card_id": card_id})
