from __future__ import annotations

from .models import Organization
from .resource import Resource


class OrganizationResource(Resource):
    def list(self) -> list[Organization]:
        return self._rows(self._call("GET", "/organizations"), "organizations", Organization.from_api)

    def get(self, organization_id: str | None = None) -> Organization:
        """The configured organization (or another one the token can see)."""
        org_id = organization_id or self._http.config.organization_id
        payload = self._call("GET", "/organizations/{organization_id}", path_params={"organization_id": org_id})
        return self._one(payload, "organization", Organization.from_api)
