"""Servers a test starts on loopback: a free port for one, and waiting until one answers."""
from __future__ import annotations

import socket
import subprocess
import time

import requests


def free_port() -> int:
    """A loopback port nothing listens on right now (for a server a test starts, or one it must not find)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answering(url: str, process: subprocess.Popen) -> requests.Response:
    """The first answer of ``url`` from a server ``process`` is starting. Fails as soon as the process
    exits; a server that never answers is ended by the suite's per-test timeout (pytest-timeout)."""
    while True:
        try:
            return requests.get(url, timeout=5)
        except requests.ConnectionError:
            assert process.poll() is None, f"the server exited with {process.returncode} before answering"
            time.sleep(0.2)
