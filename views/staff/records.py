"""The audit log for admins: filters (customer, staff member, action, dates), pages, CSV export."""
from __future__ import annotations

from datetime import date

from flask import Response, render_template, request, url_for

from services import audit, audit_log, staff as staff_accounts
from services.context import StaffContext
from views.portal.params import bad_request, page_number, pager
from services.texts import _

FILTER_KEYS = ("customer", "staff", "action", "since", "until")


def _filter() -> audit_log.AuditFilter:
    args = request.args
    staff_raw = args.get("staff", "").strip()
    if staff_raw and not staff_raw.isdigit():
        raise bad_request(_("Choose a staff member from the list."))
    return audit_log.AuditFilter(customer_id=args.get("customer", "").strip()[:64],
                                 staff_id=int(staff_raw) if staff_raw else None,
                                 event_type=args.get("action", "").strip()[:64],
                                 since=_day(args.get("since")), until=_day(args.get("until")))


def _day(raw: str | None) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise bad_request(_("Dates are written YYYY-MM-DD.")) from None


def _current_filters() -> dict[str, str]:
    return {key: request.args[key] for key in FILTER_KEYS if request.args.get(key)}


def audit_page(ctx: StaffContext):
    where = _filter()
    number = page_number(request.args)
    rows, more = audit_log.page(where, number)
    filters = _current_filters()
    paging = pager(number, more, lambda n: url_for("staff.audit", page=n, **filters))
    team = staff_accounts.everyone()
    return render_template("staff/audit.html", rows=rows, pager=paging, filters=filters,
                           event_types=audit_log.event_types(), team=team,
                           staff_names={f"staff:{member.id}": member.display_name for member in team},
                           export_url=url_for("staff.audit_csv", **filters))


def audit_csv(ctx: StaffContext):
    where = _filter()
    body = "".join(audit_log.export_csv(where))
    # Reading the log is on the log too: who took a copy, of what.
    audit.record("audit_log_exported", ctx.audit, actor=ctx.staff.audit_name,
                 details={"staff_id": ctx.staff.staff_id, **_current_filters()})
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": "attachment; filename=audit-log.csv"})
