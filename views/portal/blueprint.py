"""Every URL of the customer portal, in one list.

Each rule names its controller (grouped by resource in this package) and, for a rule that takes a
POST, the ``Action`` it performs: the pipeline (``views/pipeline.py``) asks the policy whether the
actor may perform it, audits it and commits once. ``back`` is where a refused action sends the
customer (the object's own page); ``recent_auth`` asks for a sign-in in the last 15 minutes before
money moves. ``prefetch`` names the cache entries a page reads (read ahead with the session check);
downloads straight from Zoho take ``upstream_budget=False`` (the page budget would cut them short).
"""
from __future__ import annotations

from services.policy import Action
from views.pipeline import Audience, PipelineBlueprint
from views.portal import (
    account, activity, cards, credit_notes, home, invoices, payments, presenters, profile, statement, subscriptions,
)

bp = PipelineBlueprint("portal", __name__, audience=Audience.CUSTOMER)
presenters.register(bp)
GET_POST = ("GET", "POST")
SUBSCRIPTION = "portal.subscription"

# Home and the statement of account
bp.add_url_rule("/", "home", home.show, prefetch=lambda billing: billing.home_keys())
bp.add_url_rule("/statement", "statement", statement.show)
bp.add_url_rule("/statement.pdf", "statement_pdf", statement.pdf, upstream_budget=False)

# Invoices
bp.add_url_rule("/invoices", "invoices", invoices.list_page)
bp.add_url_rule("/invoices/zip", "invoices_zip", invoices.zip_download, upstream_budget=False)
bp.add_url_rule("/invoices/<invoice_id>", "invoice", invoices.show)
bp.add_url_rule("/invoices/<invoice_id>/pdf", "invoice_pdf", invoices.pdf, upstream_budget=False)

# Paying invoices
bp.add_url_rule("/invoices/<invoice_id>/pay", "pay_invoice", payments.pay_invoice, methods=GET_POST,
                action=Action.PAY_INVOICE, back="portal.invoice", recent_auth=True)
bp.add_url_rule("/invoices/<invoice_id>/pay/hosted", "pay_invoice_hosted", payments.pay_on_payment_page,
                methods=("POST",), action=Action.PAY_ON_PAYMENT_PAGE, back="portal.invoice", recent_auth=True)
bp.add_url_rule("/invoices/pay-all", "pay_all", payments.pay_all, methods=GET_POST, action=Action.PAY_ALL,
                back="portal.invoices", recent_auth=True)
bp.add_url_rule("/confirm-password", "confirm_password", account.confirm_password, methods=GET_POST,
                action=Action.CONFIRM_PASSWORD)

# Payments and credit notes
bp.add_url_rule("/payments", "payments", payments.list_page)
bp.add_url_rule("/payments/<payment_id>", "payment", payments.show)
bp.add_url_rule("/payments/<payment_id>/receipt", "payment_receipt", payments.receipt)
bp.add_url_rule("/payments/<payment_id>/receipt.pdf", "payment_receipt_pdf", payments.receipt_pdf)
bp.add_url_rule("/credit-notes", "credit_notes", credit_notes.list_page)
bp.add_url_rule("/credit-notes/<creditnote_id>", "credit_note", credit_notes.show)
bp.add_url_rule("/credit-notes/<creditnote_id>/pdf", "credit_note_pdf", credit_notes.pdf, upstream_budget=False)

# Subscriptions
bp.add_url_rule("/subscriptions", "subscriptions", subscriptions.list_page)
bp.add_url_rule("/subscriptions/<subscription_id>", "subscription", subscriptions.show)
bp.add_url_rule("/subscribe", "subscribe", subscriptions.subscribe, methods=GET_POST, action=Action.SUBSCRIBE,
                back=subscriptions.page_of)
bp.add_url_rule("/subscriptions/<subscription_id>/subscribe", "subscribe", subscriptions.subscribe,
                methods=GET_POST, action=Action.SUBSCRIBE, back=subscriptions.page_of)
