from __future__ import annotations

from .catalog_base import CatalogResource
from .models import Addon


class AddonsResource(CatalogResource[Addon]):
    """``list(filter_by="AddonStatus.ACTIVE", plan_code=…, product_id=…)``, ``get(addon_code)``."""

    collection, list_key, one_key, id_name = "/addons", "addons", "addon", "addon_code"
    parse = staticmethod(Addon.from_api)
