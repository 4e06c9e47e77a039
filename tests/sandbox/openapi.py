"""Zoho's OpenAPI files as the sandbox's tests use them: every operation they describe, and each
operation's response schema with the documented real-service exceptions applied.

The real service wins over the files where they differ (docs/sandbox.md, "Where the real service
wins"); each relaxation below is one of those differences:
- ``page_context`` is an object (the files type it as an array);
- a property typed ``string`` whose example is a number/boolean may be that type too (``interval``,
  money such as invoice item ``price``/``credited_amount``, churn ``index``): real replies carry
  numbers there (recorded ``interval: 1``) and the sandbox sends money as numbers;
- ``last_four_digits`` is a string (leading zeros: "0002"), the files say integer;
- ``item_total`` is money (``price`` × ``quantity``), a number; the files say integer;
- a customer's ``default_templates`` is an object (as everywhere in customers.yml but the create
  reply, which types it as an array);
- an invoice's ``taxes[].tax_amount`` is a number (invoices.yml) also where subscription.yml's
  charge and one-time-addon replies embed the invoice with a string: one invoice, one shape.
"""
from __future__ import annotations

import copy
import functools
import os
import re
from pathlib import Path

import jsonschema
import yaml

REPO = Path(__file__).resolve().parents[2]
METHODS = ("get", "post", "put", "delete")
_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string"}


def spec_dir() -> Path:
    """Zoho's OpenAPI files: $ZOHO_OPENAPI_DIR, else ../shared/zoho-openapi beside the checkout, else /work/shared."""
    candidates = [os.environ.get("ZOHO_OPENAPI_DIR"), REPO.parent / "shared" / "zoho-openapi",
                  "/work/shared/zoho-openapi"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "invoices.yml").is_file():
            return Path(candidate)
    raise FileNotFoundError(f"Zoho's OpenAPI files are not in any of {candidates}; set ZOHO_OPENAPI_DIR")


def recorded_dir() -> Path:
    """The recorded real responses, beside the OpenAPI files."""
    return spec_dir().parent / "zoho-recorded"


@functools.lru_cache(maxsize=None)
def load(file: str) -> dict:
    return yaml.safe_load((spec_dir() / file).read_text())


def files() -> list[str]:
    return sorted(p.name for p in spec_dir().glob("*.yml"))


def operations() -> list[tuple[str, str, str]]:
    """(file, METHOD, path template) for every operation the files describe."""
    ops = []
    for file in files():
        for path, item in load(file)["paths"].items():
            ops.extend((file, method.upper(), path) for method in METHODS if method in item)
    return ops


def template_key(path: str) -> str:
    """A path template with its parameter names erased: ``/invoices/{}/payments/{}``."""
    return re.sub(r"\{[^}]+\}", "{}", path)


def _relax(node):
    if isinstance(node, dict):
        node = {k: _relax(v) for k, v in node.items()}
        if node.get("type") == "string" and "example" in node and type(node["example"]) in (bool, int, float):
            node["type"] = ["string", _TYPES[type(node["example"])], "number"]
        if "properties" in node:
            props = node["properties"]
            if "page_context" in props:
                props["page_context"] = {"type": "object"}
            if props.get("item_total", {}).get("type") == "integer":
                props["item_total"] = {"type": "number"}
            if "last_four_digits" in props:
                props["last_four_digits"] = {"type": "string", "pattern": r"^\d{4}$"}
            if props.get("default_templates", {}).get("type") == "array":
                props["default_templates"] = {"type": "object"}
        return node
    if isinstance(node, list):
        return [_relax(v) for v in node]
    return node


@functools.lru_cache(maxsize=None)
def _components(file: str) -> dict:
    components = _relax(copy.deepcopy(load(file)["components"]))
    if components["schemas"].get("item_total", {}).get("type") == "integer":  # shared by $ref
        components["schemas"]["item_total"] = {"type": "number"}
    return components


def _invoice_tax_amounts_are_numbers(schema: dict) -> dict:
    invoice = schema.get("properties", {}).get("invoice", {}).get("properties", {})
    if "taxes" in invoice:
        invoice["taxes"] = {"type": "array", "items": {"type": "object", "properties": {
            "tax_id": {"type": "string"}, "tax_name": {"type": "string"}, "tax_amount": {"type": "number"}}}}
    return schema


def schema(file: str, name: str) -> dict:
    components = _components(file)
    root = _invoice_tax_amounts_are_numbers(copy.deepcopy(components["schemas"][name]))
    return {**root, "components": components}


def validate(body: dict, file: str, name: str) -> None:
    jsonschema.validate(body, schema(file, name))


def response_schema(file: str, method: str, path: str, status: int) -> str:
    """The component schema name of an operation's documented reply for ``status``."""
    operation = load(file)["paths"][path][method.lower()]
    reply = operation["responses"].get(str(status))
    if reply is None:
        raise AssertionError(f"{method} {path} in {file} documents no {status} reply "
                             f"(it has {sorted(operation['responses'])})")
    return reply["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
