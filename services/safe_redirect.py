"""Safe ``next`` targets (checklist X29): only a path on this site, never another host.

Rather than parse a URL and reason about what browsers do with odd ones (``//host``,
``/\\host``, ``http:host``, tabs and newlines stripped inside schemes …), accept only a plain
absolute path made of ordinary URL characters, whose second character does not start a host.
"""
from __future__ import annotations

import re

MAX_LENGTH = 512
# A path, optional query: unreserved, sub-delims, ':', '@', '/', '?', '%' (RFC 3986), no '\'.
_SAFE_PATH = re.compile(r"^/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$")


def is_safe_next(target: str | None) -> bool:
    return bool(target) and len(target) <= MAX_LENGTH and _SAFE_PATH.match(target) is not None


def safe_next(target: str | None, default: str) -> str:
    return target if is_safe_next(target) else default
