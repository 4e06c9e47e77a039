from __future__ import annotations

from .catalog_base import CatalogResource
from .models import Plan


class PlansResource(CatalogResource[Plan]):
    """``list(filter_by="PlanStatus.ACTIVE", product_id=…)``, ``get(plan_code)``."""

    collection, list_key, one_key, id_name = "/plans", "plans", "plan", "plan_code"
    parse = staticmethod(Plan.from_api)
