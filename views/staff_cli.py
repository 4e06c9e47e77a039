"""``flask portal staff create | disable | reset-2fa | list``: support staff accounts from the shell.

The first admin can only be made here (the console's team page needs an admin to open it). Links are
printed, not mailed: whoever runs the command hands the link over. Each command is one transaction.
"""
from __future__ import annotations

import click
from flask import current_app

from db.staff import STAFF_ROLES
from services import staff as staff_accounts
from services.audit import AuditContext
from views.accounts_cli import CLI_ACTOR, in_one_transaction
from views.cli import PortalGroup

staff_cli = PortalGroup("staff", help="Support staff accounts.")


def _base_url() -> str:
    return current_app.extensions["settings"].PORTAL_BASE_URL


def _print_link(link: staff_accounts.EnrolmentLink) -> None:
    click.echo(f"Enrolment link for {link.staff.email} (single use, valid until {link.expires_at:%Y-%m-%d %H:%M} UTC):")
    click.echo(f"  {link.url}")


@staff_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(STAFF_ROLES), required=True, help="support or admin")
@click.option("--name", "display_name", default="", help="How customers and colleagues see them (default: from the email).")
def create_command(email: str, role: str, display_name: str) -> None:
    """Create a staff account for EMAIL and print its enrolment link (password and two-factor)."""
    link = in_one_transaction(lambda: staff_accounts.create(email, display_name, role, _base_url(),
                                                            AuditContext.cli(), actor=CLI_ACTOR))
    _print_link(link)


@staff_cli.command("disable")
@click.argument("email")
def disable_command(email: str) -> None:
    """Disable the staff account EMAIL: its sessions and any support view it has open end at once."""
    staff = in_one_transaction(lambda: staff_accounts.disable(email, AuditContext.cli(), actor=CLI_ACTOR))
    click.echo(f"Disabled {staff.email}.")


@staff_cli.command("reset-2fa")
@click.argument("email")
def reset_two_factor_command(email: str) -> None:
    """Turn off two-factor for EMAIL (signing them out) and print a link to set it up again."""
    link = in_one_transaction(lambda: staff_accounts.reset_two_factor(email, _base_url(), AuditContext.cli(),
                                                                      actor=CLI_ACTOR))
    _print_link(link)


@staff_cli.command("list")
def list_command() -> None:
    """Every staff account: email, role, state, two-factor, last sign-in."""
    team = staff_accounts.everyone()
    if not team:
        click.echo("No staff accounts yet. Create the first admin with: flask portal staff create EMAIL --role admin")
        return
    click.echo(f"{'Email':<36} {'Role':<8} {'State':<9} {'2FA':<4} Last sign-in (UTC)")
    for member in team:
        last = f"{member.last_login_at:%Y-%m-%d %H:%M}" if member.last_login_at else "never"
        click.echo(f"{member.email:<36} {member.role:<8} {member.status:<9} {'on' if member.has_two_factor else 'off':<4} {last}")
