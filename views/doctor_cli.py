"""``flask portal doctor``: one line per check (services/doctor.py), exit status 1 if any failed.

It runs without a valid configuration too, and then says what is wrong with it.
"""
from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from services.doctor import configuration_error, run_checks
from views.cli import CONFIG_ERROR


@click.command("doctor")
@with_appcontext
def doctor_command() -> None:
    """Check the configuration, database schema, Zoho credentials and scopes, mail, Redis, webhooks
    and handoff settings; one line each, with what to do about a problem. Sends no mail, changes nothing."""
    # Alembic announces its dialect at INFO on every schema check; the doctor's lines are the output.
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
    error = current_app.extensions.get(CONFIG_ERROR)
    checks = [configuration_error(str(error))] if error else run_checks(current_app.extensions["settings"])
    for check in checks:
        click.echo(check.line())
    failed = sum(check.failed for check in checks)
    warned = sum(check.status == "warn" for check in checks)
    summary = f"{failed} failed, {warned} to look at, {len(checks) - failed - warned} ok"
    if error:
        summary += "; the other checks need a valid configuration"
    click.echo(summary)
    if failed:
        raise SystemExit(1)
