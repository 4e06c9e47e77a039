"""`bash scripts/demo.sh` run as a newcomer runs it: in a fresh copy of the clone, on free ports,
with no standard input and none of the test run's settings; its output read line by line."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READY = "==> The demo is ready"
# What a fresh clone does not have (git-ignored, or git's own) besides the virtual environment.
NOT_IN_A_CLONE = shutil.ignore_patterns(".git", ".venv", "instance", ".env", "artifacts", "__pycache__", "*.pyc",
                                        ".pytest_cache", ".hypothesis", "*.egg-info", "node_modules")
LINK = re.compile(r"https?://[^\s<>\"'()]+")
COMMAND = re.compile(r"^    (cd \S+ && \.venv/bin/flask .+)$", re.M)


def fresh_clone(parent: Path) -> Path:
    """The project's files as a clone has them, sharing this run's virtual environment (the demo's
    install step finds everything in it already, so it changes nothing there)."""
    assert sys.prefix != sys.base_prefix, "the demo tests run in the project's virtual environment"
    clone = parent / "clone"
    shutil.copytree(ROOT, clone, ignore=NOT_IN_A_CLONE)
    (clone / ".venv").symlink_to(sys.prefix)
    return clone


def login_shell_env(**extra: str) -> dict[str, str]:
    """A fresh terminal's environment: none of the portal's settings, and .env read as usual."""
    return {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8",
            **{name: str(value) for name, value in extra.items()}}


# The demo makes its secrets with secrets.token_urlsafe, which begins with "-" one time in 64: given
# as an option's value, such a secret must not be read as an option (the sandbox once refused to
# start on one). Every run gives one such secret, so that the one-in-64 case is the tested case.
SECRETS = {"ZOHO_WEBHOOK_SECRET": "-demo-webhook-secret-that-begins-with-a-dash"}


class DemoRun:
    def __init__(self, clone: Path, ports: dict[str, int]) -> None:
        self.clone = clone
        self.ports = ports
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._ended = False
        self.process: subprocess.Popen | None = None

    def start(self) -> "DemoRun":
        # Its own session, so that stopping it reaches every process it started, and only those.
        self.process = subprocess.Popen(
            ["bash", "scripts/demo.sh"], cwd=self.clone, env=login_shell_env(**self.ports, **SECRETS),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()
        return self

    def _read(self) -> None:
        assert self.process and self.process.stdout
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    @property
    def output(self) -> str:
        with self._changed:
            return "\n".join(self.lines)

    def wait_for(self, text: str, timeout: float = 300) -> None:
        """Until a line holds ``text``; fails as soon as the demo's output ends without it
        (``timeout`` is only a last resort on a stuck machine)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not any(text in line for line in self.lines) and not self._ended:
                if time.monotonic() >= deadline:
                    break
                self._changed.wait(1)
        assert any(text in line for line in self.lines), f"the demo never printed {text!r}:\n{self.output}"

    def stop(self) -> int | None:
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            return self.process.wait(30)

    # -- what it printed --------------------------------------------------------------------------

    def section(self, heading: str) -> list[str]:
        """The lines after the ``==> heading…`` line, up to the next blank line."""
        lines = self.output.splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith(f"==> {heading}"))
        block = []
        for line in lines[start + 1:]:
            if not line.strip():
                break
            block.append(line)
        return block

    def links(self) -> list[str]:
        return list(dict.fromkeys(LINK.findall(self.output)))

    def commands(self) -> list[str]:
        return COMMAND.findall(self.output)

    def run_printed(self, command: str) -> subprocess.CompletedProcess:
        """A printed command pasted into a second terminal (whose directory is elsewhere)."""
        return subprocess.run(["bash", "-c", command], cwd="/", env=login_shell_env(), capture_output=True,
                              text=True, timeout=120)
