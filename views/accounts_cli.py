"""``flask portal invite | create-demo-users | disable-user``: account commands for operators
and the demo. Each command is one transaction, committed at its end (``in_one_transaction``, which
the staff commands in ``views/staff_cli.py`` use too)."""
from __future__ import annotations

import re
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Callable, TypeVar

import click
from flask.cli import AppGroup, with_appcontext

from extensions import db
from services import accounts
from services.accounts import AccountError
from services.audit import AuditContext
from services.directory import find_invitee
from services.mail import MailDeliveryError
from services.zoho import get_zoho
from views.cli import NeedsConfiguration

CLI_ACTOR = "cli"
T = TypeVar("T")
NO_SIGN_IN = "(none)"
MAIL_WAIT_SECONDS = 15


def demo_password(email: str) -> str:
    """Deterministic, memorable and ASCII, from the email's domain: ``billing@acme.example`` →
    ``Demo-Acme-2026!`` (demo data only; company names may be in any script)."""
    words = re.findall(r"[a-z0-9]+", email.rpartition("@")[2].lower())
    word = (words[0] if words else "customer")[:12].capitalize()
    return f"Demo-{word}-2026!"


def in_one_transaction(work: Callable[[], T]) -> T:
    """Run a command's work and commit it; a refusal rolls everything back and becomes the command's
    one error line (exit status 1). Every command of ``flask portal`` commits through here."""
    try:
        result = work()
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    return result


@click.command("invite", cls=NeedsConfiguration)
@with_appcontext
@click.argument("email")
@click.option("--customer", "customer_id", help="The Zoho customer id (skips searching every customer).")
def invite_command(email: str, customer_id: str | None) -> None:
    """Invite the Zoho customer or contact person with EMAIL to the portal."""
    invitation = in_one_transaction(
        lambda: accounts.invite(email, AuditContext.cli(), actor=CLI_ACTOR, customer_id=customer_id))
    _wait_for_mail(invitation)
    click.echo(f"Invitation sent to {invitation.user.email} (valid until {invitation.expires_at:%Y-%m-%d %H:%M} UTC).")


@click.command("disable-user", cls=NeedsConfiguration)
@with_appcontext
@click.argument("email")
@click.option("--customer", "customer_id", help="Switch off this one customer's access only (a Zoho customer id).")
def disable_user_command(email: str, customer_id: str | None) -> None:
    """Disable the portal account EMAIL (or only its access to one customer): its sessions end and its
    links stop working."""
    def disable():
        if not customer_id:
            return accounts.disable_user(email, AuditContext.cli(), actor=CLI_ACTOR)
        membership = accounts.disable_membership(accounts.normalise_email(email), customer_id, AuditContext.cli(),
                                                 actor=CLI_ACTOR)
        if membership is None:
            raise AccountError("This address has no portal access to that customer.")
        return membership

    in_one_transaction(disable)
    click.echo(f"Disabled {accounts.normalise_email(email)}{f' for customer {customer_id}' if customer_id else ''}.")


@click.command("create-demo-users", cls=NeedsConfiguration)
@with_appcontext
def create_demo_users_command() -> None:
    """Sign-ins for every demo customer (a customer Zoho lists as inactive gets none), one for a
    contact person of several customers (who picks the account after signing in), plus one pending
    invitation."""
    context = AuditContext.cli()
    customers = list(get_zoho().customers.iter_all())  # unfiltered: Zoho lists every customer
    click.echo(f"{'Email':<38} {'Password':<24} Customer")
    primary_emails = set()
    admitted = []
    for customer in customers:
        name = customer.display_name or customer.company_name or customer.customer_id
        if not customer.email:
            click.echo(f"{'(no email in Zoho)':<38} {NO_SIGN_IN:<24} {name}")
            continue
        email = accounts.normalise_email(customer.email)
        primary_emails.add(email)
        invitee = find_invitee(email, customer_id=customer.customer_id)
        if invitee is None:  # the portal admits active customers only
            click.echo(f"{email:<38} {NO_SIGN_IN:<24} {name} ({customer.status or 'not active'} in Zoho: no sign-in)")
            continue
        password = demo_password(email)
        accounts.ensure_active_user(invitee, password, context, actor=CLI_ACTOR)
        admitted.append(customer)
        click.echo(f"{email:<38} {password:<24} {invitee.customer_name}")
    db.session.commit()

    shared = _shared_contact_persons(admitted, primary_emails)
    if shared:
        click.echo("\nOne sign-in for several customers (the person picks the account after signing in):")
    for email, customer_ids in shared.items():
        names = []
        for customer_id in customer_ids:
            invitee = find_invitee(email, customer_id=customer_id)
            accounts.ensure_active_user(invitee, demo_password(email), context, actor=CLI_ACTOR)
            names.append(invitee.customer_name)
        click.echo(f"{email:<38} {demo_password(email):<24} {' and '.join(names)}")
    db.session.commit()

    invitation = _invite_one_contact_person(admitted, primary_emails | set(shared), context)
    if invitation is None:
        click.echo("\nNo contact person is left to invite.")
        return
    _wait_for_mail(invitation)
    click.echo(f"\nPending invitation for {invitation.user.email} ({invitation.user.display_name}):")
    click.echo(f"  {invitation.link}")


def _shared_contact_persons(customers, primary_emails: set[str]) -> dict[str, list[str]]:
    """Contact persons' addresses found at several customers (an accountant): address → customer ids."""
    client = get_zoho()
    found: dict[str, list[str]] = {}
    for customer in customers:
        for contact in client.contactpersons.list(customer.customer_id):
            email = (contact.email or "").lower()
            if email and email not in primary_emails:
                found.setdefault(email, []).append(customer.customer_id)
    return {email: ids for email, ids in found.items() if len(ids) > 1}


def _invite_one_contact_person(customers, primary_emails: set[str], context: AuditContext):
    """Invite the first contact person who is not yet active (re-running replaces the link)."""
    client = get_zoho()
    for customer in customers:
        for contact in client.contactpersons.list(customer.customer_id):
            if not contact.email or contact.email.lower() in primary_emails:
                continue
            try:
                invitation = accounts.invite(contact.email, context, actor=CLI_ACTOR, customer_id=customer.customer_id)
            except AccountError:
                db.session.rollback()
                continue
            db.session.commit()
            return invitation
    return None


def _wait_for_mail(invitation: accounts.Invitation) -> None:
    try:
        invitation.delivery.result(timeout=MAIL_WAIT_SECONDS)
    except (MailDeliveryError, FutureTimeout) as error:
        click.echo(f"Warning: the invitation email could not be sent ({error}); re-run to send a new link.", err=True)


def register_account_commands(group: AppGroup) -> None:
    for command in (invite_command, disable_user_command, create_demo_users_command):
        group.add_command(command)
