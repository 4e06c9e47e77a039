from __future__ import annotations

from .catalog_base import CatalogResource
from .models import PriceBook


class PriceBooksResource(CatalogResource[PriceBook]):
    """Price lists: ``list(filter_by="Status.Active")`` (rows without items), ``get(pricebook_id)``."""

    collection, list_key, one_key, id_name = "/pricebooks", "pricebooks", "pricebook", "pricebook_id"
    parse = staticmethod(PriceBook.from_api)
