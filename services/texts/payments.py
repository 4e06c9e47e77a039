"""What customers read when they pay."""
from __future__ import annotations

from services.texts import _l

ALL_PAID = _l("All your open invoices are paid. Thank you!")
PASSWORD_WRONG = _l("That password isn't right. Please try again.")
PASSWORD_CONFIRMED = _l("Thanks — you can continue.")
