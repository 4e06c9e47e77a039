"""What the README says, read the way a newcomer reads it: sections and their tables."""
from __future__ import annotations

import re
from pathlib import Path

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def section(title: str) -> str:
    """The text under ``## title…`` up to the next ``## `` heading."""
    match = re.search(rf"^## {re.escape(title)}.*?$(.*?)(?=^## )", README, re.M | re.S)
    assert match, f"the README has no section {title!r}"
    return match.group(1)


def table(text: str) -> list[list[str]]:
    """The rows of the first Markdown table in ``text`` (header and rule left out), cells unquoted."""
    rows = []
    for line in text.splitlines():
        if line.startswith("|"):
            rows.append([cell.strip().strip("`") for cell in line.strip().strip("|").split("|")])
        elif rows:
            break
    return [row for row in rows[2:]]


def demo_ports() -> dict[str, tuple[str, int]]:
    """service → (variable, default) from the demo's ports table."""
    return {service: (variable, int(default)) for service, _, variable, default in table(section("The demo"))}


def demo_customer_count() -> int:
    match = re.search(r"every one of the (\d+) demo customers", section("The demo"))
    assert match, "the README does not say how many demo customers the demo prints"
    return int(match.group(1))


def portal_commands() -> set[str]:
    """The ``flask portal`` commands the README lists (first word of each row of its table)."""
    return {row[0].split()[0] for row in table(section("Operating the portal"))}


def sandbox_credentials() -> dict[str, str]:
    """client id, client secret, refresh token, organization id, from the sandbox's table."""
    return {row[0]: row[1] for row in table(section("The Zoho Billing sandbox"))}
