"""Forms of the subscription and profile pages (Flask-WTF: each carries a CSRF token).

Only the fields declared here are read; anything else a request carries (``customer_id``, ``status``,
``price``…) is never looked at. Choices (plans, reasons, cancel options) are filled in by the view from
what Zoho and the settings offer, so a value outside them fails validation.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from services.texts import _l
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

SHORT = 100
LONG = 255
ADDON_PREFIX = "addon__"


class EmptyForm(FlaskForm):
    """A bare POST button (reactivate, accept the offer, remove): only the CSRF token."""


class SubscribeForm(FlaskForm):
    plan_code = RadioField(_l("Plan"), validators=[InputRequired(_l("Choose a plan."))], choices=[])
    payment = RadioField(_l("Payment"), validators=[InputRequired(_l("Choose how to pay."))], choices=[])


class PlanChoiceForm(FlaskForm):
    """The change-plan choice. Read from the query string for the preview (a read), and posted again
    with a CSRF token to confirm."""

    plan_code = RadioField(_l("Plan"), validators=[InputRequired(_l("Choose a plan."))], choices=[])
    quantity = IntegerField(_l("Quantity"), default=1, validators=[
        InputRequired(_l("Enter a quantity.")), NumberRange(1, 10_000, _l("Enter a quantity between 1 and 10,000."))])


def plan_choice_form(addon_codes, formdata=None, *, csrf: bool = True) -> PlanChoiceForm:
    """A PlanChoiceForm with one quantity field per add-on the offered plans allow."""

    class Form(PlanChoiceForm):
        pass

    for code in addon_codes:
        setattr(Form, ADDON_PREFIX + code, IntegerField(code, default=0, validators=[
            Optional(), NumberRange(0, 10_000, _l("Enter a quantity between 0 and 10,000."))]))
    kwargs = {} if csrf else {"meta": {"csrf": False}}
    if formdata is not None:
        kwargs["formdata"] = formdata
    return Form(**kwargs)


def addon_fields(form: PlanChoiceForm):
    return [f for f in form if f.name.startswith(ADDON_PREFIX)]


class CancelForm(FlaskForm):
    when = RadioField(_l("When should it end?"), validators=[InputRequired(_l("Choose when the subscription should end."))],
                      choices=[])
    reason = SelectField(_l("Reason"), choices=[], validate_choice=False)  # the service checks it against Zoho's list
    reason_text = TextAreaField(_l("Anything else you'd like to tell us? (optional)"),
                                validators=[Optional(), Length(max=500, message=_l("Keep it under 500 characters."))])
    offer_declined = HiddenField()  # "1" once the offer for the reason given was shown and turned down


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Name on invoices"), validators=[DataRequired(_l("Enter the name to show on invoices.")),
                                                                Length(max=SHORT)])
    company_name = StringField(_l("Company name"), validators=[Optional(), Length(max=SHORT)])
    first_name = StringField(_l("First name"), validators=[Optional(), Length(max=SHORT)])
    last_name = StringField(_l("Last name"), validators=[Optional(), Length(max=SHORT)])
    email = StringField(_l("Billing email"), validators=[DataRequired(_l("Enter the email address for invoices.")),
                                                     Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)])
    mobile = StringField(_l("Mobile"), validators=[Optional(), Length(max=50)])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=LONG)])
    tax_id = StringField(_l("Tax ID"), validators=[Optional(), Length(max=50)])


def _address_fields(prefix: str):
    return {
        f"{prefix}_attention": StringField(_l("Attention"), validators=[Optional(), Length(max=SHORT)]),
        f"{prefix}_street": StringField(_l("Street"), validators=[Optional(), Length(max=LONG)]),
        f"{prefix}_city": StringField(_l("City"), validators=[Optional(), Length(max=SHORT)]),
        f"{prefix}_state": StringField(_l("State or region"), validators=[Optional(), Length(max=SHORT)]),
        f"{prefix}_zip": StringField(_l("Postcode"), validators=[Optional(), Length(max=20)]),
        f"{prefix}_country": StringField(_l("Country"), validators=[Optional(), Length(max=SHORT)]),
    }


ADDRESS_PREFIXES = ("billing", "shipping")
for _prefix in ADDRESS_PREFIXES:
    for _name, _field in _address_fields(_prefix).items():
        setattr(ProfileForm, _name, _field)


class ContactPersonForm(FlaskForm):
    first_name = StringField(_l("First name"), validators=[Optional(), Length(max=SHORT)])
    last_name = StringField(_l("Last name"), validators=[Optional(), Length(max=SHORT)])
    email = StringField(_l("Email"), validators=[DataRequired(_l("Enter an email address.")), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)])
    mobile = StringField(_l("Mobile"), validators=[Optional(), Length(max=50)])
    designation = StringField(_l("Job title"), validators=[Optional(), Length(max=SHORT)])
    department = StringField(_l("Department"), validators=[Optional(), Length(max=SHORT)])
