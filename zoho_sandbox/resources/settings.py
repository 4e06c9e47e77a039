"""Settings: churn-message preferences (the reasons a portal offers when a customer cancels)."""
from __future__ import annotations

from ..core import RequestContext, api, ok


@api.route("/settings/preferences/churnmessages", ["GET"], scope="settings.READ")
def churn_messages(ctx: RequestContext, request):
    with ctx.store.transaction() as store:
        settings = store.churn_messages
        return ok(churn_messages_settings={
            "is_advanced_version": settings.get("is_advanced_version", False),
            "is_reason_mandatory": settings.get("is_reason_mandatory", False),
            "churn_messages": [dict(m) for m in settings.get("churn_messages", [])],
        })
