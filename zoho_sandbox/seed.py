"""Seeds: ``demo`` (every state a portal must show), ``large`` (10,000 customers) and ``empty``.

The demo seed replays history instead of typing results in: each customer's story is a list of
dated actions (subscribe, change plan, cancel, pay ...) run through the same domain code the API
uses, with the store's "now" set to the action's moment and the clock's due transitions (renewals,
trial ends, dunning) processed in between. So every invoice, payment and credit note is consistent
by construction. Dates are relative to the sandbox clock's today; ids come from one counter in a
fixed order, so two builds on the same day are identical.

docs/sandbox-seed.md lists the demo customers and what each one shows.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Callable

from .clock import Clock
from .domain import billing, lifecycle, taxes
from .domain.dates import add_interval, add_months
from .domain.models import (
    Addon, Card, ContactPerson, Coupon, Customer, Invoice, InvoiceItem, InvoicePayment, Organization, Payment,
    PaymentApplication, Plan, Product, Subscription, SubscriptionItem, Tax, TaxExemption,
)
from .domain.money import ZERO, money
from .store import Emit, Store

SEED_NAMES = ("demo", "large", "empty")
ORGANIZATION_ID = "10234695"  # fixed by the issue (docs/sandbox-interfaces.md)
TIME_ZONE = "Australia/Perth"  # +0800 all year: timestamps always carry a non-zero offset
# Two demo customers are synced with Zoho CRM (GET /customers/reference/{id}): Acme Studio as a CRM
# account (accounts sync), Lone Wolf Freelance as a CRM contact (contacts-only sync).
CRM_ACCOUNT_ID = "2926914000000461001"
CRM_CONTACT_ID = "2926914000000461077"


def build_store(seed_name: str, clock: Clock, emit: Emit, base_url: str) -> Store:
    if seed_name not in SEED_NAMES:
        raise ValueError(f"unknown seed {seed_name!r}; choose one of {', '.join(SEED_NAMES)}")
    clock.set_timezone(TIME_ZONE)
    store = Store(clock, emit, base_url, _organization(clock))
    store.muted = True
    try:
        tax_ids = _catalogue(store)
        if seed_name == "demo":
            DemoHistory(store, tax_ids).build()
        elif seed_name == "large":
            build_large(store, tax_ids)
    finally:
        store.now_override = None
        store.muted = False
    return store


# ---- organization and catalogue (shared by all seeds) -------------------------------------------

def _organization(clock: Clock) -> Organization:
    today = clock.today()
    return Organization(
        organization_id=ORGANIZATION_ID,
        name="Harbourline Software Pty Ltd",
        contact_name="Grace Okafor",
        email="billing@harbourline.example",
        phone="+61 8 6555 0142",
        fax="+61 8 6555 0143",
        website="https://harbourline.example",
        address={"street_address1": "Level 9, 240 St Georges Terrace", "street_address2": "Suite 904",
                 "city": "Perth", "state": "Western Australia", "country": "Australia", "zip": "6000"},
        country="Australia",
        country_code="AU",
        time_zone=TIME_ZONE,
        time_zone_formatted="( GMT 8:00 ) Western Standard Time (Australia)(Australia/Perth)",
        currency_code="USD",
        account_created_date=add_months(today, -60),
        created_time=datetime.combine(add_months(today, -60), time(9, 0), tzinfo=clock.tz),
    )


def _moment(store: Store, day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=store.clock.tz)


# The tax catalogue: (key, tax_name, percentage, authority). India's GST is one 18 % tax here; Zoho India
# splits an intra-state sale into a CGST 9 % + SGST 9 % tax group, which the sandbox does not model.
TAXES = (
    ("de_vat", "Germany VAT", "19", "Bundeszentralamt für Steuern"),
    ("gr_vat", "Greece VAT", "24", "Independent Authority for Public Revenue"),
    ("ch_vat", "Switzerland VAT", "8.1", "Swiss Federal Tax Administration"),
    ("in_gst", "India GST", "18", "Central Board of Indirect Taxes and Customs"),
    ("au_gst", "Australia GST", "10", "Australian Taxation Office"),
)
HOME_TAX = "au_gst"  # the organization's own (Australian) tax: the plans' and addons' default


def _tax_catalogue(store: Store) -> dict[str, str]:
    """Taxes and the one customer exemption, ids from the tax range; returns key -> tax_id."""
    ids: dict[str, str] = {}
    authorities: dict[str, str] = {}
    for key, name, percentage, authority in TAXES:
        authority_id = authorities.setdefault(authority, store.new_tax_id())
        tax = Tax(store.new_tax_id(), name, Decimal(percentage), authority_id, authority,
                  is_default_tax=key == HOME_TAX)
        store.taxes[tax.tax_id] = tax
        ids[key] = tax.tax_id
    exemption = TaxExemption(store.new_tax_id(), "GST FREE", "Customer not charged GST (exempt supply)")
    store.tax_exemptions[exemption.tax_exemption_id] = exemption
    ids["gst_free"] = exemption.tax_exemption_id
    return ids


def _catalogue(store: Store) -> dict[str, str]:
    """Products, plans, addons, coupons, taxes and settings; returns the tax catalogue's ids by key."""
    today = store.clock.today()
    tax_ids = _tax_catalogue(store)
    home_tax = tax_ids[HOME_TAX]
    created = _moment(store, add_months(today, -59), 10, 15)
    cloud = Product(store.new_id(), "Harbourline Cloud", "Hosted project workspaces for teams", "active",
                    "billing@harbourline.example", "https://harbourline.example/welcome", created, created)
    insights = Product(store.new_id(), "Harbourline Insights", "Reporting and analytics add-on product", "active",
                       "billing@harbourline.example", "", created, created)
    store.products[cloud.product_id] = cloud
    store.products[insights.product_id] = insights

    def plan(code, name, description, product, usd, eur, inr, interval=1, unit="months", trial=0,
             setup_fee="0", status="active", plan_unit="", addons=()):
        p = Plan(code, name, description, product.product_id, money(usd), interval, unit, status=status,
                 unit=plan_unit, trial_period=trial, setup_fee=money(setup_fee), addon_codes=list(addons),
                 prices={"USD": money(usd), "EUR": money(eur), "INR": money(inr)},
                 store_markup_description=description, created_time=created, updated_time=created,
                 tax_id=home_tax if status == "active" else "")
        store.plans[code] = p

    cloud_addons = ("extra-storage", "priority-support", "onboarding")
    plan("starter-monthly", "Starter", "Up to 3 projects, email support", cloud, "19", "18", "1499", trial=14,
         addons=cloud_addons)
    plan("pro-monthly", "Pro", "Unlimited projects, 100 GB storage", cloud, "49", "45", "3999", trial=14,
         addons=cloud_addons)
    plan("pro-yearly", "Pro (yearly)", "Pro billed yearly: two months free", cloud, "490", "450", "39990",
         unit="years", addons=cloud_addons)
    plan("business-monthly", "Business", "SSO, audit log, 1 TB storage", cloud, "99", "92", "7999",
         setup_fee="49", addons=cloud_addons)
    plan("team-seat-monthly", "Team seats", "Per-seat pricing for larger teams", cloud, "12", "11", "999",
         plan_unit="seat", addons=cloud_addons)
    plan("usage-weekly", "Usage (weekly)", "Metered compute billed every week", cloud, "25", "23", "1999",
         unit="weeks")
    plan("insights-monthly", "Insights", "Dashboards and scheduled reports", insights, "29", "27", "2399")
    plan("legacy-basic", "Legacy Basic", "Retired plan kept for old subscriptions", cloud, "9", "9", "699",
         status="inactive")

    def addon(code, name, description, usd, eur, inr, kind="recurring", unit_name="unit"):
        a = Addon(code, name, description, cloud.product_id, money(usd), kind, unit_name,
                  interval_unit="monthly", prices={"USD": money(usd), "EUR": money(eur), "INR": money(inr)},
                  created_time=created, updated_time=created, tax_id=home_tax)
        store.addons[code] = a

    addon("extra-storage", "Extra storage", "50 GB of additional storage", "5", "5", "399", unit_name="50 GB")
    addon("priority-support", "Priority support", "4-hour response time", "29", "27", "2399", unit_name="month")
    addon("onboarding", "Onboarding session", "One 90-minute onboarding call", "199", "185", "15999",
          kind="one_time", unit_name="session")

    def coupon(code, name, kind, duration, by, value, status="active", expiry=None):
        store.coupons[code] = Coupon(code, name, name, cloud.product_id, kind, duration, by, money(value),
                                     status=status, max_redemption=1000, expiry_at=expiry,
                                     created_time=created, updated_time=created)

    coupon("WELCOME10", "Welcome 10% for three months", "duration", 3, "percentage", "10")
    coupon("FLAT5", "5 off every month", "forever", 0, "flat", "5")
    # Expired by its date: a coupon's status is derived from expiry_at and redemptions.
    coupon("LAUNCH50", "Launch week 50% off", "one_time", 1, "percentage", "50", expiry=add_months(today, -24))

    store.customer_custom_fields = [
        {"index": 1, "label": "VAT ID", "data_type": "string"},
        {"index": 2, "label": "Account manager", "data_type": "string"},
    ]
    store.churn_messages = {
        "is_advanced_version": True,
        "is_reason_mandatory": False,
        "churn_messages": [
            {"churn_message_id": store.new_id(), "label": "It's too expensive", "index": 0},
            {"churn_message_id": store.new_id(), "label": "I don't use it enough", "index": 1},
            {"churn_message_id": store.new_id(), "label": "Missing features I need", "index": 2},
            {"churn_message_id": store.new_id(), "label": "Switching to another product", "index": 3},
            {"churn_message_id": store.new_id(), "label": "Other", "index": 4},
        ],
    }
    return tax_ids


