"""Zoho-hosted checkout pages: card entry never touches the portal."""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from .models import HostedPage
from .pagination import MAX_PER_PAGE, Page
from .resource import Resource
from .subscriptions import AddonSpec, PlanSpec, addons_body, plan_body


def _body(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


class HostedPagesResource(Resource):
    def _create(self, action_path: str, body: Mapping[str, Any]) -> HostedPage:
        payload = self._call("POST", f"/hostedpages/{action_path}", json=dict(body))
        return self._one(payload, "hostedpage", HostedPage.from_api)

    def new_subscription(self, *, plan: PlanSpec, customer_id: str | None = None,
                         customer: Mapping[str, Any] | None = None, addons: Sequence[AddonSpec] | None = None,
                         coupon_code: str | None = None, redirect_url: str | None = None, **fields: Any) -> HostedPage:
        if (customer_id is None) == (customer is None):
            raise ValueError("pass exactly one of customer_id or customer")
        return self._create("newsubscription", _body(
            customer_id=customer_id, customer=dict(customer) if customer else None, plan=plan_body(plan),
            addons=addons_body(addons) if addons is not None else None, coupon_code=coupon_code,
            redirect_url=redirect_url, **fields))

    def update_subscription(self, subscription_id: str, *, plan: PlanSpec | None = None,
                            addons: Sequence[AddonSpec] | None = None, coupon_code: str | None = None,
                            redirect_url: str | None = None, **fields: Any) -> HostedPage:
        return self._create("updatesubscription", _body(
            subscription_id=subscription_id, plan=plan_body(plan) if plan is not None else None,
            addons=addons_body(addons) if addons is not None else None, coupon_code=coupon_code,
            redirect_url=redirect_url, **fields))

    def update_card(self, subscription_id: str, *, redirect_url: str | None = None, **fields: Any) -> HostedPage:
        return self._create("updatecard", _body(subscription_id=subscription_id, redirect_url=redirect_url, **fields))

    def invoice_payment(self, invoice_id: str, *, redirect_url: str | None = None, **fields: Any) -> HostedPage:
        return self._create("invoicepayment", _body(invoice_id=invoice_id, redirect_url=redirect_url, **fields))

    def add_payment_method(self, customer_id: str, *, redirect_url: str | None = None, **fields: Any) -> HostedPage:
        return self._create("addpaymentmethod", _body(customer_id=customer_id, redirect_url=redirect_url, **fields))

    def get(self, hostedpage_id: str) -> HostedPage:
        payload = self._call("GET", "/hostedpages/{hostedpage_id}", path_params={"hostedpage_id": hostedpage_id})
        # Zoho answers this one flat (the page's fields at the top level), unlike every other read.
        if isinstance(payload.get("hostedpage"), Mapping):
            return HostedPage.from_api(payload["hostedpage"])
        return HostedPage.from_api(payload)

    def list(self, *, page: int = 1, per_page: int = MAX_PER_PAGE) -> Page[HostedPage]:
        return self._page("/hostedpages", "hosted_pages", HostedPage.from_api, page=page, per_page=per_page)
