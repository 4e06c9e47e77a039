"""Files handed to the browser as downloads: PDFs and zips fetched from Zoho, never stored."""
from __future__ import annotations

import re

from flask import Response

UNSAFE_FILENAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str, fallback: str) -> str:
    """A download name with no path, quote or control character in it (Zoho's numbers are free text)."""
    cleaned = UNSAFE_FILENAME_CHARACTERS.sub("-", name or "").strip(".-")[:100]
    return cleaned or fallback


def attachment(filename: str, content: bytes, mimetype: str) -> Response:
    extension = "." + mimetype.rsplit("/", 1)[-1]
    name = safe_filename(filename, "document" + extension)
    if not name.lower().endswith(extension):
        name += extension
    response = Response(content, mimetype=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=name)
    response.headers["Content-Length"] = str(len(content))
    return response
