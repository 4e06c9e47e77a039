"""GET /organizations and /organizations/{id} (scope settings.READ, zoho-billing-api.md §4.1)."""
from __future__ import annotations

from ..core import ApiError, RequestContext, api, ok
from ..domain import serialize


@api.route("/organizations", ["GET"], scope="settings.READ")
def list_organizations(ctx: RequestContext, request):
    with ctx.store.transaction() as store:
        return ok(organizations=[serialize.organization(store, full=False)])


@api.route("/organizations/<organization_id>", ["GET"], scope="settings.READ")
def get_organization(ctx: RequestContext, request, organization_id: str):
    with ctx.store.transaction() as store:
        if organization_id != store.organization.organization_id:
            raise ApiError(400, 6041, f"This user is not associated with the CompanyID/CompanyName:{organization_id}.")
        return ok(organization=serialize.organization(store))
