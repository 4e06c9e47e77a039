"""The verifier against checklist section H (H13–H15) and the contract of design.md §5.

Each token is checked by ``services.handoff.verify`` with one clock; the stateful checks
(replay, identity) are in test_redeem.py, the HTTP behaviour in test_view.py.
"""
from __future__ import annotations

import socket
import time
from datetime import datetime, timedelta, timezone

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from services.handoff import Destination, HandoffNotConfigured, HandoffRefused, verify
from tests.support import handoff_tokens as tokens
from tests.support.handoff_tokens import AUDIENCE, ISSUER, NOW, SECRET, make_config, mint, raw_token


def refused(token, handoff_config, now=NOW) -> HandoffRefused:
    with pytest.raises(HandoffRefused) as caught:
        verify(token, handoff_config, now=now)
    return caught.value


@pytest.fixture
def no_network(monkeypatch):
    """Any outbound connection attempt fails the test (jku/x5u must never be fetched)."""
    attempts = []

    def forbidden(*args, **kwargs):
        attempts.append(args)
        raise AssertionError("the verifier tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", forbidden)
    monkeypatch.setattr(socket.socket, "connect", forbidden)
    return attempts


def test_valid_token_is_accepted(handoff_config):
    token = mint(now=NOW, dest="invoice:4815", return_url=tokens.RETURN_URL + "/billing?tab=plan")
    claims = verify(token, handoff_config, now=NOW)
    assert claims.customer_id == "100001" and claims.email == "pat@acme.test" and claims.issuer == ISSUER
    assert claims.dest == Destination("invoice", "4815")
    assert claims.return_url == tokens.RETURN_URL + "/billing?tab=plan"
    assert claims.remember_until == NOW + 60 + 30 and claims.key_label == "current"


def test_dest_defaults_to_the_dashboard(handoff_config):
    assert verify(mint(now=NOW, dest=None), handoff_config, now=NOW).dest == Destination("dashboard")


# -- H13: time claims --------------------------------------------------------------------------


def test_H13_exp_31s_past_rejected(handoff_config):
    token = mint(now=NOW - 91)  # exp = NOW - 31
    assert refused(token, handoff_config).check == "expired"


def test_H13_exp_29s_past_still_accepted_within_leeway(handoff_config):
    assert verify(mint(now=NOW - 89), handoff_config, now=NOW).customer_id == "100001"


def test_H13_iat_5_min_in_future_rejected(handoff_config):
    assert refused(mint(now=NOW + 300), handoff_config).check == "not_yet_valid"


def test_H13_iat_20s_in_future_accepted_within_leeway(handoff_config):
    assert verify(mint(now=NOW + 20), handoff_config, now=NOW)


def test_H13_lifetime_3600_rejected(handoff_config):
    assert refused(mint(now=NOW, lifetime=3600), handoff_config).check == "lifetime"


@pytest.mark.parametrize("lifetime, ok", [(60, True), (61, False), (0, False), (-5, False)])
def test_H13_lifetime_cap_is_60s(handoff_config, lifetime, ok):
    token = mint(now=NOW, lifetime=lifetime)
    if ok:
        assert verify(token, handoff_config, now=NOW)
    else:
        assert refused(token, handoff_config).check in ("lifetime", "expired")


@pytest.mark.parametrize("claim", ["exp", "iat", "jti", "aud", "iss", "sub"])
def test_H13_missing_required_claim_rejected(handoff_config, claim):
    payload = tokens.claims(now=NOW)
    del payload[claim]
    failure = refused(mint(payload), handoff_config)
    assert (failure.check, failure.detail) == ("missing_claim", claim)


def test_H13_nbf_in_future_rejected(handoff_config):
    assert refused(mint(now=NOW, nbf=NOW + 120), handoff_config).check == "not_yet_valid"


@pytest.mark.parametrize("bad", ["1795600000", True, None, 1e300, [NOW]])
def test_H13_time_claims_must_be_numeric_dates(handoff_config, bad):
    payload = tokens.claims(now=NOW)
    payload["exp"] = bad
    assert refused(mint(payload), handoff_config).check in ("claims", "missing_claim", "malformed")


# -- H14: algorithm and key attacks --------------------------------------------------------------


def test_H14_alg_none_rejected(handoff_config, no_network):
    token = raw_token({"alg": "none", "typ": "handoff+jwt"}, tokens.claims(now=NOW))
    assert refused(token + "x" if token.endswith(".") else token, handoff_config).check in ("malformed", "algorithm")
    # the canonical empty-signature form is not even a compact JWS to us
    assert refused(token.rsplit(".", 1)[0] + ".", handoff_config).check == "malformed"


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
def test_H14_alg_none_with_a_signature_part_rejected(handoff_config, alg):
    token = raw_token({"alg": alg, "typ": "handoff+jwt"}, tokens.claims(now=NOW), b"sig")
    assert refused(token, handoff_config).check == "algorithm"


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_H14_hs512_rejected_when_only_hs256_is_allowed(handoff_config):
    token = mint(now=NOW, algorithm="HS512")
    assert refused(token, handoff_config).check == "algorithm"


