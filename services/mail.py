"""Outgoing mail over real SMTP (``SMTP_*`` settings): multipart text + HTML.

Sending happens on a small background pool so that a request never waits on the mail server,
and so that "we sent you a link" and "there is no such account" take the same time to answer.
Callers that need the outcome (the CLI) wait on the returned future. Log lines name the kind of
message and its id, never its body (which holds one-time links).
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import Flask, current_app, render_template

from config.settings import Settings
from services.after_commit import after_commit
from services.texts import in_language

log = logging.getLogger(__name__)
SMTP_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class OutgoingMail:
    kind: str  # "invitation", "reset", "password_changed" …: for logs
    to: str
    subject: str
    text: str
    html: str


class MailDeliveryError(Exception):
    """The SMTP server could not be reached or refused the message."""


class Mailer:
    def __init__(self, settings: Settings) -> None:
        self.host = settings.SMTP_HOST
        self.port = settings.SMTP_PORT
        self.username = settings.SMTP_USERNAME
        self.password = settings.SMTP_PASSWORD
        self.starttls = settings.SMTP_STARTTLS
        self.sender = settings.MAIL_FROM
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="mail")

    def send(self, mail: OutgoingMail) -> Future:
        """Queue ``mail``; the future raises MailDeliveryError if it could not be delivered."""
        message = self._build(mail)
        return self._pool.submit(self._deliver, message, mail.kind)

    def close(self) -> None:
        """Wait for queued mail to go out (tests, and clean shutdowns)."""
        self._pool.shutdown(wait=True)

    def _build(self, mail: OutgoingMail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2].strip("> ") or None)
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(mail.text)
        message.add_alternative(mail.html, subtype="html")
        return message

    def _deliver(self, message: EmailMessage, kind: str) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            log.error("mail not delivered", extra={"mail_kind": kind, "smtp_error": type(error).__name__})
            raise MailDeliveryError(f"could not deliver the {kind} email: {type(error).__name__}") from error
        log.info("mail sent", extra={"mail_kind": kind, "message_id": message["Message-ID"]})


def init_mail(app: Flask, settings: Settings) -> None:
    app.extensions["mailer"] = Mailer(settings)


def get_mailer() -> Mailer:
    return current_app.extensions["mailer"]


def render_mail(kind: str, to: str, subject, *, language: str | None = None, **context) -> OutgoingMail:
    """Render ``templates/email/<kind>.txt`` and ``.html`` into one message, in ``language`` (the
    recipient's; English when None). ``subject`` is a text or a function that writes it, called in
    that language."""
    with in_language(language):
        return OutgoingMail(
            kind=kind,
            to=to,
            subject=str(subject() if callable(subject) else subject),
            text=render_template(f"email/{kind}.txt", **context),
            html=render_template(f"email/{kind}.html", **context),
        )


class MailNotSent(Exception):
    """The transaction that queued this mail rolled back, so it was never sent."""


def send_after_commit(mail: OutgoingMail) -> Future:
    """Send ``mail`` once the current database transaction commits, and never if it rolls back.

    Services that create a link and mail it call this, so that no email ever carries a link
    whose row was rolled back, while the view keeps the request's one commit point.
    """
    outcome: Future = Future()
    mailer = get_mailer()
    after_commit(lambda: _chain(mailer.send(mail), outcome),
                 lambda: outcome.set_exception(MailNotSent("the transaction rolled back")))
    return outcome


def _chain(inner: Future, outer: Future) -> None:
    def copy(done: Future) -> None:
        error = done.exception()
        if error is not None:
            outer.set_exception(error)
        else:
            outer.set_result(done.result())

    inner.add_done_callback(copy)
