"""Settings: churn-message preferences (the reasons a portal offers when a customer cancels) and the
tax catalogue (taxes, tax exemptions, tax authorities; settings.yml), which a portal reads to name
the taxes on its documents."""
from __future__ import annotations

from ..core import RequestContext, api, ok
from ..domain import serialize


@api.route("/settings/preferences/churnmessages", ["GET"], scope="settings.READ")
def churn_messages(ctx: RequestContext, request):
    with ctx.store.transaction() as store:
        settings = store.churn_messages
        return ok(churn_messages_settings={
            "is_advanced_version": settings.get("is_advanced_version", False),
            "is_reason_mandatory": settings.get("is_reason_mandatory", False),
            "churn_messages": [dict(m) for m in settings.get("churn_messages", [])],
        })


# settings.yml gives these lists no paging (a catalogue is a handful of rows): no page_context.
@api.route("/settings/taxes", ["GET"], scope="settings.READ")
def list_taxes(ctx: RequestContext, request):
    with ctx.store.transaction() as store:
        return ok(taxes=[serialize.tax(store, t) for t in store.taxes.values()])


@api.route("/settings/taxexemptions", ["GET"], scope="settings.READ")
def list_tax_exemptions(ctx: RequestContext, request):
    with ctx.store.transaction() as store:
        return ok(tax_exemptions=[serialize.tax_exemption(store, e) for e in store.tax_exemptions.values()])


@api.route("/settings/taxauthorities", ["GET"], scope="settings.READ")
def list_tax_authorities(ctx: RequestContext, request):
    with ctx.store.transaction() as store:
        authorities: dict[str, str] = {}
        for t in store.taxes.values():
            authorities.setdefault(t.tax_authority_id, t.tax_authority_name)
        return ok(tax_authorities=[{"tax_authority_id": i, "tax_authority_name": name, "description": name}
                                   for i, name in authorities.items()])
