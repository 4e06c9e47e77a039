"""Rendered pages handed out again while everything they read is the same.

A warm page spends most of its time in Jinja, turning the same cached billing data into the same
HTML once more. ``render_page`` renders a template and keeps the HTML; the next request for that
page gets the same HTML back when every input of the template is equal to last time:

- the **context values** the template tree reads (the template, what it extends, includes and
  imports; found once per template by reading its compiled symbols, the way ``jinja2.meta`` does),
  compared with ``==``. The billing cache hands out immutable values and the same object until an
  entry changes, so an unchanged page costs a few identity checks; anything rebuilt per request
  (buttons, lines) compares by value;
- the request's **ambient inputs**, which globals and filters read behind the template's back: the
  template's name, the URL (host, path and query: the navigation's current item, the language
  switcher's way back), the language, the person acting (their session included), and the organization's day
  and time zone (dates, "due in 3 days", a state that depends on today).

The CSRF token is the one value that must differ per answer: a page is rendered with a placeholder
for it, and every answer gets the request's own token. A page with flashed messages to show is
rendered afresh (showing them consumes them).

A template that reads anything else (``request``, ``session``, ``g``, a global or a filter this
module has not classified) is rendered every time, as ``render_template`` would; ``plan_for`` says
why, and the tests keep the pages that matter memoizable. Memory is bounded (``MAX_BYTES`` of HTML
per process); each worker keeps its own.
"""
from __future__ import annotations

import secrets
import threading
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache
from flask import Flask, current_app, get_flashed_messages, render_template, request
from flask_wtf.csrf import generate_csrf
from jinja2 import Environment, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.defaults import DEFAULT_FILTERS
from jinja2.meta import find_referenced_templates

from services.context import CustomerContext
from services.texts import current_locale
from views.pipeline import current_actor, current_context

MAX_BYTES = 4 * 1024 * 1024

# Globals whose result depends only on the ambient inputs above (or on nothing).
AMBIENT_GLOBALS = frozenset({
    "_", "gettext", "ngettext", "pgettext", "npgettext",  # the language
    "url_for",  # the URL map, and the host the request came to
    "config", "range", "dict", "cycler", "joiner", "namespace",
    "language_choices", "language_next", "is_current",  # the language, the URL
    "subscription_status", "write_refusal", "invoice_status", "payment_status", "credit_note_status",
    "shows_recurring_price",  # a value's state in words: the value, today, the person acting
    "csrf_token",  # a placeholder, filled in per answer
    "get_flashed_messages",  # only pages without messages to show are reused
})
# Filters whose result depends only on their arguments and the ambient inputs (the portal's own read
# the language and the organization's time zone).
AMBIENT_FILTERS = (frozenset(DEFAULT_FILTERS) - {"random"}) | frozenset({
    "money", "date", "datetime", "moment", "number", "percent", "balance", "payment_mode_label",
    "currencyformat", "dateformat", "datetimeformat", "decimalformat", "numberformat", "percentformat",
    "scientificformat", "timedeltaformat", "timeformat",
})

_MISSING = object()
_CSRF_SLOT = "csrf-slot-" + secrets.token_hex(16)  # per process; never in a page but as this placeholder
_with_slots: ContextVar[bool] = ContextVar("page_memo_slots", default=False)


@dataclass(frozen=True)
class Plan:
    """What a template tree reads from its context (``names``), or why it cannot be reused."""

    names: tuple[str, ...]
    refused: str | None = None  # why every request renders it afresh
    reads_flashes: bool = False


class _TemplateReads(CodeGenerator):
    """Jinja's compiler run for its symbol table only (as ``jinja2.meta`` does), globals included."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment, "<page memo>", "<page memo>")
        self.names: set[str] = set()

    def write(self, x: str) -> None:
        """Nothing is written: only the names the template resolves at run time matter."""

    def enter_frame(self, frame: Frame) -> None:
        super().enter_frame(frame)
        for action, name in frame.symbols.loads.values():
            if action == "resolve":
                self.names.add(name)


def plan_for(env: Environment, template_name: str) -> Plan:
    """Read ``template_name`` and every template it extends, includes and imports, once."""
    names: set[str] = set()
    filters: set[str] = set()
    pending, seen = [template_name], set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        source = env.loader.get_source(env, name)[0]
        ast = env.parse(source)
        reads = _TemplateReads(env)
        reads.visit(ast)
        names |= reads.names
        filters |= {node.name for node in ast.find_all(nodes.Filter)}
        for referenced in find_referenced_templates(ast):
            if referenced is None:
                return Plan((), refused=f"{name} chooses a template at run time")
            pending.append(referenced)
    unknown_filters = sorted(filters - AMBIENT_FILTERS)
    if unknown_filters:
        return Plan((), refused=f"unclassified filters: {', '.join(unknown_filters)}")
    impure = sorted(n for n in names if n in env.globals and n not in AMBIENT_GLOBALS)
    if impure:
        return Plan((), refused=f"reads {', '.join(impure)}")
    keyed = tuple(sorted(n for n in names if n not in AMBIENT_GLOBALS))
    return Plan(keyed, reads_flashes="get_flashed_messages" in names)


class PageMemo:
    """The rendered pages of one process, bounded by the size of their HTML."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self._pages: LRUCache = LRUCache(max_bytes, getsizeof=lambda entry: len(entry[1]) + 256)
        self._plans: dict[str, Plan] = {}
        self._lock = threading.Lock()

    def plan(self, app: Flask, template_name: str) -> Plan:
        plan = self._plans.get(template_name)
        if plan is None:
            plan = self._plans[template_name] = plan_for(app.jinja_env, template_name)
        return plan

    def render(self, app: Flask, template_name: str, context: dict[str, Any]) -> str:
        plan = self.plan(app, template_name)
        if plan.refused or request.method not in ("GET", "HEAD") or (plan.reads_flashes and get_flashed_messages()):
            return render_template(template_name, **context)
        app.update_template_context(context)  # the key holds the context processors' values too
        slot = (template_name, _ambient())
        values = tuple(context.get(name, _MISSING) for name in plan.names)
        with self._lock:
            known = self._pages.get(slot)
        if known is not None and _equal(known[0], values):
            html = known[1]
        else:
            token = _with_slots.set(True)
            try:
                html = render_template(template_name, **context)
            finally:
                _with_slots.reset(token)
            with self._lock:
                self._pages[slot] = (values, html)
        return html.replace(_CSRF_SLOT, generate_csrf()) if _CSRF_SLOT in html else html


def _equal(known: tuple, values: tuple) -> bool:
    try:
        return bool(known == values)
    except Exception:  # a value that cannot be compared is a value that changed
        return False


def _ambient() -> tuple:
    ctx = current_context()
    day = zone = None
    if isinstance(ctx, CustomerContext):
        zone = ctx.time_zone
        day = ctx.today()
    return request.host_url, request.full_path, current_locale(), current_actor(), day, str(zone)


def csrf_token() -> str:
    """The ``csrf_token()`` of templates: the request's token, or its placeholder in a reusable page."""
    return _CSRF_SLOT if _with_slots.get() else generate_csrf()


def render_page(template_name: str, **context: Any) -> str:
    """``render_template`` for a page a customer comes back to: the same HTML while its inputs are."""
    app = current_app._get_current_object()
    return app.extensions["page_memo"].render(app, template_name, context)


def init_page_memo(app: Flask) -> None:
    app.extensions["page_memo"] = PageMemo()
    app.jinja_env.globals["csrf_token"] = csrf_token
