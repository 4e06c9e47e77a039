from __future__ import annotations

from .models import ChurnSettings
from .resource import Resource


class SettingsResource(Resource):
    def churn_messages(self) -> ChurnSettings:
        """The cancellation reasons to offer (and whether one is mandatory)."""
        payload = self._call("GET", "/settings/preferences/churnmessages")
        return self._one(payload, "churn_messages_settings", ChurnSettings.from_api)