def test_H14_rsa_public_key_as_hs256_secret_rejected():
    # The portal holds an ES256 public key; an attacker signs HS256 with that public key's PEM.
    public_pem = tokens.public_pem(tokens.EC_PRIVATE)
    handoff_config = make_config(HANDOFF_SECRET=None, HANDOFF_PUBLIC_KEY=public_pem)
    assert handoff_config.algorithms == ("ES256",)
    forged = raw_token({"alg": "HS256", "typ": "handoff+jwt"}, tokens.claims(now=NOW))
    import hashlib
    import hmac

    signing_input = forged.rsplit(".", 1)[0].encode()
    signature = hmac.new(public_pem.encode(), signing_input, hashlib.sha256).digest()
    forged = signing_input.decode() + "." + tokens.b64(signature)
    assert refused(forged, handoff_config).check == "algorithm"
    # and even with HS256 also allowed, the public key is never used as an HMAC secret
    both = make_config(HANDOFF_PUBLIC_KEY=public_pem, HANDOFF_ALGORITHMS="HS256,ES256")
    assert refused(forged, both).check == "signature"


def test_H14_rs256_token_rejected(handoff_config):
    token = mint(now=NOW, key=tokens.RSA_PRIVATE, algorithm="RS256")
    assert refused(token, handoff_config).check == "algorithm"


@pytest.mark.parametrize(
    "header",
    [
        {"jku": "https://attacker.test/jwks.json"},
        {"x5u": "https://attacker.test/cert.pem"},
        {"jwk": {"kty": "oct", "k": tokens.b64(b"attacker-key-attacker-key-attacker-key")}},
        {"x5c": ["MIIB"]},
        {"crit": ["exp"]},
    ],
    ids=["jku", "x5u", "jwk", "x5c", "crit"],
)
def test_H14_key_location_headers_rejected_without_fetch(handoff_config, no_network, header):
    # Signed with the real secret, even: the header alone is enough to refuse it.
    token = mint(now=NOW, headers=header)
    assert refused(token, handoff_config).check in ("header", "malformed")  # PyJWT itself refuses a bad crit
    assert no_network == []


def test_H14_attacker_jwk_signed_token_rejected_without_fetch(handoff_config, no_network):
    attacker = b"attacker-key-attacker-key-attacker-key"
    token = mint(now=NOW, key=attacker, headers={"jwk": {"kty": "oct", "k": tokens.b64(attacker)}})
    assert refused(token, handoff_config).check == "header"
    assert no_network == []


@pytest.mark.parametrize("kid", ["../../x", "../../../../dev/null", "1' OR '1'='1", "x; DROP TABLE users", "", "a/b"])
def test_H14_kid_path_and_sql_tricks_rejected(handoff_config, no_network, kid):
    assert refused(mint(now=NOW, headers={"kid": kid}), handoff_config).check == "header"
    assert no_network == []


def test_H14_non_string_kid_rejected(handoff_config):
    token = raw_token({"alg": "HS256", "typ": "handoff+jwt", "kid": 7}, tokens.claims(now=NOW), b"x" * 32)
    assert refused(token, handoff_config).check in ("header", "malformed")


def test_H14_plain_kid_is_ignored_not_looked_up(handoff_config):
    assert verify(mint(now=NOW, headers={"kid": "product-2026-11"}), handoff_config, now=NOW)


def test_H14_wrong_secret_rejected(handoff_config):
    assert refused(mint(now=NOW, key="x" * 40), handoff_config).check == "signature"


def test_H14_eddsa_and_es256_keys_verify_only_their_own_algorithm():
    ed_pem, ec_pem = tokens.public_pem(tokens.ED_PRIVATE), tokens.public_pem(tokens.EC_PRIVATE)
    ed_config = make_config(HANDOFF_SECRET=None, HANDOFF_PUBLIC_KEY=ed_pem)
    ec_config = make_config(HANDOFF_SECRET=None, HANDOFF_PUBLIC_KEY=ec_pem.replace("\n", "\\n"))
    assert ed_config.algorithms == ("EdDSA",) and ec_config.algorithms == ("ES256",)
    ed_token = mint(now=NOW, key=tokens.ED_PRIVATE, algorithm="EdDSA")
    ec_token = mint(now=NOW, key=tokens.EC_PRIVATE, algorithm="ES256")
    assert verify(ed_token, ed_config, now=NOW) and verify(ec_token, ec_config, now=NOW)
    assert refused(ec_token, ed_config).check == "algorithm"
    assert refused(ed_token, ec_config).check == "algorithm"
    other = mint(now=NOW, key=ed25519.Ed25519PrivateKey.generate(), algorithm="EdDSA")
    assert refused(other, ed_config).check == "signature"


