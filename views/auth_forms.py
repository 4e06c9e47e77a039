"""The auth blueprint's forms (Flask-WTF: every one carries a CSRF token).

Length limits are generous but bounded, so oversized input gets a message, not an argon2 run
over megabytes; the password *policy* (services.passwords) decides what is acceptable.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from services.texts import _l
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

EMAIL_MAX = 254
PASSWORD_MAX = 1024  # above the policy's maximum, so that the policy's own message is shown
CODE_MAX = 32


class EmptyForm(FlaskForm):
    """For bare POST buttons (sign out): only the CSRF token."""


class LoginForm(FlaskForm):
    email = StringField(_l("Email address"), validators=[DataRequired(_l("Enter your email address.")), Length(max=EMAIL_MAX)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX)])
    next = HiddenField()


class SecondFactorForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app, or a recovery code"),
        validators=[DataRequired(_l("Enter a code.")), Length(max=CODE_MAX)],
    )


class ForgotPasswordForm(FlaskForm):
    email = StringField(_l("Email address"), validators=[DataRequired(_l("Enter your email address.")), Length(max=EMAIL_MAX)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(_l("Choose a password.")), Length(max=PASSWORD_MAX)]
    )
    confirm = PasswordField(
        _l("Type it again"),
        validators=[DataRequired(_l("Type the password again.")), EqualTo("password", _l("The two passwords don't match."))],
    )


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password.")), Length(max=PASSWORD_MAX)]
    )


class TotpConfirmForm(FlaskForm):
    code = StringField(_l("6-digit code"), validators=[DataRequired(_l("Enter the code from your app.")), Length(max=CODE_MAX)])


class PasswordConfirmForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX)])
