"""The hosted page a customer's browser opens: ``/hostedpage/2-{hostedpage_id}/checkout``.

It plays Zoho's checkout: an order summary and a card form that works without JavaScript. The
outcome is decided by documented test card numbers only, so every result is reproducible:

- ``4111 1111 1111 1111`` succeeds;
- ``4000 0000 0000 0002`` is declined (the page shows why; the hosted page is ``failed`` until a
  later success);
- ``4000 0000 0000 0077`` succeeds, and the saved card expires at the end of the current month of
  the sandbox clock (to exercise ``card_expiring`` flows).

Any other number is refused with a message naming the test cards. The data side (what is bought,
what happens on success) is the store's: ``hostedpage_summary``, ``mark_hostedpage_read``,
``complete_hostedpage`` and ``cancel_hostedpage``.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from .core import ApiError

SUCCESS_CARD = "4111111111111111"
DECLINED_CARD = "4000000000000002"
EXPIRING_CARD = "4000000000000077"
TEST_CARDS = (SUCCESS_CARD, DECLINED_CARD, EXPIRING_CARD)
TEST_GATEWAY = "test_gateway"

_PATH = re.compile(r"^/hostedpage/2-([0-9A-Za-z]+)/checkout/?$")
_CLOSED_STATUSES = {"success", "cancelled", "force_cancelled"}
_CARD_ACTIONS = {"update_card", "add_payment_method", "addpaymentmethod", "update_payment_method"}

_templates = Environment(
    loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
    autoescape=select_autoescape(["html"]),
)


def luhn_valid(number: str) -> bool:
    if not number.isdigit() or not 12 <= len(number) <= 19:
        return False
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def with_hostedpage_id(url: str, hostedpage_id: str) -> str:
    """``redirect_url`` with ``hostedpage_id`` appended, keeping its existing query."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if ("hostedpage_id", hostedpage_id) in query:  # the store may have added it already
        return url
    query.append(("hostedpage_id", hostedpage_id))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


