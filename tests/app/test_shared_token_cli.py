"""The shared Zoho access token from the CLI: commands reuse the stored token, and a throttled
refresh is one line and a non-zero exit, remembered so the next command does not ask Zoho again."""
from __future__ import annotations

TOKEN_CALL = "POST /oauth/v2/token"


def check_zoho(app):
    return app.test_cli_runner().invoke(args=["portal", "check-zoho"])


def test_commands_share_the_stored_token(app, sandbox):
    sandbox.clear_calls()
    results = [check_zoho(app) for _ in range(5)]
    assert [r.exit_code for r in results] == [0] * 5
    assert sandbox.calls()["counts"].get(TOKEN_CALL) == 1


def test_a_throttled_refresh_is_one_line_and_a_failure_remembered_for_everyone(app, sandbox):
    sandbox.set_rate_limits(enabled=True, token_throttle=1, reset_counters=True)
    try:
        sandbox.access_token()  # someone else used the one refresh Zoho allows
        sandbox.clear_calls()
        first, second = check_zoho(app), check_zoho(app)
    finally:
        sandbox.set_rate_limits(enabled=False, token_throttle=10, reset_counters=True)
    for result in (first, second):
        assert result.exit_code == 1
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
        assert "throttled" in result.stderr
    assert sandbox.calls()["counts"].get(TOKEN_CALL, 0) <= 1  # the second command did not ask again
