"""Every URL of the staff console, in one list.

``staff_auth`` holds the pages for staff who are not signed in yet (sign-in, the code step,
enrolment); ``staff`` holds the console, where every rule names the ``Permission`` its role table
entry needs (``services/policy/staff.py``): the pipeline refuses anything else, and a visitor with
no staff session (a customer's session included) gets the staff sign-in page.
"""
from __future__ import annotations

from types import SimpleNamespace

from services.policy import staff as staff_policy
from services.policy.staff import Permission
from views.pipeline import Audience, PipelineBlueprint
from views.staff import auth, console, records, team
from views.staff_session import current_staff

GET_POST = ("GET", "POST")
POST = ("POST",)

staff_auth = PipelineBlueprint("staff_auth", __name__, audience=Audience.PUBLIC, url_prefix="/staff")
staff_auth.add_url_rule("/login", "login", auth.login, methods=GET_POST)
staff_auth.add_url_rule("/login/verify", "second_factor", auth.second_factor, methods=GET_POST)
staff_auth.add_url_rule("/enrol", "enrol", auth.enrol, methods=GET_POST)

bp = PipelineBlueprint("staff", __name__, audience=Audience.STAFF, url_prefix="/staff")
bp.add_url_rule("/logout", "logout", auth.logout, methods=POST, permission=Permission.SIGNED_IN)

# Customers
bp.add_url_rule("/", "home", console.home, permission=Permission.SEARCH_CUSTOMERS, strict_slashes=False)
bp.add_url_rule("/customers/<customer_id>", "customer", console.customer, permission=Permission.SEARCH_CUSTOMERS)
bp.add_url_rule("/customers/<customer_id>/invite", "invite", console.invite, methods=POST,
                permission=Permission.INVITE_PERSON)
bp.add_url_rule("/customers/<customer_id>/people/<int:user_id>/unlock", "unlock_person", console.unlock_person,
                methods=POST, permission=Permission.UNLOCK_PERSON)
bp.add_url_rule("/customers/<customer_id>/people/<int:user_id>/reset-2fa", "reset_person_two_factor",
                console.reset_person_two_factor, methods=POST, permission=Permission.RESET_PERSON_TWO_FACTOR)
bp.add_url_rule("/customers/<customer_id>/people/<int:user_id>/disable", "disable_person", console.disable_person,
                methods=POST, permission=Permission.DISABLE_PERSON)

# Support views
bp.add_url_rule("/customers/<customer_id>/view", "start_view", console.start_view, methods=POST,
                permission=Permission.VIEW_AS_CUSTOMER)
bp.add_url_rule("/view/end", "end_view", console.end_view, methods=POST, permission=Permission.SIGNED_IN)

# The record
bp.add_url_rule("/audit", "audit", records.audit_page, permission=Permission.READ_AUDIT_LOG)
bp.add_url_rule("/audit.csv", "audit_csv", records.audit_csv, permission=Permission.READ_AUDIT_LOG)

# The team
bp.add_url_rule("/team", "team", team.team, permission=Permission.MANAGE_STAFF)
bp.add_url_rule("/team/new", "create_staff", team.create, methods=POST, permission=Permission.MANAGE_STAFF)
bp.add_url_rule("/team/<int:staff_id>/disable", "disable_staff", team.disable, methods=POST,
                permission=Permission.MANAGE_STAFF)
bp.add_url_rule("/team/<int:staff_id>/reset-2fa", "reset_staff_two_factor", team.reset_two_factor, methods=POST,
                permission=Permission.MANAGE_STAFF)
bp.add_url_rule("/team/<int:staff_id>/role", "change_staff_role", team.change_role, methods=POST,
                permission=Permission.MANAGE_STAFF)


def _console_context() -> dict:
    """Who is signed in, and what their role allows (``staff_can.manage_staff`` …), for the layout."""
    staff = current_staff()
    allowed = staff_policy.permissions(staff) if staff is not None else frozenset()
    return {"staff_member": staff,
            "staff_can": SimpleNamespace(**{permission.value: permission in allowed for permission in Permission})}


staff_auth.context_processor(_console_context)
bp.context_processor(_console_context)
