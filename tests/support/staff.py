"""Support staff in tests: accounts made through the CLI, enrolled and signed in over HTTP with real
TOTP codes, support views started through the console's form, and what the staff cookie holds."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import pyotp

from tests.support.audit import audit_events
from tests.support.forms import csrf_of, csrf_token as csrf, local_path as local

STAFF_PASSWORD = "staff horse battery staple"
STAFF_COOKIE = "__Host-staff_session"
LINK = re.compile(r"http://[^\s<>\"']+/staff/enrol\?token=[A-Za-z0-9_-]+")
SECRET = re.compile(r'<code class="secret">([A-Z2-7]+)</code>')
RECOVERY = re.compile(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>")
REASON = "Customer asked why their last invoice shows two add-ons"


@dataclass
class StaffHandle:
    """A staff member the test made: what they know (password, TOTP secret, recovery codes)."""

    __test__ = False
    email: str
    password: str = STAFF_PASSWORD
    secret: str = ""
    recovery_codes: list[str] = field(default_factory=list)
    used_step: int = -1

    def code(self) -> str:
        """A code for the current 30-second step, or the next one this member has not used yet (a code
        works once). The portal allows one step of drift either way, so a step boundary passing
        between here and the server's check never fails a test."""
        totp = pyotp.TOTP(self.secret)
        step = max(int(time.time()) // 30, self.used_step + 1)
        self.used_step = step
        return totp.generate_otp(step)


def cli_create(app, email: str, role: str = "support", name: str = "") -> str:
    """``flask portal staff create``; the enrolment link it printed."""
    args = ["portal", "staff", "create", email, "--role", role] + (["--name", name] if name else [])
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    return LINK.search(result.output).group(0)


def enrol(client, link: str, staff: StaffHandle, *, password: str | None = None):
    """Open the link, read the key, choose the password and confirm a code; the final response."""
    landing = client.get(local(link))
    assert landing.status_code == 303 and landing.headers["Location"] == "/staff/enrol"
    page = client.get("/staff/enrol").get_data(as_text=True)
    staff.secret = SECRET.search(page).group(1)
    staff.used_step = -1  # a new secret: no code of it used yet
    form = {"csrf_token": csrf_of(page), "code": staff.code()}
    if 'name="password"' in page:
        form.update(password=password or staff.password, confirm=password or staff.password)
    response = client.post("/staff/enrol", data=form)
    staff.recovery_codes = RECOVERY.findall(response.get_data(as_text=True))
    return response


def sign_in(client, staff: StaffHandle, *, code: str | None = None):
    token = csrf(client, "/staff/login")
    first = client.post("/staff/login", data={"csrf_token": token, "email": staff.email, "password": staff.password})
    assert first.status_code == 303, (first.status_code, first.get_data(as_text=True)[:300])
    token = csrf(client, "/staff/login/verify")
    return client.post("/staff/login/verify", data={"csrf_token": token, "code": code or staff.code()})


def make_staff(app, email: str = "sam@support.example", role: str = "support", name: str = "Sam Support") -> StaffHandle:
    staff = StaffHandle(email=email)
    response = enrol(app.test_client(), cli_create(app, email, role, name), staff)
    assert response.status_code == 200 and len(staff.recovery_codes) == 10, response.status_code
    return staff


def signed_in_staff(app, staff: StaffHandle):
    client = app.test_client()
    response = sign_in(client, staff)
    assert response.status_code == 303 and response.headers["Location"] == "/staff/", response.status_code
    return client


def start_view(client, customer_id: str, reason: str = REASON, ticket: str = "T-1042", **kwargs):
    token = csrf(client, "/staff/")
    return client.post(f"/staff/customers/{customer_id}/view",
                       data={"csrf_token": token, "reason": reason, "ticket": ticket}, **kwargs)


def staff_cookie_values(app, client) -> dict:
    """What the staff cookie holds (signed, not encrypted: the test reads it with the app's key)."""
    from itsdangerous import URLSafeSerializer

    cookie = client.get_cookie(STAFF_COOKIE)
    assert cookie is not None, "no staff cookie"
    return URLSafeSerializer(app.secret_key, salt="staff-session").loads(cookie.value)


def audit_rows(app, prefix: str = ""):
    """The audit log's rows whose event type starts with ``prefix``, oldest first."""
    return [row for row in audit_events(app) if row.event_type.startswith(prefix)]
