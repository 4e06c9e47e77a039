"""The staff settings: their defaults, their bounds, and a support view that must fit in a staff session."""
from __future__ import annotations

import pytest

from config.settings import ConfigError, load_settings

ZOHO = dict(ZOHO_CLIENT_ID="1000.X", ZOHO_CLIENT_SECRET="s", ZOHO_REFRESH_TOKEN="r", ZOHO_ORG_ID="10234695",
            SECRET_KEY="k" * 40)


def test_defaults():
    settings = load_settings(**ZOHO)
    assert settings.STAFF_SESSION_IDLE_MINUTES == 15 and settings.STAFF_SESSION_ABSOLUTE_HOURS == 8
    assert settings.IMPERSONATION_MINUTES == 30 and settings.IMPERSONATION_NOTIFY is True


@pytest.mark.parametrize("name, value", [
    ("IMPERSONATION_MINUTES", "0"), ("IMPERSONATION_MINUTES", "241"), ("IMPERSONATION_MINUTES", "soon"),
    ("STAFF_SESSION_IDLE_MINUTES", "0"), ("STAFF_SESSION_ABSOLUTE_HOURS", "25"), ("IMPERSONATION_NOTIFY", "perhaps"),
])
def test_out_of_range_values_stop_start_up_naming_the_variable(name, value):
    with pytest.raises(ConfigError, match=name):
        load_settings(**ZOHO, **{name: value})


def test_a_support_view_cannot_outlast_the_staff_session():
    with pytest.raises(ConfigError, match="IMPERSONATION_MINUTES: a support view can't outlast the staff session"):
        load_settings(**ZOHO, IMPERSONATION_MINUTES="120", STAFF_SESSION_ABSOLUTE_HOURS="1")
