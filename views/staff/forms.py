"""The staff console's forms (Flask-WTF: every one carries a CSRF token)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from services.texts import _l
from wtforms import HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from db.staff import STAFF_ROLES
from services.impersonation import REASON_MAX, TICKET_MAX
from views.auth_forms import CODE_MAX, EMAIL_MAX, PASSWORD_MAX


ROLE_CHOICES = [SelectChoice(role, role.capitalize()) for role in STAFF_ROLES]


class StaffLoginForm(FlaskForm):
    email = StringField(_l("Email address"), validators=[DataRequired(_l("Enter your email address.")), Length(max=EMAIL_MAX)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX)])
    next = HiddenField()


class StaffCodeForm(FlaskForm):
    code = StringField(_l("Code from your authenticator app, or a recovery code"),
                       validators=[DataRequired(_l("Enter a code.")), Length(max=CODE_MAX)])


class EnrolmentForm(FlaskForm):
    """The password fields are used on a first enrolment only (a two-factor reset keeps the password)."""

    password = PasswordField(_l("Password"), validators=[Optional(), Length(max=PASSWORD_MAX)])
    confirm = PasswordField(_l("Type it again"), validators=[EqualTo("password", _l("The two passwords don't match."))])
    code = StringField(_l("6-digit code from the app"), validators=[DataRequired(_l("Enter the code from your app.")),
                                                                Length(max=CODE_MAX)])


class ViewAsCustomerForm(FlaskForm):
    reason = TextAreaField(_l("Why do you need to view this account?"),
                           validators=[Length(max=REASON_MAX)])
    ticket = StringField(_l("Ticket reference (optional)"), validators=[Optional(), Length(max=TICKET_MAX)])


class InviteForm(FlaskForm):
    email = HiddenField(validators=[DataRequired(), Length(max=EMAIL_MAX)])


class NewStaffForm(FlaskForm):
    email = StringField(_l("Email address"), validators=[DataRequired(_l("Enter their email address.")),
                                                     Length(max=EMAIL_MAX)])
    display_name = StringField(_l("Name"), validators=[DataRequired(_l("Enter their name.")), Length(max=200)])
    role = SelectField(_l("Role"), choices=lambda: ROLE_CHOICES, default="support")


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=lambda: ROLE_CHOICES)
