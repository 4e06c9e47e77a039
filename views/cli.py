"""The ``flask portal …`` command group; feature modules add their commands to it."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from services.zoho import get_zoho

portal_cli = AppGroup("portal", help="Customer billing portal commands.")


@portal_cli.command("check-zoho")
def check_zoho() -> None:
    """Check that Zoho (or the sandbox) answers with our credentials."""
    from zoho_client.errors import ZohoError

    try:
        org = get_zoho().organization.get()
    except ZohoError as error:
        raise click.ClickException(f"Zoho is not reachable: {error}") from None
    click.echo(f"Zoho answers: organization {org.organization_id} ({org.name})")
