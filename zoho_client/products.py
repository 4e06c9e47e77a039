from __future__ import annotations

from .catalog_base import CatalogResource
from .models import Product


class ProductsResource(CatalogResource[Product]):
    """``list(filter_by="ProductStatus.ACTIVE")``, ``get(product_id)``."""

    collection, list_key, one_key, id_name = "/products", "products", "product", "product_id"
    parse = staticmethod(Product.from_api)
