from __future__ import annotations

from typing import Any

from .models import ContactPerson
from .resource import Resource

BASE = "/customers/{customer_id}/contactpersons"
ONE = BASE + "/{contactperson_id}"


class ContactPersonsResource(Resource):
    def list(self, customer_id: str) -> list[ContactPerson]:
        payload = self._call("GET", BASE, path_params={"customer_id": customer_id})
        return self._rows(payload, ("contact_persons", "contactpersons"), ContactPerson.from_api)

    def get(self, customer_id: str, contactperson_id: str) -> ContactPerson:
        payload = self._call("GET", ONE, path_params={"customer_id": customer_id, "contactperson_id": contactperson_id})
        return self._one(payload, ("contact_person", "contactperson"), ContactPerson.from_api)

    def create(self, customer_id: str, *, email: str, first_name: str | None = None,
               last_name: str | None = None, **fields: Any) -> ContactPerson:
        body = {"email": email, "first_name": first_name, "last_name": last_name, **fields}
        body = {k: v for k, v in body.items() if v is not None}
        payload = self._call("POST", BASE, path_params={"customer_id": customer_id}, json=body)
        return self._one(payload, ("contact_person", "contactperson"), ContactPerson.from_api)

    def update(self, customer_id: str, contactperson_id: str, **fields: Any) -> ContactPerson:
        payload = self._call("PUT", ONE, path_params={"customer_id": customer_id, "contactperson_id": contactperson_id},
                             json=fields)
        return self._one(payload, ("contact_person", "contactperson"), ContactPerson.from_api)

    def delete(self, customer_id: str, contactperson_id: str) -> None:
        self._call("DELETE", ONE, path_params={"customer_id": customer_id, "contactperson_id": contactperson_id})
