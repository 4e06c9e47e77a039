"""Field readers shared by the models: Zoho's wire values → Python values, or ZohoBadResponse.

Zoho sends empty values as ``""`` (read as None), money as JSON numbers or sometimes strings ("2.50"),
dates as ``YYYY-MM-DD`` and timestamps with a colon-less offset (``2015-10-06T07:24:28+0800``).
Optional fields may be missing; a present value of the wrong kind is an error, not a silent None.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping, TypeVar

from ..errors import ZohoBadResponse
from .money import Money

T = TypeVar("T")
_TIMESTAMP = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)\s*(Z|[+-]\d{2}:?\d{2})$"
)


class Fields:
    """Typed access to one JSON object, naming the model in every error message."""

    def __init__(self, data: Any, model: str) -> None:
        if not isinstance(data, Mapping):
            raise ZohoBadResponse(f"malformed {model}: expected an object, got {type(data).__name__}")
        self.data = data
        self.model = model

    def _bad(self, key: str, why: str) -> ZohoBadResponse:
        return ZohoBadResponse(f"malformed {self.model}.{key}: {why}")

    def _raw(self, key: str) -> Any:
        value = self.data.get(key)
        # Zoho's empty value is "" (sometimes " "): both mean "not set".
        if isinstance(value, str) and not value.strip():
            return None
        return value

    def id(self, key: str) -> str:
        """A required identifier: a non-empty string (Zoho ids are numeric strings; numbers are accepted)."""
        value = self.data.get(key)
        if isinstance(value, bool) or value is None or value == "":
            raise self._bad(key, "required identifier is missing")
        if isinstance(value, int):
            return str(value)
        if not isinstance(value, str):
            raise self._bad(key, f"identifier must be a string, got {type(value).__name__}")
        return value

    def str(self, key: str) -> str | None:
        value = self._raw(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self._bad(key, f"expected text, got {type(value).__name__}")
        return value if isinstance(value, str) else str(value)

    def int(self, key: str) -> int | None:
        value = self._raw(key)
        if value is None:
            return None
        if isinstance(value, bool):
            raise self._bad(key, "expected an integer, got a boolean")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                pass
        raise self._bad(key, f"expected an integer, got {value!r}")

    def bool(self, key: str) -> bool | None:
        value = self._raw(key)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise self._bad(key, f"expected a boolean, got {value!r}")

    def decimal(self, key: str) -> Decimal | None:
        value = self._raw(key)
        if value is None:
            return None
        if isinstance(value, bool):
            raise self._bad(key, "expected a number, got a boolean")
        try:
            # str() first: Decimal(99999.99) would carry the float's binary noise.
            number = Decimal(str(value).strip()) if isinstance(value, (int, float, str)) else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise self._bad(key, f"expected a number, got {value!r}")
        return number

    def money(self, key: str, currency: str | None) -> Money | None:
        amount = self.decimal(key)
        if amount is None:
            return None
        if not currency:
            raise self._bad(key, "an amount arrived without a currency code")
        return Money(amount, currency)

    def date(self, key: str) -> date | None:
        value = self._raw(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self._bad(key, f"expected a date string, got {type(value).__name__}")
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise self._bad(key, f"expected YYYY-MM-DD, got {value!r}") from None

    def datetime(self, key: str) -> datetime | None:
        value = self._raw(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self._bad(key, f"expected a timestamp string, got {type(value).__name__}")
        return parse_timestamp(value, lambda why: self._bad(key, why))

    def obj(self, key: str, parse: Callable[[Any], T]) -> T | None:
        value = self._raw(key)
        if value is None or value == {} or value == []:
            return None
        if not isinstance(value, Mapping):
            raise self._bad(key, f"expected an object, got {type(value).__name__}")
        return parse(value)

    def list(self, key: str, parse: Callable[[Any], T]) -> tuple[T, ...]:
        value = self._raw(key)
        if value is None:
            return ()
        # A tuple is a list that went through HostedPage's read-only copy of ``data``.
        if not isinstance(value, (list, tuple)):
            raise self._bad(key, f"expected a list, got {type(value).__name__}")
        return tuple(parse(item) for item in value)


def parse_timestamp(value: str, bad: Callable[[str], Exception] | None = None) -> datetime:
    """An aware datetime from Zoho's ISO-8601 text; ``+0800`` (no colon) and ``+08:00`` both work."""
    match = _TIMESTAMP.match(value.strip())
    if not match:
        why = f"expected an ISO-8601 timestamp with an offset, got {value!r}"
        raise bad(why) if bad else ZohoBadResponse(why)
    day, clock, offset = match.groups()
    if offset == "Z":
        offset = "+00:00"
    elif ":" not in offset:
        offset = f"{offset[:3]}:{offset[3:]}"
    try:
        return datetime.fromisoformat(f"{day}T{clock}{offset}")
    except ValueError:
        why = f"impossible timestamp {value!r}"
        raise bad(why) if bad else ZohoBadResponse(why) from None


def currency_of(data: Any, fallback: str | None = None) -> str | None:
    """The ``currency_code`` of a JSON object, else ``fallback`` (usually the parent's)."""
    if isinstance(data, Mapping):
        code = data.get("currency_code")
        if isinstance(code, str) and code:
            return code
    return fallback