# ---- building blocks the seeds share ---------------------------------------------------------------

def new_customer(store: Store, display_name: str, email: str, currency: str, created: datetime, **fields) -> Customer:
    customer = Customer(customer_id=store.new_id(), display_name=display_name, email=email, currency_code=currency,
                        created_time=created, updated_time=created, **fields)
    store.add_customer(customer)
    if customer.first_name or customer.last_name:
        person = new_contact(store, customer, customer.first_name, customer.last_name, email, created,
                             phone=customer.phone)
        person.is_primary_contact = True
        customer.primary_contactperson_id = person.contactperson_id
    return customer


def new_contact(store: Store, customer: Customer, first: str, last: str, email: str, created: datetime,
                **fields) -> ContactPerson:
    return store.add_contact_person(ContactPerson(store.new_id(), customer.customer_id, first, last, email,
                                                  created, created, **fields))


def new_card(store: Store, customer: Customer, last_four: str, month: int, year: int, created: datetime,
             gateway: str = "test_gateway") -> Card:
    first, _, last = (customer.first_name + " " + customer.last_name).strip().partition(" ")
    return store.add_card(Card(store.new_id(), customer.customer_id, first or customer.display_name, last,
                               last_four, month, year, gateway, created, created,
                               street=customer.billing_address.get("street", ""),
                               city=customer.billing_address.get("city", ""),
                               state=customer.billing_address.get("state", ""),
                               zip=customer.billing_address.get("zip", ""),
                               country=customer.billing_address.get("country", "")))