class HostedPageUI:
    def __init__(self, sandbox) -> None:
        self.sandbox = sandbox
        # Per-process secret: nonces from a previous run (or another page) never validate.
        self._secret = secrets.token_bytes(32)

    def nonce(self, hostedpage_id: str) -> str:
        return hmac.new(self._secret, hostedpage_id.encode(), hashlib.sha256).hexdigest()[:32]

    # -- dispatch -------------------------------------------------------------------------------

    def dispatch(self, request: Request) -> Response:
        found = _PATH.match(request.path)
        if not found:
            return self._closed(404, "Page not found", "This payment link is not valid.", None)
        hostedpage_id = found.group(1)
        store = self.sandbox.store
        if store is None:
            return self._closed(503, "Checkout unavailable", "The sandbox has no data store loaded.", None)
        summary = self._summary(hostedpage_id)
        if summary is None:
            return self._closed(404, "Payment page not found",
                                "This payment link does not exist. Please start again from the site that sent you here.", None)
        if request.method == "GET":
            return self._show(hostedpage_id, summary)
        if request.method != "POST":
            return self._closed(405, "Not allowed", "This page accepts only GET and POST.", None)
        if not hmac.compare_digest(request.form.get("nonce", ""), self.nonce(hostedpage_id)):
            return self._page(summary, hostedpage_id, status=400,
                              notice="This form has expired. Please enter the card details again.")
        closed = self._closed_for(summary)
        if closed is not None:
            return closed
        if request.form.get("action") == "cancel":
            return self._cancel(hostedpage_id, summary)
        return self._pay(hostedpage_id, summary, request.form)

    def _summary(self, hostedpage_id: str) -> dict | None:
        try:
            return self.sandbox.store.hostedpage_summary(hostedpage_id)
        except (LookupError, ApiError):  # the store answers an unknown id with its API error
            return None

    # -- the three outcomes ---------------------------------------------------------------------

    def _show(self, hostedpage_id: str, summary: dict) -> Response:
        closed = self._closed_for(summary)
        if closed is not None:
            return closed
        if summary.get("status") == "fresh":
            self.sandbox.store.mark_hostedpage_read(hostedpage_id)
        return self._page(summary, hostedpage_id)

    def _cancel(self, hostedpage_id: str, summary: dict) -> Response:
        self.sandbox.store.cancel_hostedpage(hostedpage_id)
        target = summary.get("redirect_url")
        if target:
            return redirect(with_hostedpage_id(target, hostedpage_id), 302)
        return self._closed(200, "Payment cancelled", "You cancelled this payment. Nothing was charged.", None)

    def _pay(self, hostedpage_id: str, summary: dict, form) -> Response:
        values = {k: (form.get(k) or "").strip() for k in ("card_holder", "card_number", "expiry_month", "expiry_year", "cvv")}
        errors = self._validate(values)
        if errors:
            return self._page(summary, hostedpage_id, status=400, form=values, errors=errors)
        number = re.sub(r"[\s-]", "", values["card_number"])
        month, year = int(values["expiry_month"]), int(values["expiry_year"])
        if number == EXPIRING_CARD:
            today = self.sandbox.clock.today()
            month, year = today.month, today.year
        first, _, last = values["card_holder"].rpartition(" ")
        card = {
            "first_name": first or last,
            "last_name": last if first else "",
            "last_four_digits": number[-4:],
            "expiry_month": month,
            "expiry_year": year,
            "payment_gateway": TEST_GATEWAY,
        }
        approved = number != DECLINED_CARD
        result = self.sandbox.store.complete_hostedpage(hostedpage_id, card, approved) or {}
        retry_form = {**values, "card_number": ""}
        if not approved:
            return self._page(summary, hostedpage_id, status=402, form=retry_form, declined=True)
        if result.get("status") != "success":
            # The store refused the job (page no longer open, plan gone inactive ...): say why, stay here.
            refreshed = self._summary(hostedpage_id) or summary
            closed = self._closed_for(refreshed)
            if closed is not None:
                return closed
            return self._page(refreshed, hostedpage_id, status=409, form=retry_form,
                              notice=result.get("error") or "The payment could not be completed.")
        target = result.get("redirect_url") or summary.get("redirect_url")
        if target:
            return redirect(with_hostedpage_id(target, hostedpage_id), 302)
        return self._closed(200, "Payment complete", "Thank you. Your payment details were accepted.", None)

    def _validate(self, values: dict) -> dict[str, str]:
        errors: dict[str, str] = {}
        if len(values["card_holder"]) < 2:
            errors["card_holder"] = "Enter the name printed on the card."
        number = re.sub(r"[\s-]", "", values["card_number"])
        if not luhn_valid(number):
            errors["card_number"] = "Enter a valid card number."
        elif number not in TEST_CARDS:
            errors["card_number"] = ("Use one of the sandbox test cards: 4111 1111 1111 1111, "
                                     "4000 0000 0000 0002 or 4000 0000 0000 0077.")
        today = self.sandbox.clock.today()
        try:
            month, year = int(values["expiry_month"]), int(values["expiry_year"])
            if year < 100:
                year += 2000
            if not 1 <= month <= 12:
                raise ValueError
            if (year, month) < (today.year, today.month):
                errors["expiry"] = "This card has expired. Check the expiry date."
        except ValueError:
            errors["expiry"] = "Choose the card's expiry month and year."
        if not re.fullmatch(r"\d{3,4}", values["cvv"]):
            errors["cvv"] = "Enter the 3 or 4 digit security code."
        return errors

    # -- rendering ------------------------------------------------------------------------------

    def _closed_for(self, summary: dict) -> Response | None:
        status = summary.get("status")
        back = summary.get("redirect_url") or None
        if status == "success":
            return self._closed(200, "Already completed", "This payment page has already been completed. Nothing more to do here.", back)
        if status in ("cancelled", "force_cancelled"):
            return self._closed(200, "Payment cancelled", "This payment page was cancelled. Nothing was charged.", back)
        if summary.get("expired"):
            return self._closed(410, "This link has expired",
                                "For your security, payment links expire after a while. Please start again from the site that sent you here.",
                                back)
        return None

    @staticmethod
    def _button_label(summary: dict, charges: bool, money) -> str:
        if charges:
            return f"Pay {money(summary.get('total', 0))}"
        if summary.get("action") in _CARD_ACTIONS:
            return "Save card"
        return "Confirm and save card"  # nothing due today (a trial, a credit): the card is kept for later

    def _org_name(self) -> str:
        return self.sandbox.organization.get("name") or "Zoho Billing"

    def _render(self, status: int, **context) -> Response:
        org = self._org_name()
        context.setdefault("heading", "Checkout")
        html = _templates.get_template("checkout.html").render(org_name=org, org_initial=org[:1].upper(), **context)
        resp = Response(html, status=status)
        resp.headers["Content-Type"] = "text/html; charset=utf-8"
        resp.headers["Cache-Control"] = "no-store"
        resp.headers["X-Frame-Options"] = "DENY"
        return resp

    def _closed(self, status: int, title: str, message: str, back_url: str | None) -> Response:
        return self._render(status, heading=title, closed_title=title, closed_message=message, back_url=back_url)

    def _page(self, summary: dict, hostedpage_id: str, status: int = 200, form=None, errors=None,
              declined: bool = False, notice: str | None = None) -> Response:
        symbol = summary.get("currency_symbol") or ""

        def money(value) -> str:
            try:
                amount = Decimal(str(value))
            except (InvalidOperation, ValueError):
                return str(value)
            return f"{'-' if amount < 0 else ''}{symbol}{abs(amount):,.2f}"

        try:
            charges = Decimal(str(summary.get("total") or 0)) > 0
        except InvalidOperation:
            charges = True
        this_year = self.sandbox.clock.today().year
        return self._render(
            status,
            heading=summary.get("title") or "Checkout",
            summary=summary,
            money=money,
            charges=charges,
            pay_label=self._button_label(summary, charges, money),
            form=form or {},
            errors=errors or {},
            declined=declined,
            notice=notice,
            nonce=self.nonce(hostedpage_id),
            years=range(this_year, this_year + 16),
        )
