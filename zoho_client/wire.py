"""Turning Python arguments into Zoho's wire format: path segments, query values, JSON bodies."""
from __future__ import annotations

import json as jsonlib
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Mapping
from urllib.parse import quote


def fill_path(template: str, path_params: Mapping[str, Any]) -> str:
    """``/invoices/{invoice_id}`` with each id percent-encoded as one segment ("/" too), and the
    dot segments that URL normalisation would resolve to another path refused."""
    encoded = {}
    for name, value in path_params.items():
        text = str(value)
        if not text.strip() or text in (".", ".."):
            raise ValueError(f"invalid {name}: {value!r}")
        encoded[name] = quote(text, safe="")
    return template.format(**encoded)


def clean_params(params: Mapping[str, Any]) -> dict[str, str]:
    """Query values as Zoho expects them: None dropped, booleans lowercase, dates ISO."""
    cleaned = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            cleaned[key] = "true" if value else "false"
        elif isinstance(value, (date, datetime)):
            cleaned[key] = value.isoformat()
        else:
            cleaned[key] = str(value)
    return cleaned


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Zoho takes money as JSON numbers; two decimal places survive a float round trip exactly.
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"cannot send {type(value).__name__} to Zoho")


def encode_body(body: Any) -> bytes:
    return jsonlib.dumps(body, default=_json_default, ensure_ascii=False).encode("utf-8")
