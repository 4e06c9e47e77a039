"""Small value objects that several resources share."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._parse import Fields
from .money import Money


@dataclass(frozen=True)
class Address:
    attention: str | None
    street: str | None
    street2: str | None
    city: str | None
    state: str | None
    state_code: str | None
    zip: str | None
    country: str | None
    fax: str | None

    @classmethod
    def from_api(cls, data: Any) -> "Address":
        f = Fields(data, "address")
        return cls(
            attention=f.str("attention"),
            street=f.str("street") or f.str("street_address1") or f.str("address"),
            street2=f.str("street2") or f.str("street_address2"),
            city=f.str("city"),
            state=f.str("state"),
            state_code=f.str("state_code"),
            zip=f.str("zip"),
            country=f.str("country"),
            fax=f.str("fax"),
        )

    @property
    def is_empty(self) -> bool:
        return not any(vars(self).values())


@dataclass(frozen=True)
class CustomField:
    label: str | None
    value: str | None
    index: int | None
    data_type: str | None

    @classmethod
    def from_api(cls, data: Any) -> "CustomField":
        f = Fields(data, "custom_field")
        return cls(label=f.str("label"), value=f.str("value"), index=f.int("index"), data_type=f.str("data_type"))


@dataclass(frozen=True)
class Tax:
    tax_id: str | None
    tax_name: str | None
    tax_amount: Money | None

    @classmethod
    def from_api(cls, data: Any, currency: str | None) -> "Tax":
        f = Fields(data, "tax")
        return cls(tax_id=f.str("tax_id"), tax_name=f.str("tax_name"), tax_amount=f.money("tax_amount", currency))


def address_or_none(data: Any) -> Address | None:
    address = Address.from_api(data)
    return None if address.is_empty else address