bp.add_url_rule("/subscribe/return", "subscribe_return", subscriptions.subscribe_return)
bp.add_url_rule("/subscriptions/<subscription_id>/change-plan", "change_plan", subscriptions.change_plan,
                methods=GET_POST, action=Action.CHANGE_PLAN, back=SUBSCRIPTION)
bp.add_url_rule("/subscriptions/<subscription_id>/scheduled-change/remove", "drop_scheduled_change",
                subscriptions.drop_scheduled_change, methods=("POST",), action=Action.DROP_SCHEDULED_CHANGE,
                back=SUBSCRIPTION)
bp.add_url_rule("/subscriptions/<subscription_id>/cancel", "cancel_subscription", subscriptions.cancel,
                methods=GET_POST, action=Action.CANCEL_NOW, back=SUBSCRIPTION)
bp.add_url_rule("/subscriptions/<subscription_id>/stay", "accept_retention_offer", subscriptions.accept_retention,
                methods=("POST",), action=Action.ACCEPT_RETENTION_OFFER, back=SUBSCRIPTION)
bp.add_url_rule("/subscriptions/<subscription_id>/keep", "keep_subscription", subscriptions.keep,
                methods=("POST",), action=Action.UNDO_CANCELLATION, back=SUBSCRIPTION)
bp.add_url_rule("/subscriptions/<subscription_id>/reactivate", "reactivate_subscription", subscriptions.reactivate,
                methods=GET_POST, action=Action.REACTIVATE, back=SUBSCRIPTION)

# Cards and the secure payment page
bp.add_url_rule("/subscriptions/<subscription_id>/card", "update_card", cards.update_card, methods=GET_POST,
                action=Action.UPDATE_CARD, back=SUBSCRIPTION)
bp.add_url_rule("/cards/add", "add_card", cards.add_card, methods=GET_POST, action=Action.ADD_CARD)
bp.add_url_rule("/hosted/return", "hosted_return", cards.returned)

# Profile: company details, addresses, contact persons
bp.add_url_rule("/profile", "profile", profile.show, methods=GET_POST, action=Action.UPDATE_PROFILE,
                back="portal.profile")
bp.add_url_rule("/profile/contacts/new", "add_contact_person", profile.add_contact, methods=GET_POST,
                action=Action.ADD_CONTACT_PERSON, back="portal.profile")
bp.add_url_rule("/profile/contacts/<contactperson_id>", "edit_contact_person", profile.edit_contact,
                methods=GET_POST, action=Action.EDIT_CONTACT_PERSON, back="portal.profile")
bp.add_url_rule("/profile/contacts/<contactperson_id>/remove", "remove_contact_person", profile.remove_contact,
                methods=GET_POST, action=Action.REMOVE_CONTACT_PERSON, back="portal.profile")
bp.add_url_rule("/profile/contacts/<contactperson_id>/invite", "invite_contact_person", profile.invite_contact,
                methods=("POST",), action=Action.INVITE_CONTACT_PERSON, back="portal.profile")

# Sign-in and security (the person's own portal account), and the account's recent activity
bp.add_url_rule("/activity", "activity", activity.show)
bp.add_url_rule("/account", "account_security", account.security)
bp.add_url_rule("/account/password", "change_password", account.change_password, methods=GET_POST,
                action=Action.CHANGE_PASSWORD, back="portal.account_security")
bp.add_url_rule("/account/2fa", "two_factor", account.two_factor_settings)
bp.add_url_rule("/account/2fa/start", "two_factor_start", account.two_factor_start, methods=("POST",),
                action=Action.MANAGE_TWO_FACTOR, back="portal.two_factor")
bp.add_url_rule("/account/2fa/confirm", "two_factor_confirm", account.two_factor_confirm, methods=("POST",),
                action=Action.MANAGE_TWO_FACTOR, back="portal.two_factor")
bp.add_url_rule("/account/2fa/disable", "two_factor_disable", account.two_factor_disable, methods=("POST",),
                action=Action.MANAGE_TWO_FACTOR, back="portal.two_factor")
bp.add_url_rule("/logout-all", "sign_out_everywhere", account.sign_out_everywhere, methods=("POST",),
                action=Action.SIGN_OUT_EVERYWHERE)
