"""Used handoff token ids (design.md §5): each ``jti`` is accepted once, remembered until it could
no longer pass the time checks (``exp`` + leeway). The primary key makes the claim atomic: of two
workers inserting the same ``jti`` at once, exactly one succeeds."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from db.types import UTCDateTime
from extensions import db


class UsedHandoffToken(db.Model):
    __tablename__ = "used_handoff_tokens"

    jti: Mapped[str] = mapped_column(String(128), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
