"""Emails go out in their recipient's language (their own choice, else their customer's language in
Zoho, else English), read back from the SMTP server; the statement and receipt PDFs are written in
the page's language, read back as PDF text."""
from __future__ import annotations

import io

from sqlalchemy import select

from tests.support.accounts import client_for
from tests.support.demo import ACME, CAFE
from tests.support.forms import link_in, post_form

ACME_CONTACT = "marcus.lee@acme.example"  # a contact person of Acme Studio, not yet invited


def parts(message) -> tuple[str, str]:
    return (message.get_body(preferencelist=("html",)).get_content(),
            message.get_body(preferencelist=("plain",)).get_content())


def invite(app, email: str) -> None:
    result = app.test_cli_runner().invoke(args=["portal", "invite", email])
    assert result.exit_code == 0, result.output


def set_preferred_language(app, email: str, locale: str) -> None:
    from db.models import PortalUser
    from extensions import db

    with app.app_context():
        user = db.session.execute(select(PortalUser).where(PortalUser.email == email)).scalar_one()
        user.preferred_language = locale
        db.session.commit()


def test_an_invitation_is_written_in_the_customers_language(app, mailbox, sandbox_api):
    sandbox_api.put(f"/customers/{sandbox_api.customer_id(ACME)}", {"language_code": "pt"})
    invite(app, ACME_CONTACT)
    message = mailbox.wait_for(ACME_CONTACT)
    assert message["Subject"] == "O seu convite para o portal de faturação da Harbourline Software Pty Ltd"
    for part in parts(message):
        assert "Olá, Marcus Lee," in part
        assert "Aceitar convite" in part
        assert "A ligação funciona uma vez e expira a" in part
        assert "invitation" not in part.lower()
    assert 'lang="pt-PT"' in parts(message)[0]
    assert link_in(message).startswith("http://portal.test/invite?token=")


def test_a_german_customers_reset_email_is_in_german_and_a_persons_choice_wins(app, make_user, mailbox):
    make_user(CAFE)
    post_form(client_for(app), "/forgot", {"email": CAFE})
    message = mailbox.wait_for(CAFE)
    assert message["Subject"] == "Setzen Sie Ihr Passwort für das Abrechnungsportal von Harbourline Software Pty Ltd zurück"
    html, text = parts(message)
    for part in (html, text):
        assert "Neues Passwort wählen" in part
        assert "Der Link funktioniert einmal und läuft in einer Stunde ab" in part
    assert 'lang="de"' in html

    mailbox.clear()
    set_preferred_language(app, CAFE, "pt_PT")
    post_form(client_for(app), "/forgot", {"email": CAFE}, headers={"Accept-Language": "fr"})
    html, text = parts(mailbox.wait_for(CAFE))
    assert "Escolher uma nova palavra-passe" in text and "Alguém (esperamos que o próprio)" in html


def test_without_any_language_an_email_is_in_english(app, user, mailbox):
    post_form(client_for(app), "/forgot", {"email": user.email}, headers={"Accept-Language": "de"})
    message = mailbox.wait_for(user.email)
    assert message["Subject"].startswith("Reset your ")
    assert "Choose a new password" in parts(message)[1]


def pdf_text(response) -> str:
    from pypdf import PdfReader

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


def test_the_statement_pdf_in_german_and_portuguese(signed_in):
    german = pdf_text(signed_in(CAFE).get("/statement.pdf?start=2022-01-01&end=2026-11-30"))
    for words in ("Kontoauszug", "Anfangssaldo", "Endsaldo", "Beträge in EUR", "Seite 1", "Café Zürich AG"):
        assert words in german, words
    assert "Opening balance" not in german

    client = signed_in(ACME)
    portuguese = pdf_text(client.get("/statement.pdf?start=2022-01-01&end=2026-11-30",
                                     headers={"Accept-Language": "pt-PT"}))
    for words in ("Extrato de conta", "Saldo inicial", "Saldo final", "Montantes em USD", "Página 1", "Fatura"):
        assert words in portuguese, words


def test_the_receipt_pdf_follows_the_language(signed_in, sandbox_api):
    client = signed_in(CAFE)
    payment_id = sandbox_api.transaction_ids(sandbox_api.customer_id(CAFE), "PAYMENT")[0]
    text = pdf_text(client.get(f"/payments/{payment_id}/receipt.pdf"))
    assert "Zahlungsbeleg" in text and "Zahlungsdatum" in text and "€" in text