def test_H14_public_key_from_a_file(tmp_path):
    path = tmp_path / "product.pub.pem"
    path.write_text(tokens.public_pem(tokens.ED_PRIVATE))
    handoff_config = make_config(HANDOFF_SECRET=None, HANDOFF_PUBLIC_KEY=str(path))
    assert verify(mint(now=NOW, key=tokens.ED_PRIVATE, algorithm="EdDSA"), handoff_config, now=NOW)


def test_H14_rsa_public_key_is_not_accepted_as_configuration():
    with pytest.raises(HandoffNotConfigured):
        make_config(HANDOFF_SECRET=None, HANDOFF_PUBLIC_KEY=tokens.public_pem(tokens.RSA_PRIVATE))


def test_H14_short_secret_refused_as_configuration_even_outside_production():
    with pytest.raises(HandoffNotConfigured):
        make_config(HANDOFF_SECRET="too-short-secret")


# -- H15: audience, issuer, type, rotation -----------------------------------------------------


def test_H15_aud_of_another_service_rejected(handoff_config):
    assert refused(mint(now=NOW, aud="billing-portal-staging"), handoff_config).check == "audience"


def test_H15_aud_list_rejected_strictly(handoff_config):
    assert refused(mint(now=NOW, aud=[AUDIENCE, "other"]), handoff_config).check == "audience"


def test_H15_wrong_iss_rejected(handoff_config):
    assert refused(mint(now=NOW, iss="someone-else"), handoff_config).check == "issuer"


@pytest.mark.parametrize("typ", ["JWT", "reset+jwt", "session+jwt", "at+jwt", None, 1])
def test_H15_typ_of_another_token_rejected(handoff_config, typ):
    assert refused(mint(now=NOW, headers={"typ": typ}), handoff_config).check == "type"


def test_H15_typ_with_media_type_prefix_accepted(handoff_config):
    assert verify(mint(now=NOW, headers={"typ": "application/handoff+JWT"}), handoff_config, now=NOW)


def test_H15_tampered_sub_rejected(handoff_config):
    token = mint(now=NOW, sub="100001")
    header, payload, signature = token.split(".")
    forged_payload = tokens.b64(jwt.utils.base64url_decode(payload).replace(b"100001", b"100002"))
    assert refused(".".join([header, forged_payload, signature]), handoff_config).check == "signature"


def test_H15_previous_key_accepted_only_inside_rotation_window():
    until = datetime.fromtimestamp(NOW, timezone.utc) + timedelta(hours=1)
    handoff_config = make_config(HANDOFF_PREVIOUS_SECRET=tokens.PREVIOUS_SECRET,
                                 HANDOFF_PREVIOUS_KEY_UNTIL=until.isoformat())
    assert verify(mint(now=NOW, key=tokens.PREVIOUS_SECRET), handoff_config, now=NOW).key_label == "previous"
    later = NOW + 3600
    assert refused(mint(now=later, key=tokens.PREVIOUS_SECRET), handoff_config, now=later).check == "key_rotation"
    assert verify(mint(now=later), handoff_config, now=later).key_label == "current"


def test_H15_previous_public_key_rotation():
    until = datetime.fromtimestamp(NOW + 60, timezone.utc)
    old = ed25519.Ed25519PrivateKey.generate()
    handoff_config = make_config(HANDOFF_SECRET=None, HANDOFF_PUBLIC_KEY=tokens.public_pem(tokens.ED_PRIVATE),
                                 HANDOFF_PREVIOUS_PUBLIC_KEY=tokens.public_pem(old),
                                 HANDOFF_PREVIOUS_KEY_UNTIL=until.isoformat())
    assert verify(mint(now=NOW, key=old, algorithm="EdDSA"), handoff_config, now=NOW).key_label == "previous"
    assert refused(mint(now=NOW + 61, key=old, algorithm="EdDSA"), handoff_config, now=NOW + 61).check == "key_rotation"


# -- the other claims ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dest, expected",
    [
        ("dashboard", Destination("dashboard")),
        ("invoices", Destination("invoices")),
        ("invoice:2000000081001", Destination("invoice", "2000000081001")),
        ("subscriptions", Destination("subscriptions")),
        ("subscription:sub_1", Destination("subscription", "sub_1")),
        ("subscribe", Destination("subscribe")),
        ("change-plan:42", Destination("change-plan", "42")),
        ("cancel:42", Destination("cancel", "42")),
        ("update-card:42", Destination("update-card", "42")),
        ("profile", Destination("profile")),
    ],
)
def test_every_contract_dest_is_understood(handoff_config, dest, expected):
    assert verify(mint(now=NOW, dest=dest), handoff_config, now=NOW).dest == expected