def address(street: str, city: str, state: str, zip_code: str, country: str, attention: str = "") -> dict:
    return {"attention": attention, "street": street, "city": city, "state": state, "state_code": state[:3].upper(),
            "zip": zip_code, "country": country, "fax": ""}


@dataclass(order=True)
class Action:
    day: date
    order: int
    run: Callable[[], None]


class DemoHistory:
    """The demo organization's story, one customer at a time, replayed in date order."""

    def __init__(self, store: Store, tax_ids: dict[str, str]) -> None:
        self.store = store
        self.tax_ids = tax_ids
        self.today = store.clock.today()
        self.actions: list[Action] = []

    def at(self, day: date, run: Callable[[], None]) -> None:
        self.actions.append(Action(day, len(self.actions), run))

    def days_ago(self, n: int) -> date:
        return self.today - timedelta(days=n)

    def months_ago(self, n: int, extra_days: int = 0) -> date:
        return add_months(self.today, -n) - timedelta(days=extra_days)

    def _replay_until(self, day: date) -> None:
        store = self.store
        while True:
            head = store.next_due_day()
            if head is None or head > day:
                return
            store.now_override = _moment(store, head, 3, 0)
            lifecycle.run_due(store)

    def build(self) -> None:
        self._story()
        store = self.store
        for action in sorted(self.actions):
            self._replay_until(action.day)
            store.now_override = _moment(store, action.day, 10, 30) + timedelta(minutes=action.order % 50)
            with store.transaction():
                action.run()
        self._replay_until(self.today)

    # -- helpers used by the story --

    def customer(self, created: date, display_name: str, email: str, currency: str, **fields) -> Customer:
        return new_customer(self.store, display_name, email, currency, _moment(self.store, created, 8, 45), **fields)

    def subscribe(self, customer: Customer, body: dict, holder: dict, key: str = "sub") -> None:
        sub, _ = lifecycle.create(self.store, customer, body)
        holder[key] = sub

    def _story(self) -> None:
        s = self.store
        t = self.today
        h: dict = {}
        tax = self.tax_ids

        # 1. Acme Studio - live Pro with addons and a coupon, card on file, three contact persons,
        #    portal enabled, a scheduled end-of-term upgrade.
        acme = self.customer(self.months_ago(8, 10), "Acme Studio", "billing@acme.example", "USD",
                             salutation="Ms.", first_name="Dana", last_name="Whitfield", company_name="Acme Studio LLC",
                             phone="+1 503 555 0100", mobile="+1 503 555 0199", website="https://acme.example",
                             is_portal_enabled=True,
                             billing_address=address("12 Harbour Rd", "Portland", "Oregon", "97201", "U.S.A", "Accounts"),
                             shipping_address=address("12 Harbour Rd", "Portland", "Oregon", "97201", "U.S.A"),
                             custom_fields=[{"index": 1, "label": "VAT ID", "value": "US-99-1234567", "data_type": "string"}],
                             notes="Key account. Prefers invoices by email.",
                             zcrm_account_id=CRM_ACCOUNT_ID)
        created = acme.created_time
        new_contact(s, acme, "Marcus", "Lee", "marcus.lee@acme.example", created, phone="+1 503 555 0101",
                    designation="Finance lead", department="Finance")
        new_contact(s, acme, "Priyanka", "Rao", "priyanka@acme.example", created, mobile="+1 503 555 0177",
                    designation="CTO", department="Engineering")
        acme_card = new_card(s, acme, "4242", 8, t.year + 2, created)
        self.at(self.months_ago(8, 10), lambda: self.subscribe(acme, {
            "plan": {"plan_code": "pro-monthly", "exclude_trial": True},
            "addons": [{"addon_code": "extra-storage", "quantity": 2}, {"addon_code": "onboarding"}],
            "coupon_code": "WELCOME10", "card_id": acme_card.card_id, "reference_id": "ACME-2024",
            "contactpersons": [{"contactperson_id": acme.primary_contactperson_id}]}, h, "acme"))
        self.at(self.days_ago(3), lambda: lifecycle.update(s, h["acme"], {
            "plan": {"plan_code": "business-monthly"}, "end_of_term": True}))
        self.at(self.days_ago(2), lambda: lifecycle.add_note(s, h["acme"], "Asked about SSO; upgrading next term.",
                                                             "Grace Okafor"))

        # 2. Müller & Söhne GmbH - EUR, in trial with days left and a card; HTML in the notes; German VAT.
        mueller = self.customer(self.days_ago(5), "Müller & Söhne GmbH", "buchhaltung@mueller-soehne.example", "EUR",
                                first_name="Jürgen", last_name="Müller", company_name="Müller & Söhne GmbH",
                                phone="+49 30 5555 0123",
                                billing_address=address("Königstraße 7", "Berlin", "Berlin", "10178", "Germany"),
                                notes='<script>alert(1)</script> <b>bold</b> & "quotes" — Grüße',
                                tax_fields={"is_taxable": True, "tax_id": tax["de_vat"], "vat_reg_no": "DE999999999"})
        mueller_card = new_card(s, mueller, "1881", 11, t.year + 3, mueller.created_time)
        self.at(self.days_ago(5), lambda: self.subscribe(mueller, {
            "plan": {"plan_code": "pro-monthly"}, "card_id": mueller_card.card_id}, h, "mueller"))
        self.at(self.days_ago(4), lambda: lifecycle.add_note(
            s, h["mueller"], '<script>alert(1)</script> Customer wrote: "<img src=x onerror=alert(2)>"', "Support"))

        # 3. Αθηνά Παπαδοπούλου - EUR, non_renewing (cancel at term end scheduled); Greek VAT.
        athina = self.customer(self.months_ago(4, 10), "Αθηνά Παπαδοπούλου", "athina@parthenon-design.example", "EUR",
                               first_name="Αθηνά", last_name="Παπαδοπούλου", company_name="Parthenon Design", language_code="el",
                               billing_address=address("Ερμού 25", "Αθήνα", "Attica", "105 63", "Greece"),
                               tax_fields={"is_taxable": True, "tax_id": tax["gr_vat"], "vat_reg_no": "EL999999999"})
        athina_card = new_card(s, athina, "5100", 4, t.year + 1, athina.created_time, gateway="stripe")
        self.at(self.months_ago(4, 10), lambda: self.subscribe(athina, {
            "plan": {"plan_code": "starter-monthly", "exclude_trial": True}, "card_id": athina_card.card_id}, h, "athina"))
        self.at(self.days_ago(6), lambda: lifecycle.cancel(s, h["athina"], at_end=True, reason="Too expensive"))

        # 4. Ольга Иванова - cancelled (immediately) last month; card kept.
        olga = self.customer(self.months_ago(6, 2), "Ольга Иванова", "olga@sibir-tech.example", "USD",
                             first_name="Ольга", last_name="Иванова", company_name="Сибирь Тех", language_code="ru",
                             billing_address=address("ул. Ленина, 10", "Новосибирск", "Novosibirsk", "630004", "Russia"))
        olga_card = new_card(s, olga, "3005", 9, t.year + 1, olga.created_time)
        self.at(self.months_ago(6, 2), lambda: self.subscribe(olga, {
            "plan": {"plan_code": "pro-monthly", "exclude_trial": True}, "card_id": olga_card.card_id}, h, "olga"))
        self.at(self.days_ago(20), lambda: lifecycle.cancel(s, h["olga"], at_end=False, reason="Switching"))

        # 5. 東京テック株式会社 - expired (a fixed number of billing cycles ran out) and a live yearly plan.
        tokyo = self.customer(self.months_ago(7, 1), "東京テック株式会社", "keiri@tokyo-tech.example", "USD",
                              first_name="健太", last_name="佐藤", company_name="東京テック株式会社", language_code="ja",
                              billing_address=address("千代田区丸の内1-1", "東京", "Tokyo", "100-0005", "Japan"))
        tokyo_card = new_card(s, tokyo, "1111", 2, t.year + 4, tokyo.created_time, gateway="stripe")
        self.at(self.months_ago(7, 1), lambda: self.subscribe(tokyo, {
            "plan": {"plan_code": "insights-monthly", "billing_cycles": 3}, "card_id": tokyo_card.card_id}, h, "tokyo1"))
        self.at(self.months_ago(2, 5), lambda: self.subscribe(tokyo, {
            "plan": {"plan_code": "pro-yearly"}, "card_id": tokyo_card.card_id}, h, "tokyo2"))

        # 6. Brightside Dental - unpaid: its card (ending 0002) was declined at renewal; overdue invoices.
        bright = self.customer(self.months_ago(5, 4), "Brightside Dental", "accounts@brightside-dental.example", "USD",
                               first_name="Tom", last_name="Becker", phone="+1 415 555 0134",
                               billing_address=address("88 Market St", "San Francisco", "California", "94103", "U.S.A"))
        bright_card = new_card(s, bright, "4444", 12, t.year + 1, bright.created_time)
        self.at(self.months_ago(5, 4), lambda: self.subscribe(bright, {
            "plan": {"plan_code": "business-monthly"}, "card_id": bright_card.card_id}, h, "bright"))

        def bright_card_change() -> None:
            bright_card.status = "deleted"
            declined = new_card(s, bright, "0002", 10, t.year + 2, s.now())
            h["bright"].card_id = declined.card_id

        self.at(self.months_ago(2, 10), bright_card_change)

        # 7. Kowalski Bakery - dunning: the renewal two days ago was declined, retries pending.
        kowalski = self.customer(self.months_ago(3, 2), "Kowalski Bakery", "owner@kowalski-bakery.example", "USD",
                                 first_name="Anna", last_name="Kowalski",
                                 billing_address=address("5 Mill Lane", "Chicago", "Illinois", "60601", "U.S.A"))
        kowalski_card = new_card(s, kowalski, "6006", 6, t.year + 1, kowalski.created_time)
        self.at(self.months_ago(3, 2), lambda: self.subscribe(kowalski, {
            "plan": {"plan_code": "starter-monthly", "exclude_trial": True}, "card_id": kowalski_card.card_id}, h, "kowalski"))

        def kowalski_declines() -> None:
            kowalski_card.status = "deleted"
            h["kowalski"].card_id = new_card(s, kowalski, "0002", 3, t.year + 2, s.now()).card_id

        self.at(self.days_ago(5), kowalski_declines)

        # 8. Priya Sharma Consulting - INR, offline (bank transfer), two subscriptions, a partial payment; GST 18 %.
        priya = self.customer(self.months_ago(3, 12), "Priya Sharma Consulting", "accounts@priya-consulting.example", "INR",
                              first_name="Priya", last_name="Sharma", payment_terms=15, payment_terms_label="Net 15",
                              phone="+91 22 5555 0188",
                              billing_address=address("14 Marine Drive", "Mumbai", "Maharashtra", "400020", "India"),
                              tax_fields={"gst_no": "27AAPFU0939F1ZV", "gst_treatment": "business_gst",
                                          "place_of_contact": "MH", "is_taxable": True, "tax_id": tax["in_gst"]})
        self.at(self.months_ago(3, 12), lambda: self.subscribe(priya, {
            "plan": {"plan_code": "team-seat-monthly", "quantity": 5}, "auto_collect": False}, h, "priya1"))
        self.at(self.months_ago(1, 20), lambda: self.subscribe(priya, {
            "plan": {"plan_code": "insights-monthly"}, "auto_collect": False}, h, "priya2"))

        def priya_pays() -> None:
            # Paid the older invoices in full by bank transfer; the newest one only in part.
            open_invoices = [i for i in s.customer_objects(priya.customer_id, "invoices", s.invoices) if i.balance > 0]
            for inv in open_invoices[:-1]:
                billing.record_payment(s, priya, inv.balance, [inv], mode="banktransfer",
                                       reference_number=f"NEFT-{inv.number[-4:]}")
            newest = open_invoices[-1]
            billing.record_payment(s, priya, money(newest.balance / 2), [newest], mode="banktransfer",
                                   reference_number="NEFT-PART")

        self.at(self.days_ago(2), priya_pays)

        # 9. Northwind Traders - credit notes: one fully applied (upgrade), one with balance (downgrade);
        #    the card on file expires this month.
        north = self.customer(self.months_ago(4, 6), "Northwind Traders", "ap@northwind.example", "USD",
                              first_name="Nancy", last_name="Davolio", company_name="Northwind Traders Inc.",
                              billing_address=address("1 Commerce Way", "Seattle", "Washington", "98101", "U.S.A"),
                              shipping_address=address("Dock 4, 1 Commerce Way", "Seattle", "Washington", "98101", "U.S.A"))
        north_card = new_card(s, north, "9424", t.month, t.year, north.created_time)
        self.at(self.months_ago(4, 6), lambda: self.subscribe(north, {
            "plan": {"plan_code": "pro-monthly", "exclude_trial": True}, "card_id": north_card.card_id}, h, "north"))
        self.at(self.months_ago(2, 20), lambda: lifecycle.update(s, h["north"], {"plan": {"plan_code": "business-monthly"}}))
        self.at(self.days_ago(1), lambda: lifecycle.update(s, h["north"], {"plan": {"plan_code": "starter-monthly"}}))

        # 10. Lone Wolf Freelance - no card at all, offline subscription, an open invoice not yet due. In
        #     Australia, so the plans' GST would apply: exempt (GST FREE), the demo's untaxed domestic customer.
        wolf = self.customer(self.days_ago(40), "Lone Wolf Freelance", "hello@lonewolf.example", "USD",
                             first_name="Sam", last_name="Okoro", payment_terms=30, payment_terms_label="Net 30",
                             billing_address=address("3/17 Beaufort St", "Perth", "Western Australia", "6000", "Australia"),
                             tax_fields={"is_taxable": False, "tax_exemption_id": tax["gst_free"],
                                         "tax_exemption_code": "GST FREE"},
                             zcrm_contact_id=CRM_CONTACT_ID)
        self.at(self.days_ago(40), lambda: self.subscribe(wolf, {
            "plan": {"plan_code": "starter-monthly", "exclude_trial": True}, "auto_collect": False}, h, "wolf"))

        def wolf_pays_first_by_check() -> None:
            first = s.invoices[h["wolf"].child_invoice_id]
            billing.record_payment(s, wolf, first.balance, [first], mode="check", reference_number="CHK-1042")

        self.at(self.days_ago(15), wolf_pays_first_by_check)

        # 11. Big Ledger Corp - weekly usage plan for four and a half years: more than 200 invoices.
        ledger = self.customer(self.today - timedelta(weeks=232), "Big Ledger Corp", "finance@bigledger.example", "USD",
                               first_name="Ruth", last_name="Adeyemi", company_name="Big Ledger Corporation",
                               billing_address=address("500 Fifth Ave", "New York", "New York", "10110", "U.S.A"))
        ledger_card = new_card(s, ledger, "5454", 1, t.year + 5, ledger.created_time)
        self.at(self.today - timedelta(weeks=232), lambda: self.subscribe(ledger, {
            "plan": {"plan_code": "usage-weekly"}, "card_id": ledger_card.card_id}, h, "ledger"))

        # 12. Fresh Start Bakery - trial without a card (will become trial_expired when the trial ends).
        fresh = self.customer(self.days_ago(9), "Fresh Start Bakery", "hello@freshstart.example", "USD",
                              first_name="Lena", last_name="Moreau")
        self.at(self.days_ago(9), lambda: self.subscribe(fresh, {
            "plan": {"plan_code": "starter-monthly"}, "auto_collect": True}, h, "fresh"))

        # 13. Quiet Harbor Co - inactive customer without subscriptions.
        self.customer(self.months_ago(12), "Quiet Harbor Co", "info@quietharbor.example", "USD", status="inactive",
                      first_name="Ivy", last_name="Chen")

        # 14. Café Zürich AG - EUR, trial that already converted to live with a card (trial history); Swiss VAT.
        cafe = self.customer(self.days_ago(30), "Café Zürich AG", "finanzen@cafe-zuerich.example", "EUR",
                             first_name="Lukas", last_name="Brunner", language_code="de",
                             billing_address=address("Bahnhofstrasse 1", "Zürich", "Zürich", "8001", "Switzerland"),
                             tax_fields={"is_taxable": True, "tax_id": tax["ch_vat"], "vat_reg_no": "CHE-999.999.999 MWST"})
        cafe_card = new_card(s, cafe, "7722", 5, t.year + 2, cafe.created_time)
        self.at(self.days_ago(30), lambda: self.subscribe(cafe, {
            "plan": {"plan_code": "pro-monthly"}, "card_id": cafe_card.card_id,
            "addons": [{"addon_code": "priority-support"}]}, h, "cafe"))

        # 15-17 came later: made today, after everything else, with ids and numbers of their own
        # (Store.numbered_apart), so that no earlier id, invoice number or test expectation moves.
        self.at(self.today, self._later_customers)

    def _later_customers(self) -> None:
        s = self.store
        with s.numbered_apart():
            # 15. Harbour Lights Café - a working card and three open invoices raised by hand (one
            #     overdue): pay one, or pay them all, with the card on file.
            lights = self.customer(self.days_ago(70), "Harbour Lights Café", "accounts@harbourlights.example", "USD",
                                   first_name="Mei", last_name="Tanaka", company_name="Harbour Lights Café",
                                   payment_terms=30, payment_terms_label="Net 30",
                                   billing_address=address("2 Quay Street", "Auckland", "Auckland", "1010",
                                                           "New Zealand"))
            lights_card = new_card(s, lights, "4444", 9, self.today.year + 3, lights.created_time)
            self.subscribe(lights, {"plan": {"plan_code": "starter-monthly", "exclude_trial": True},
                                    "card_id": lights_card.card_id}, {}, "lights")
            for days, name, price in ((45, "Espresso machine service visit", "45"),
                                      (20, "Barista training workshop (2 people)", "120"),
                                      (6, "Menu board design", "80")):
                invoice = billing.create_invoice(
                    s, lights, [billing.new_item(s, "", name, name, Decimal(price), Decimal(1))], "invoice",
                    invoice_date=self.days_ago(days))
                billing.apply_open_credits(s, invoice)

            # 16. Seaside Yoga Studio - live Business with a downgrade to Starter scheduled for the end of
            #     its term (the overview and the subscription page show it; "Keep my current plan" undoes it).
            yoga = self.customer(self.days_ago(12), "Seaside Yoga Studio", "hello@seasideyoga.example", "USD",
                                 first_name="Ana", last_name="Costa", company_name="Seaside Yoga Studio",
                                 billing_address=address("9 Beach Road", "Cottesloe", "Western Australia", "6011",
                                                         "Australia"),
                                 tax_fields={"is_taxable": True})
            yoga_card = new_card(s, yoga, "4005", 6, self.today.year + 2, yoga.created_time)
            holder: dict = {}
            self.subscribe(yoga, {"plan": {"plan_code": "business-monthly", "exclude_trial": True},
                                  "card_id": yoga_card.card_id}, holder, "yoga")
            lifecycle.update(s, holder["yoga"], {"plan": {"plan_code": "starter-monthly"}, "end_of_term": True})

            # 17. Jordan Blake, the bookkeeper of both: one email address, a contact person of each
            #     customer; the demo's sign-in opens either, picked after signing in.
            for customer in (lights, yoga):
                new_contact(s, customer, "Jordan", "Blake", "jordan@ledgerlight.example", customer.created_time,
                            designation="Bookkeeper", department="Finance")


