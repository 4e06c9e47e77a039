"""The demo's mail catcher: a local SMTP server that prints who each message is for, its
subject and every link in it, so that invitation and reset links can be clicked from the console.

    python -m services.mail_catcher --host 127.0.0.1 --port 1025
"""
from __future__ import annotations

import argparse
import re
import signal
import sys
import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://[^\s<>\"']+")


def links_in(message) -> list[str]:
    body = message.get_body(preferencelist=("plain", "html"))
    text = body.get_content() if body is not None else ""
    return list(dict.fromkeys(LINK.findall(text)))  # unique, in order


class PrintingHandler:
    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        lines = [f"[mail] to {message['To']}: {message['Subject']}"]
        lines += [f"[mail]   {link}" for link in links_in(message)]
        print("\n".join(lines), flush=True)
        return "250 Message accepted for delivery"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    args = parser.parse_args(argv)

    controller = Controller(PrintingHandler(), hostname=args.host, port=args.port)
    controller.start()
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        stop.wait()
    finally:
        controller.stop()
    sys.exit(0)


if __name__ == "__main__":
    main()
