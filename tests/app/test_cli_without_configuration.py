"""The ``flask`` command as an operator meets it: help without any configuration, and one line
(never a traceback) when a command needs a setting, Zoho or the database that is not there."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app import create_app
from tests.support.settings import portal_settings

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).parent / "flask")
MISSING_CLIENT_ID = "Configuration error: ZOHO_CLIENT_ID is required (set it in the environment or in .env)"


def flask(*args: str, **settings: str) -> subprocess.CompletedProcess:
    """``.venv/bin/flask …`` in the clone, with nothing configured but ``settings``."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8",
           "FLASK_SKIP_DOTENV": "1", **settings}  # a developer's .env must not configure this
    return subprocess.run([FLASK, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def portal_commands(help_text: str) -> list[str]:
    return re.findall(r"^  (\S+)\s", help_text.split("Commands:", 1)[1], re.M)


def test_flask_portal_help_lists_the_commands_without_any_configuration():
    result = flask("portal", "--help")
    assert result.returncode == 0 and result.stderr == ""
    assert {"doctor", "handoff-url", "invite", "create-demo-users", "check-zoho"} <= set(portal_commands(result.stdout))
    listing = flask("--help")
    assert listing.returncode == 0 and "portal" in portal_commands(listing.stdout)


def test_every_portal_command_shows_its_help_without_any_configuration():
    # In-process (the same FlaskGroup and factory as the `flask` command), to spare a start-up per command.
    from click.testing import CliRunner
    from flask.cli import FlaskGroup

    unset = {name: None for name in os.environ if name.startswith(("ZOHO_", "PORTAL_", "HANDOFF_", "DATABASE_"))}
    runner = CliRunner(env={**unset, "FLASK_SKIP_DOTENV": "1", "FLASK_RUN_FROM_CLI": None})
    cli = FlaskGroup(create_app=create_app)
    commands = portal_commands(runner.invoke(cli, ["portal", "--help"], prog_name="flask").output)
    assert "doctor" in commands
    for command in commands:
        result = runner.invoke(cli, ["portal", command, "--help"], prog_name="flask")
        assert result.exit_code == 0, (command, result.output)
        assert result.output.startswith(f"Usage: flask portal {command} ")


@pytest.mark.parametrize("args", [("portal", "invite", "pat@acme.example"), ("portal", "check-zoho"),
                                  ("db", "upgrade"), ("run",)])
def test_a_command_that_needs_configuration_says_what_is_missing_in_one_line(args):
    result = flask(*args)
    assert result.returncode != 0
    assert result.stderr.strip() == MISSING_CLIENT_ID
    assert result.stdout == ""


def test_a_malformed_setting_is_named_in_one_line():
    result = flask("portal", "check-zoho", ZOHO_CLIENT_ID="1000.X", ZOHO_CLIENT_SECRET="s", ZOHO_REFRESH_TOKEN="r",
                   ZOHO_ORG_ID="org-1")
    assert result.returncode != 0
    assert result.stderr.strip() == "Configuration error: ZOHO_ORG_ID: must be the numeric Zoho organization id"


def test_a_command_says_in_one_line_that_zoho_refused_the_credentials(sandbox, tmp_path):
    app = create_app(portal_settings(sandbox, ZOHO_CLIENT_SECRET="not-the-secret",
                                     DATABASE_URL=f"sqlite:///{tmp_path / 'portal.db'}"))
    result = app.test_cli_runner().invoke(args=["portal", "check-zoho"])
    assert result.exit_code == 1
    assert result.output.startswith("Zoho did not answer as expected: Zoho OAuth refresh refused: invalid_client")
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_a_command_says_in_one_line_that_the_database_needs_upgrading(sandbox, tmp_path):
    app = create_app(portal_settings(sandbox, DATABASE_URL=f"sqlite:///{tmp_path / 'never-upgraded.db'}"))
    result = app.test_cli_runner().invoke(args=["portal", "disable-user", "pat@acme.example"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Database schema is out of date: run `flask db upgrade` (with the same DATABASE_URL) and start again")