# ---- large: 10,000 customers for benchmarks ---------------------------------------------------------

LARGE_CUSTOMERS = 10_000
FIRST_NAMES = ("Ava", "Ben", "Chloé", "Dmitri", "Emma", "Farid", "Greta", "Hiro", "Isla", "Jonas", "Kavya", "Liam",
               "Mia", "Noah", "Olga", "Pedro", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera", "Wei", "Yara", "Zoë")
LAST_NAMES = ("Smith", "Müller", "García", "Rossi", "Kowalski", "Nguyen", "Tanaka", "Okafor", "Silva", "Dubois",
              "Novak", "Andersen", "Haddad", "Kim", "Patel", "O'Brien", "Schmidt", "Costa", "Ivanova", "Lee")
COMPANY_WORDS = ("Labs", "Studio", "Systems", "Partners", "Works", "Digital", "Analytics", "Logistics", "Foods", "Health")


# Large seed: customers in these currencies are registered for the tax (every other one, by number, so
# the random stream - and with it every other fact of the seed - is the same as without taxes).
LARGE_TAX_BY_CURRENCY = {"EUR": "de_vat", "INR": "in_gst"}


def build_large(store: Store, tax_ids: dict[str, str]) -> None:
    """10,000 customers with one or two subscriptions and their invoices and card payments.

    Built directly (not replayed through the domain) so it takes about a second: the objects are
    the same dataclasses, written consistently - every paid invoice has its payment, open ones have
    none - and each subscription's next term end is on the timeline like any other.
    """
    rng = random.Random(20071984)
    today = store.clock.today()
    plan_codes = ("starter-monthly", "pro-monthly", "business-monthly", "team-seat-monthly", "insights-monthly",
                  "pro-yearly")
    plans = [store.plans[c] for c in plan_codes]
    for n in range(LARGE_CUSTOMERS):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        company = f"{last} {rng.choice(COMPANY_WORDS)} {n:05d}"
        currency = rng.choices(("USD", "EUR", "INR", "GBP"), (70, 18, 8, 4))[0]
        start = today - timedelta(days=rng.randint(1, 400))
        created = _moment(store, start, 8, rng.randint(0, 59))
        customer = Customer(customer_id=store.new_id(), display_name=company, email=f"billing{n:05d}@{last.lower().replace(chr(39), '')}-{n:05d}.example",
                            currency_code=currency, created_time=created, updated_time=created,
                            first_name=first, last_name=last, company_name=company,
                            billing_address=address(f"{rng.randint(1, 400)} Main St", "Springfield", "State", f"{rng.randint(10000, 99999)}", "U.S.A"))
        if currency in LARGE_TAX_BY_CURRENCY and n % 2 == 0:
            customer.tax_fields = {"is_taxable": True, "tax_id": tax_ids[LARGE_TAX_BY_CURRENCY[currency]]}
        store.add_customer(customer)
        has_card = rng.random() < 0.85
        card = new_card(store, customer, f"{rng.randint(1000, 9999)}", rng.randint(1, 12), today.year + rng.randint(0, 4),
                        created) if has_card else None
        for extra in range(1 if rng.random() < 0.8 else 2):
            plan = rng.choice(plans)
            _large_subscription(store, rng, customer, plan, start + timedelta(days=extra * 17), card, today)


def _large_subscription(store: Store, rng: random.Random, customer: Customer, plan: Plan, start: date,
                        card: Card | None, today: date) -> None:
    from .domain import pricing

    if start > today:
        start = today
    price = pricing.plan_price(plan, customer.currency_code)
    quantity = Decimal(rng.randint(2, 12)) if plan.unit == "seat" else Decimal(1)
    created = _moment(store, start, 9, 0)
    sub = Subscription(subscription_id=store.new_id(), customer_id=customer.customer_id, product_id=plan.product_id,
                       plan=SubscriptionItem(plan.plan_code, plan.name, plan.description, price, quantity),
                       addons=[], status="live", interval=plan.interval, interval_unit=plan.interval_unit,
                       currency_code=customer.currency_code, created_at=start, created_time=created,
                       updated_time=created, activated_at=start, auto_collect=card is not None,
                       card_id=card.card_id if card else "")
    store.add_subscription(sub)
    tax = taxes.line_tax_for(store, customer, plan.plan_code)  # the same for every term of this subscription
    fate = rng.random()
    term_start = start
    while True:
        term_end = add_interval(term_start, sub.interval, sub.interval_unit)
        paid = card is not None or term_end <= today - timedelta(days=20) or rng.random() < 0.5
        _large_invoice(store, customer, sub, term_start, term_end, card, paid, tax)
        if term_end > today:
            break
        term_start = term_end
    sub.current_term_starts_at, sub.current_term_ends_at = term_start, term_end
    sub.last_billing_at, sub.next_billing_at = term_start, term_end
    if fate < 0.10:
        sub.status, sub.cancelled_at, sub.next_billing_at = "cancelled", term_start, None
        return
    if fate < 0.15:
        sub.status = "non_renewing"
    store.schedule(term_end, "term", sub.subscription_id)


def _large_invoice(store: Store, customer: Customer, sub: Subscription, start: date, end: date, card: Card | None,
                   paid: bool, tax: Tax | None) -> None:
    moment = _moment(store, start, 3, 0)
    item = InvoiceItem(store.new_id(), sub.plan.code, sub.plan.name,
                       f"Charges for this duration (from {start:%d-%b-%Y} to {(end - timedelta(days=1)):%d-%b-%Y})",
                       sub.plan.price, sub.plan.quantity, ZERO, sub.product_id,
                       tax_id=tax.tax_id if tax else "", tax_name=tax.tax_name if tax else "",
                       tax_percentage=tax.tax_percentage if tax else ZERO)
    inv = Invoice(store.new_id(), store.next_invoice_number(), customer.customer_id, start, start, customer.currency_code,
                  "renewal" if sub.child_invoice_id else "new", [item], moment, moment,
                  subscription_id=sub.subscription_id)
    sub.child_invoice_id = sub.child_invoice_id or inv.invoice_id
    store.add_invoice(inv)
    if not paid:
        return
    payment_id, share_id = store.new_id(), store.new_id()
    amount = item.item_total + item.tax_amount  # the invoice's total, without summing its one line again
    inv.payments.append(InvoicePayment(share_id, payment_id, amount))
    store.add_payment(Payment(payment_id, customer.customer_id, "autotransaction" if card else "banktransfer", amount,
                              start, customer.currency_code, inv.number, f"Payment has been made for the invoice {inv.number}",
                              [PaymentApplication(inv.invoice_id, share_id, amount)], moment, moment,
                              card_id=card.card_id if card else "", payment_gateway=card.payment_gateway if card else "",
                              gateway_transaction_id=f"LG{payment_id[-10:]}" if card else "",
                              autotransaction_id=store.new_id() if card else ""))
