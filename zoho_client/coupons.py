from __future__ import annotations

from .catalog_base import CatalogResource
from .models import Coupon


class CouponsResource(CatalogResource[Coupon]):
    """``list(filter_by="CouponStatus.ACTIVE")``, ``get(coupon_code)``."""

    collection, list_key, one_key, id_name = "/coupons", "coupons", "coupon", "coupon_code"
    parse = staticmethod(Coupon.from_api)
