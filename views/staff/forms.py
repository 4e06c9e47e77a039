"""The staff console's forms (Flask-WTF: every one carries a CSRF token)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from db.staff import STAFF_ROLES
from services.impersonation import REASON_MAX, TICKET_MAX
from views.auth_forms import CODE_MAX, EMAIL_MAX, PASSWORD_MAX


ROLE_CHOICES = [SelectChoice(role, role.capitalize()) for role in STAFF_ROLES]


class StaffLoginForm(FlaskForm):
    email = StringField("Email address", validators=[DataRequired("Enter your email address."), Length(max=EMAIL_MAX)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=PASSWORD_MAX)])
    next = HiddenField()


class StaffCodeForm(FlaskForm):
    code = StringField("Code from your authenticator app, or a recovery code",
                       validators=[DataRequired("Enter a code."), Length(max=CODE_MAX)])


class EnrolmentForm(FlaskForm):
    """The password fields are used on a first enrolment only (a two-factor reset keeps the password)."""

    password = PasswordField("Password", validators=[Optional(), Length(max=PASSWORD_MAX)])
    confirm = PasswordField("Type it again", validators=[EqualTo("password", "The two passwords don't match.")])
    code = StringField("6-digit code from the app", validators=[DataRequired("Enter the code from your app."),
                                                                Length(max=CODE_MAX)])


class ViewAsCustomerForm(FlaskForm):
    reason = TextAreaField("Why do you need to view this account?",
                           validators=[Length(max=REASON_MAX)])
    ticket = StringField("Ticket reference (optional)", validators=[Optional(), Length(max=TICKET_MAX)])


class InviteForm(FlaskForm):
    email = HiddenField(validators=[DataRequired(), Length(max=EMAIL_MAX)])


class NewStaffForm(FlaskForm):
    email = StringField("Email address", validators=[DataRequired("Enter their email address."),
                                                     Length(max=EMAIL_MAX)])
    display_name = StringField("Name", validators=[DataRequired("Enter their name."), Length(max=200)])
    role = SelectField("Role", choices=lambda: ROLE_CHOICES, default="support")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=lambda: ROLE_CHOICES)
