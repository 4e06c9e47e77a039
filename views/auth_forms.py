"""The auth blueprint's forms (Flask-WTF: every one carries a CSRF token).

Length limits are generous but bounded, so oversized input gets a message, not an argon2 run
over megabytes; the password *policy* (services.passwords) decides what is acceptable.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

EMAIL_MAX = 254
PASSWORD_MAX = 1024  # above the policy's maximum, so that the policy's own message is shown
CODE_MAX = 32


class EmptyForm(FlaskForm):
    """For bare POST buttons (sign out): only the CSRF token."""


class LoginForm(FlaskForm):
    email = StringField("Email address", validators=[DataRequired("Enter your email address."), Length(max=EMAIL_MAX)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=PASSWORD_MAX)])
    next = HiddenField()


class SecondFactorForm(FlaskForm):
    code = StringField(
        "Code from your authenticator app, or a recovery code",
        validators=[DataRequired("Enter a code."), Length(max=CODE_MAX)],
    )


class ForgotPasswordForm(FlaskForm):
    email = StringField("Email address", validators=[DataRequired("Enter your email address."), Length(max=EMAIL_MAX)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        "New password", validators=[DataRequired("Choose a password."), Length(max=PASSWORD_MAX)]
    )
    confirm = PasswordField(
        "Type it again",
        validators=[DataRequired("Type the password again."), EqualTo("password", "The two passwords don't match.")],
    )


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password."), Length(max=PASSWORD_MAX)]
    )


class TotpConfirmForm(FlaskForm):
    code = StringField("6-digit code", validators=[DataRequired("Enter the code from your app."), Length(max=CODE_MAX)])


class PasswordConfirmForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired("Enter your password."), Length(max=PASSWORD_MAX)])
