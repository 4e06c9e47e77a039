"""The demo seed's people and objects that tests name (``zoho_sandbox/seed.py``, docs/sandbox-seed.md).

People are named by the email they sign in with; a few ids are named too, for the tests that drive
one object end to end. The seed builds the same ids on every reset.
"""
from __future__ import annotations

from dataclasses import dataclass

# The password every test account gets (long enough for the policy, not on the common list).
PASSWORD = "correct horse battery staple"

# Demo customers' primary contacts, by what each one shows.
ACME = "billing@acme.example"  # live Pro with add-ons, a coupon, a scheduled change; card 4242; 3 contact persons
MUELLER = "buchhaltung@mueller-soehne.example"  # EUR, in trial with a card; <script> in its notes
ATHINA = "athina@parthenon-design.example"  # non_renewing
OLGA = "olga@sibir-tech.example"  # cancelled 20 days ago
TOKYO = "keiri@tokyo-tech.example"  # expired + live yearly
BRIGHTSIDE = "accounts@brightside-dental.example"  # unpaid, overdue invoices; card 0002, whose collect is declined
PRIYA = "accounts@priya-consulting.example"  # INR, bank transfers, a partial payment; India GST 18 %
CAFE = "finanzen@cafe-zuerich.example"  # EUR, live Pro + priority support, card 7722, Swiss VAT 8.1 %
KOWALSKI = "owner@kowalski-bakery.example"  # dunning: the renewal's charge on card 0002 was declined
HARBOUR = "accounts@harbourlights.example"  # a working card (4444) and three open invoices
SEASIDE = "hello@seasideyoga.example"  # Business with a downgrade to Pro scheduled; GST
BOOKKEEPER = "jordan@ledgerlight.example"  # a contact person of Harbour Lights and Seaside Yoga both
NORTHWIND = "ap@northwind.example"  # credit notes; a card expiring this month
LONE_WOLF = "hello@lonewolf.example"  # live, offline, no card, one open invoice
LEDGER = "finance@bigledger.example"  # more than 200 invoices
FRESH = "hello@freshstart.example"  # trial without a card: no invoices, no payments
NEWCOMER = "hello@emptynest.example"  # not in the seed: ``SandboxAPI.add_newcomer()`` creates it

# The display names the handoff tests look customers up by.
TRIAL_NAME = "Müller & Söhne GmbH"
ACME_NAME = "Acme Studio"
INACTIVE_NAME = "Quiet Harbor Co"

# Fixed ids of the objects the payment tests drive end to end.
ACME_ID = "187955000000050008"
BRIGHTSIDE_ID = "187955000000050025"
LONE_WOLF_ID = "187955000000050036"
NORTHWIND_ID = "187955000000050033"
BRIGHTSIDE_INVOICE = "187955000000051320"  # INV-000252, 99.00 USD, collected with card 0002 (declined)
LONE_WOLF_INVOICE = "187955000000051430"  # INV-000276, 19.00 USD, open, due 17 Dec
LONE_WOLF_NEXT_INVOICE = "187955000000051501"  # INV-000289, raised when the sandbox clock moves a month on

# The sandbox's test cards (its hosted checkout's stand-ins for Zoho's).
SUCCESS_CARD = "4111 1111 1111 1111"
DECLINED_CARD = "4000 0000 0000 0002"
EXPIRING_CARD = "4000 0000 0000 0077"


@dataclass(frozen=True)
class DemoCustomer:
    email: str
    customer_id: str
    display_name: str
