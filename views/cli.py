"""The ``flask portal …`` command group.

``flask --help`` and ``flask portal [COMMAND] --help`` work without any configuration: when the
settings do not load, the ``flask`` command is handed an app that has only the commands
(``create_app`` asks :func:`looking_up_commands`). A command that needs the configuration then
stops with the one line that names what is missing; one that needs Zoho or the database says in
one line which of them failed. ``doctor`` runs regardless: checking the configuration is its job.
"""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup, FlaskGroup, ScriptInfo

CONFIG_ERROR = "portal_config_error"  # app.extensions key of a command-only app


class CommandFailed(click.ClickException):
    """One line on stderr, as it is (click would prefix "Error: ")."""

    def show(self, file=None) -> None:
        click.echo(self.message, err=True, file=file)


def looking_up_commands() -> bool:
    """True while the ``flask`` command loads the app only to list or find its commands.

    Its own commands (``run``, ``shell``, ``db …``) load the app from inside their own context,
    and gunicorn outside of any: both still get the strict start-up check.
    """
    ctx = click.get_current_context(silent=True)
    return ctx is not None and ctx.parent is None and isinstance(ctx.command, FlaskGroup)


def mark_unconfigured(app: Flask, error: Exception) -> None:
    """Make ``app`` a command-only app for a configuration that did not load."""
    app.extensions[CONFIG_ERROR] = error
    app.cli = CommandsWithoutConfiguration(error, name=app.name)


class CommandsWithoutConfiguration(AppGroup):
    """``app.cli`` of a command-only app: the portal group as usual; any other name (the extensions'
    ``db`` and ``limiter`` groups exist only in a configured app) is a command that stops with the
    configuration error rather than "No such command"."""

    def __init__(self, error: Exception, **kwargs) -> None:
        super().__init__(**kwargs)
        self.error = error

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is not None:
            return command
        return click.Command(name, callback=self._stop, add_help_option=False,
                             context_settings={"ignore_unknown_options": True, "allow_extra_args": True})

    def _stop(self) -> None:
        raise CommandFailed(str(self.error))


class NeedsConfiguration(click.Command):
    """A command that runs with a valid configuration, and turns a Zoho or database failure into one line."""

    def invoke(self, ctx: click.Context):
        info = ctx.find_object(ScriptInfo)
        error = info.load_app().extensions.get(CONFIG_ERROR) if info is not None else None
        if error is not None:
            raise CommandFailed(str(error))
        from sqlalchemy.exc import OperationalError, ProgrammingError

        from zoho_client.errors import ZohoError

        try:
            return super().invoke(ctx)
        except ZohoError as failure:
            raise CommandFailed(f"Zoho did not answer as expected: {failure} (`flask portal doctor` checks the "
                                "ZOHO_* settings)") from None
        except (OperationalError, ProgrammingError) as failure:
            raise CommandFailed(_database_problem(failure)) from None


def _database_problem(failure) -> str:
    from sqlalchemy.exc import SQLAlchemyError

    from extensions import db
    from services.schema_check import OUTDATED_MESSAGE, schema_is_current

    try:
        current = schema_is_current(db.engine)
    except SQLAlchemyError:
        return f"The database did not answer ({type(failure.orig).__name__}): check DATABASE_URL"
    return f"Database error ({type(failure.orig).__name__})" if current else OUTDATED_MESSAGE


class PortalGroup(AppGroup):
    command_class = NeedsConfiguration


portal_cli = PortalGroup(
    "portal",
    help="Customer billing portal commands. `flask portal doctor` checks the configuration and "
         "every service the portal uses.",
)


@portal_cli.command("check-zoho")
def check_zoho() -> None:
    """Check that Zoho (or the sandbox) answers with our credentials."""
    from services.zoho import get_zoho

    org = get_zoho().organization.get()
    click.echo(f"Zoho answers: organization {org.organization_id} ({org.name})")
