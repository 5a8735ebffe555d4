from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from planner.core.forms import Form, options
from planner.core.lookup import LookupField
from planner.core.permissions import ROLE_LABELS, Role

REQUIRED = _l("Bitte füllen Sie dieses Feld aus.")
EMAIL = _l("Bitte geben Sie eine gültige E-Mail-Adresse ein.")
PASSWORD_HINT = _l(
    "10 bis 128 Zeichen, nicht leicht zu erraten: am besten mehrere Wörter, die nicht "
    "zusammengehören."
)
PASSWORD_LENGTH = Length(
    min=10, max=128, message=_l("Das Passwort muss 10 bis 128 Zeichen lang sein.")
)


class LoginForm(Form):
    email = EmailField(
        _l("E-Mail-Adresse"),
        validators=[DataRequired(REQUIRED), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Passwort"),
        validators=[DataRequired(REQUIRED), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )


class ForgotPasswordForm(Form):
    email = EmailField(
        _l("E-Mail-Adresse Ihres Kontos"),
        validators=[DataRequired(REQUIRED), Email(EMAIL), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )


class SetPasswordForm(Form):
    new = PasswordField(
        _l("Neues Passwort"),
        validators=[DataRequired(REQUIRED), PASSWORD_LENGTH],
        render_kw={"autocomplete": "new-password"},
        description=PASSWORD_HINT,
    )
    confirm = PasswordField(
        _l("Neues Passwort wiederholen"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("new", message=_l("Die beiden Eingaben stimmen nicht überein.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField(
        _l("Bisheriges Passwort"),
        validators=[DataRequired(REQUIRED), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )


def _role_choices():
    # least privilege first; the form starts with no role chosen, so the choice is deliberate
    order = [Role.VIEWER, Role.SUPPLIER, Role.PARTICIPANT, Role.PLANNER, Role.ADMIN]
    return [("", _l("– bitte wählen –"))] + [(role.value, ROLE_LABELS[role]) for role in order]


class UserForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=200)])
    email = EmailField(
        _l("E-Mail-Adresse"), validators=[DataRequired(REQUIRED), Email(EMAIL), Length(max=254)]
    )
    role = SelectField(
        _l("Rolle"),
        choices=options(_role_choices()),
        validators=[DataRequired(_l("Bitte wählen Sie eine Rolle."))],
        description=_l(
            "Wählen Sie die Rolle mit den geringsten Rechten, die für die Aufgabe genügt."
        ),
    )
    organisation = LookupField(_l("Organisation"), validators=[Optional()], lookup="organisationen")
    active = BooleanField(_l("Konto aktiv"), default=True)


class NewUserForm(UserForm):
    password = PasswordField(
        _l("Erstes Passwort"),
        validators=[DataRequired(REQUIRED), PASSWORD_LENGTH],
        render_kw={"autocomplete": "new-password"},
        description=_l(
            "Die Person muss es bei der ersten Anmeldung durch ein eigenes ersetzen. "
            "10 bis 128 Zeichen, nicht leicht zu erraten."
        ),
    )


class ResetPasswordForm(Form):
    password = PasswordField(
        _l("Neues Passwort"),
        validators=[DataRequired(REQUIRED), PASSWORD_LENGTH],
        render_kw={"autocomplete": "new-password"},
        description=_l(
            "Teilen Sie es der Person auf sicherem Weg mit; sie ersetzt es bei der nächsten "
            "Anmeldung durch ein eigenes. Alle ihre Anmeldungen werden beendet."
        ),
    )


class ConfirmForm(Form):
    """An empty form: only the CSRF token, for POST buttons."""
