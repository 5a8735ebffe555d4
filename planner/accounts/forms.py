from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from planner.core.forms import FastSelect, options
from planner.core.permissions import ROLE_LABELS

REQUIRED = _l("Bitte füllen Sie dieses Feld aus.")
EMAIL = _l("Bitte geben Sie eine gültige E-Mail-Adresse ein.")


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-Mail-Adresse"),
        validators=[DataRequired(REQUIRED), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Passwort"),
        validators=[DataRequired(REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        _l("Bisheriges Passwort"),
        validators=[DataRequired(REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )
    new = PasswordField(
        _l("Neues Passwort"),
        validators=[DataRequired(REQUIRED), Length(min=10, message=_l("Mindestens 10 Zeichen."))],
        render_kw={"autocomplete": "new-password"},
        description=_l("Mindestens 10 Zeichen."),
    )
    confirm = PasswordField(
        _l("Neues Passwort wiederholen"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("new", message=_l("Die beiden Eingaben stimmen nicht überein.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


def _role_choices():
    return [(role.value, label) for role, label in ROLE_LABELS.items()]


class UserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=200)])
    email = EmailField(
        _l("E-Mail-Adresse"), validators=[DataRequired(REQUIRED), Email(EMAIL), Length(max=254)]
    )
    role = SelectField(
        _l("Rolle"), choices=options(_role_choices()), validators=[DataRequired(REQUIRED)]
    )
    organisation_id = SelectField(
        _l("Organisation"), coerce=str, validators=[Optional()], widget=FastSelect()
    )
    active = BooleanField(_l("Konto aktiv"), default=True)


class NewUserForm(UserForm):
    password = PasswordField(
        _l("Erstes Passwort"),
        validators=[DataRequired(REQUIRED), Length(min=10, message=_l("Mindestens 10 Zeichen."))],
        render_kw={"autocomplete": "new-password"},
        description=_l("Mindestens 10 Zeichen; die Person ändert es nach der ersten Anmeldung."),
    )


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Neues Passwort"),
        validators=[DataRequired(REQUIRED), Length(min=10, message=_l("Mindestens 10 Zeichen."))],
        render_kw={"autocomplete": "new-password"},
        description=_l("Mindestens 10 Zeichen. Teilen Sie es der Person auf sicherem Weg mit."),
    )


class ConfirmForm(FlaskForm):
    """An empty form: only the CSRF token, for POST buttons."""
