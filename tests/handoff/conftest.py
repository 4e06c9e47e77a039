"""The handoff tests' own fixture: the verifier's config for the test product."""
from __future__ import annotations

import pytest

from tests.support.handoff_tokens import make_config


@pytest.fixture
def handoff_config():
    """The portal's ``HandoffConfig`` trusting the test product (tests/support/handoff_tokens.py)."""
    return make_config()
