"""Custom fields in request bodies: ``custom_fields[{index or label, value}]``.

Customers' fields are defined by the organization (``store.customer_custom_fields``); the other
records (subscriptions, invoices, payments, credit notes) keep the fields as they are sent.
"""
from __future__ import annotations

from . import errors, fields


def apply_defined(definitions: list[dict], current: list[dict], value) -> None:
    """Set custom field values on ``current`` (a record's ``custom_fields``) from a body's
    ``custom_fields[{index or label, value}]``; each must name one of the organization's
    ``definitions`` (``{index, label, data_type}``)."""
    if value is None:
        return
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise errors.invalid_field("custom_fields")
    for entry in value:
        index = fields.as_text(entry.get("index"), "custom_fields.index").strip()
        label = fields.as_text(entry.get("label"), "custom_fields.label").strip().casefold()
        definition = next((d for d in definitions
                           if (index and str(d["index"]) == index) or (label and d["label"].casefold() == label)), None)
        if definition is None:
            raise errors.invalid_field("custom_fields")
        text = fields.as_text(entry.get("value"), "custom_fields.value")
        existing = next((f for f in current if f["index"] == definition["index"]), None)
        if existing is None:
            current.append({"index": definition["index"], "label": definition["label"],
                            "value": text, "data_type": definition["data_type"]})
        else:
            existing["value"] = text
    current.sort(key=lambda f: f["index"])


def as_sent(value) -> list[dict]:
    """A record's ``custom_fields`` as sent (``[{index?, label, value}]``), numbered in order."""
    if value is None or value == "":
        return []
    entries = fields.objects({"custom_fields": value}, "custom_fields")
    out = []
    for position, entry in enumerate(entries, start=1):
        index = fields.integer(entry, "index", position, minimum=1)
        out.append({"index": index, "label": fields.text(entry, "label"), "value": fields.text(entry, "value"),
                    "data_type": fields.text(entry, "data_type") or "string"})
    return out


def merge(current: list[dict], body: dict) -> list[dict]:
    """``custom_fields[{label or index, value}]`` set on a record's custom fields: a known label (any
    case) or index gets its new value, a new label is added after the others."""
    merged = [dict(f) for f in current]
    entries = fields.objects(body, "custom_fields")
    if not entries:
        raise errors.missing_field("custom_fields")
    for entry in entries:
        label = fields.text(entry, "label").strip()
        index = fields.integer(entry, "index", None, minimum=1)
        value = fields.text(entry, "value")
        existing = next((f for f in merged if (label and f["label"].casefold() == label.casefold())
                         or (index is not None and f["index"] == index)), None)
        if existing is not None:
            existing["value"] = value
        elif label:
            merged.append({"index": max((f["index"] for f in merged), default=0) + 1, "label": label,
                           "value": value, "data_type": "string"})
        else:
            raise errors.missing_field("custom_fields.label")
    return merged