@pytest.mark.parametrize(
    "dest",
    ["/admin", "https://evil.test/", "invoice:", "invoice:../1", "invoice:1/2", "invoice:1?x=1", "staff",
     "subscribe:1", "dashboard:1", "Invoice:1", "invoice:" + "1" * 65, 42, ["invoices"]],
)
def test_unknown_or_malformed_dest_rejected(handoff_config, dest):
    assert refused(mint(now=NOW, dest=dest), handoff_config).check == "dest"


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://app.acme.test/settings", True),
        ("https://app.acme.test/settings/", True),
        ("https://app.acme.test/settings/billing?tab=plan#x", True),
        ("https://app.acme.test/settings-evil", False),
        ("https://app.acme.test/other", False),
        ("http://app.acme.test/settings", False),
        ("https://app.acme.test:8443/settings", False),
        ("https://app.acme.test.evil.test/settings", False),
        ("https://evil.test@app.acme.test/settings", False),
        ("https://app.acme.test/settings/../admin", False),
        ("https://app.acme.test/settings/%2e%2e/admin", False),
        ("https://app.acme.test/settings\\..\\admin", False),
        ("javascript:alert(1)//https://app.acme.test/settings", False),
        ("//app.acme.test/settings", False),
        ("https://app.acme.test/settings/\nx", False),
    ],
)
def test_return_url_must_be_allow_listed(handoff_config, url, ok):
    token = mint(now=NOW, return_url=url)
    if ok:
        assert verify(token, handoff_config, now=NOW).return_url == url
    else:
        assert refused(token, handoff_config).check == "return_url"


def test_return_url_refused_when_no_allow_list(handoff_config):
    handoff_config = make_config(HANDOFF_RETURN_URLS="")
    assert refused(mint(now=NOW, return_url=tokens.RETURN_URL), handoff_config).check == "return_url"


@pytest.mark.parametrize("jti", ["short", "x" * 129, "has space in it!!", 12345678901234567])
def test_jti_must_be_a_reasonable_unique_id(handoff_config, jti):
    assert refused(mint(now=NOW, jti=jti), handoff_config).check == "claims"


@pytest.mark.parametrize("email", ["not-an-email", "a@b@c", "<script>@x.test", 7])
def test_email_claim_must_look_like_an_email(handoff_config, email):
    assert refused(mint(now=NOW, email=email), handoff_config).check == "claims"


@pytest.mark.parametrize("sub", ["../1", "1 OR 1=1", "", "x" * 65])
def test_sub_must_look_like_a_customer_id(handoff_config, sub):
    assert refused(mint(now=NOW, sub=sub), handoff_config).check in ("claims", "missing_claim")


@pytest.mark.parametrize("claim, value, check", [
    ("jti", "a" * 16 + "\n", "claims"),
    ("sub", "100001\n", "claims"),
    ("email", "pat@acme.test\n", "claims"),
    ("dest", "invoice:4815\n", "dest"),
    ("iss", ISSUER + "\n", "issuer"),
    ("aud", AUDIENCE + "\n", "audience"),
])
def test_a_claim_ending_in_a_newline_is_refused(handoff_config, claim, value, check):
    # A pattern anchored with ``$`` lets "value\n" through; every shape must match the whole value.
    assert refused(mint(now=NOW, **{claim: value}), handoff_config).check == check


def test_a_kid_or_a_whole_token_ending_in_a_newline_is_refused(handoff_config):
    assert refused(mint(now=NOW, headers={"kid": "key-1\n"}), handoff_config).check == "header"
    assert refused(mint(now=NOW) + "\n", handoff_config).check == "malformed"


@pytest.mark.parametrize(
    "token",
    ["", "abc", "a.b", "a.b.c.d.e", "a.b.c ", " a.b.c", "é.b.c", "x" * 5000, "eyJ.eyJ.sig", "....", None, b"a.b.c"],
)
def test_malformed_strings_rejected(handoff_config, token):
    assert refused(token, handoff_config).check in ("malformed", "header")


def test_not_configured_without_issuer():
    with pytest.raises(HandoffNotConfigured):
        make_config(HANDOFF_ISSUER=None)


def test_not_configured_without_any_key():
    with pytest.raises(HandoffNotConfigured):
        make_config(HANDOFF_SECRET=None)


def test_algorithms_naming_an_unconfigured_key_type_are_refused():
    with pytest.raises(HandoffNotConfigured):
        make_config(HANDOFF_ALGORITHMS="EdDSA")


def test_verify_uses_the_real_clock_by_default(handoff_config):
    assert verify(mint(now=time.time()), handoff_config).customer_id == "100001"
