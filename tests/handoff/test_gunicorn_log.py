"""H16 in the real server: the access log under gunicorn (even with ``--access-logfile -``) and the
app's JSON logs never hold the token, for an accepted and for a refused handoff."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import requests

from tests.support import handoff_tokens as tokens
from tests.support.handoff_tokens import mint
from tests.support.servers import free_port, wait_until_answering
from tests.support.settings import portal_settings

ROOT = Path(__file__).resolve().parents[2]


def test_H16_token_absent_from_gunicorn_access_log(sandbox, database_url, tmp_path, demo_customers):
    settings = portal_settings(sandbox, DATABASE_URL=database_url)
    env = dict(os.environ)
    env.update({k: str(v) for k, v in settings.model_dump().items() if v is not None and k.isupper()
                and isinstance(v, (str, int, float))})
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}",
             "--access-logfile", "-", "--log-level", "info", "--control-socket", str(tmp_path / "gunicorn.ctl"),
             "app:create_app()"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_until_answering(base + "/healthz", server).status_code == 200
        good = mint(customer_id=demo_customers["Müller & Söhne GmbH"].customer_id)
        bad = mint(customer_id=demo_customers["Müller & Söhne GmbH"].customer_id, key="w" * 40)
        first = requests.get(f"{base}/handoff", params={"token": good}, allow_redirects=False, timeout=10)
        assert first.status_code == 303
        assert requests.get(f"{base}/handoff", params={"token": good}, timeout=10).status_code == 400
        assert requests.get(f"{base}/handoff", params={"token": bad}, timeout=10).status_code == 400
        assert requests.post(f"{base}/handoff", data={"token": bad}, timeout=10).status_code == 400
    finally:
        server.terminate()
        server.wait(10)
    output = log_path.read_text()
    assert '"message": "GET /handoff 303 ' in output and '"message": "POST /handoff 400 ' in output
    assert "authn_token_reuse" in output and "handoff accepted" in output  # the app's JSON logs, too
    for token in (good, bad):
        assert token not in output and token.split(".")[2] not in output
    assert tokens.SECRET not in output
