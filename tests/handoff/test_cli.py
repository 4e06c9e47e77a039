"""``flask portal handoff-url``: a working link for trying the handoff out, and the migration's single head."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import jwt

from tests.support import handoff_tokens as tokens
from tests.support.accounts import client_for

TRIAL_EMAIL = "hello@freshstart.example"  # the demo seed's Fresh Start Bakery, in trial without a card


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=["portal", "handoff-url", *args])


def test_cli_mints_a_link_that_lands_on_subscribe(app, demo_customers):
    customer_id = demo_customers["Fresh Start Bakery"].customer_id
    result = invoke(app, customer_id, "--dest", "subscribe", "--return-url", tokens.RETURN_URL, "--email", "lena@x.test")
    assert result.exit_code == 0, result.output
    url = result.output.strip()
    assert url.startswith("http://portal.test/handoff?token=")
    token = parse_qs(urlsplit(url).query)["token"][0]
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, tokens.SECRET, algorithms=["HS256"], audience=tokens.AUDIENCE)
    assert header["typ"] == "handoff+jwt" and claims["exp"] - claims["iat"] == 60
    assert claims["sub"] == customer_id and claims["dest"] == "subscribe" and claims["iss"] == tokens.ISSUER
    client = client_for(app)
    response = client.get(f"/handoff?token={token}")
    assert response.status_code == 303 and response.headers["Location"] == "/subscribe"
    # Fresh Start Bakery is on a trial: "subscribe" means converting that trial, on its own page.
    landed = client.get("/subscribe")
    trial_page = landed.headers["Location"]
    assert landed.status_code == 303 and trial_page.startswith("/subscriptions/") and trial_page.endswith("/subscribe")
    page = client.get(trial_page).get_data(as_text=True)
    assert "<h1>Subscribe</h1>" in page and "Your free trial runs until" in page and "Due today" in page


def test_cli_accepts_the_customers_email(app, demo_customers):
    result = invoke(app, TRIAL_EMAIL, "--dest", "subscribe")
    assert result.exit_code == 0, result.output
    token = parse_qs(urlsplit(result.output.strip()).query)["token"][0]
    assert jwt.decode(token, options={"verify_signature": False})["sub"] == demo_customers["Fresh Start Bakery"].customer_id


def test_cli_refuses_without_a_secret(make_app):
    app = make_app(HANDOFF_SECRET=None, HANDOFF_PUBLIC_KEY=tokens.public_pem(tokens.ED_PRIVATE))
    result = invoke(app, "123")
    assert result.exit_code != 0 and "HANDOFF_SECRET" in result.output


def test_cli_signs_with_a_private_key_file(make_app, tmp_path, demo_customers):
    app = make_app(HANDOFF_SECRET=None, HANDOFF_PUBLIC_KEY=tokens.public_pem(tokens.ED_PRIVATE))
    key_file = tmp_path / "product.pem"
    key_file.write_text(tokens.private_pem(tokens.ED_PRIVATE))
    result = invoke(app, demo_customers["Acme Studio"].customer_id, "--private-key", str(key_file))
    assert result.exit_code == 0, result.output
    token = parse_qs(urlsplit(result.output.strip()).query)["token"][0]
    assert jwt.get_unverified_header(token)["alg"] == "EdDSA"
    assert client_for(app).get(f"/handoff?token={token}").status_code == 303


def test_cli_refuses_unknown_dest_and_foreign_return_url(app):
    assert "not a destination" in invoke(app, "123", "--dest", "admin").output
    assert "allow-list" in invoke(app, "123", "--return-url", "https://evil.test/").output


def test_migrations_have_one_head_ending_with_the_handoff_table(app):
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from app import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", MIGRATIONS_DIR)
    script = ScriptDirectory.from_config(config)
    assert len(script.get_heads()) == 1
    assert "0002_used_handoff_tokens" in {rev.revision for rev in script.walk_revisions()}


def test_the_documented_minting_example_makes_a_token_the_portal_accepts():
    import re
    from pathlib import Path
    from urllib.parse import parse_qs, urlsplit

    from services.handoff import verify
    from tests.support.handoff_tokens import make_config

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index("### Minting a token"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert len(code.strip().splitlines()) <= 10
    namespace = {"HANDOFF_SECRET": tokens.SECRET}
    exec(code, namespace)
    url = namespace["billing_portal_url"]("100001", "pat@acme.example", dest="subscribe")
    token = parse_qs(urlsplit(url).query)["token"][0]
    config = make_config(HANDOFF_ISSUER="acme-product", HANDOFF_AUDIENCE="billing-portal",
                         HANDOFF_RETURN_URLS="https://app.acme.example/settings")
    claims = verify(token, config)
    assert claims.customer_id == "100001" and str(claims.dest) == "subscribe"
