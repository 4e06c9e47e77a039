"""Reads one customer's books through the API and checks that every derived figure agrees with the
facts it is derived from, across endpoints: invoice balances, credit-note balances, payment excess,
the customer's outstanding and unused credits, /unusedcredits and /transactions."""
from __future__ import annotations

from decimal import Decimal


def _d(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _all(api, path: str, key: str, **params) -> list[dict]:
    rows, page = [], 1
    while True:
        body = api.ok("GET", path, params={**params, "page": page, "per_page": 200})
        rows += body[key]
        if not body["page_context"]["has_more_page"]:
            return rows
        page += 1


def check_books(api, customer_id: str) -> dict:
    """Every cross-check for one customer; returns the figures it read (for further assertions)."""
    customer = api.ok("GET", f"/customers/{customer_id}")["customer"]
    invoices = [api.ok("GET", f"/invoices/{row['invoice_id']}")["invoice"]
                for row in _all(api, "/invoices", "invoices", customer_id=customer_id)]
    notes = [api.ok("GET", f"/creditnotes/{row['creditnote_id']}")["creditnote"]
             for row in _all(api, "/creditnotes", "creditnotes", customer_id=customer_id)]
    payments = _all(api, "/payments", "payments", customer_id=customer_id)
    outstanding = Decimal("0.00")
    for inv in invoices:
        paid = sum((_d(p["amount"]) for p in inv["payments"]), Decimal("0.00"))
        credited = sum((_d(c["credited_amount"]) for c in inv["credits"]), Decimal("0.00"))
        assert _d(inv["payment_made"]) == paid and _d(inv["credits_applied"]) == credited, inv["invoice_id"]
        if inv["status"] == "void":
            assert _d(inv["balance"]) == 0 and not inv["payments"] and not inv["credits"], inv["invoice_id"]
        else:
            expected = _d(inv["total"]) - paid - credited - _d(inv["write_off_amount"])
            assert _d(inv["balance"]) == expected and expected >= 0, inv["invoice_id"]
        if inv["status"] not in ("void", "draft"):
            outstanding += _d(inv["balance"])
    unused = Decimal("0.00")
    for note in notes:
        applied = sum((_d(a["amount"]) for a in note["invoices"]), Decimal("0.00"))
        refunded = sum((_d(r["amount"]) for r in note["refunds"]), Decimal("0.00"))
        if note["status"] == "void":
            assert _d(note["balance"]) == 0
        else:
            assert _d(note["balance"]) == _d(note["total"]) - applied - refunded >= 0, note["creditnote_id"]
            assert note["status"] == ("open" if _d(note["balance"]) > 0 else "closed")
        unused += _d(note["balance"])
    for payment in payments:
        applied = sum((_d(i["amount_applied"]) for i in payment["invoices"]), Decimal("0.00"))
        excess = _d(payment["unused_amount"])
        assert 0 <= excess <= _d(payment["amount"]) - applied, payment["payment_id"]
        assert _d(payment["amount_refunded"]) <= _d(payment["amount"])
        for share in payment["invoices"]:
            inv = next(i for i in invoices if i["invoice_id"] == share["invoice_id"])
            assert any(p["payment_id"] == payment["payment_id"] and _d(p["amount"]) == _d(share["amount_applied"])
                       for p in inv["payments"])
        unused += excess
    assert _d(customer["outstanding"]) == outstanding
    assert _d(customer["unused_credits"]) == unused
    assert _d(api.ok("GET", f"/customers/{customer_id}/unusedcredits")["total_unused_credits"]) == unused
    rows = _all(api, "/transactions", "transactions", customer_id=customer_id)
    by_type = {kind: {r["transaction_id"]: r for r in rows if r["type"] == kind}
               for kind in ("invoice", "payment", "creditnote", "refund")}
    assert set(by_type["invoice"]) == {i["invoice_id"] for i in invoices if i["status"] != "draft"}
    assert set(by_type["payment"]) == {p["payment_id"] for p in payments}
    assert set(by_type["creditnote"]) == {n["creditnote_id"] for n in notes}
    for inv in invoices:
        if inv["status"] != "draft":
            assert _d(by_type["invoice"][inv["invoice_id"]]["balance"]) == _d(inv["balance"])
    for payment in payments:
        assert _d(by_type["payment"][payment["payment_id"]]["balance"]) == _d(payment["unused_amount"])
    refunds = by_type["refund"]
    payment_ids = {p["payment_id"] for p in payments}
    assert sum((_d(r["amount"]) for r in refunds.values() if r["reference_id"] in payment_ids), Decimal("0.00")) == \
        sum((_d(p["amount_refunded"]) for p in payments), Decimal("0.00"))
    note_refunds = {r["refund_id"]: _d(r["amount"]) for n in notes for r in n["refunds"]}
    assert set(note_refunds) <= set(refunds)
    for refund_id, row in refunds.items():
        if row["reference_id"] not in payment_ids:
            assert note_refunds[refund_id] == _d(row["amount"])
    return {"customer": customer, "invoices": invoices, "creditnotes": notes, "payments": payments,
            "transactions": rows}
