from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from planner.accounts.models import ORGANISATION_KIND_LABELS
from planner.core.forms import Form, options
from planner.core.lookup import LookupField
from planner.stakeholders.models import LEGAL_BASIS_LABELS

REQUIRED = _l("Bitte füllen Sie dieses Feld aus.")


def web_address(form, field):
    """Only http(s) addresses: a link such as javascript:... must never reach a page."""
    value = (field.data or "").strip()
    if not value:
        return
    message = _l("Bitte geben Sie eine Webadresse an, z. B. https://www.rhein-sieg-kreis.de.")
    if "://" not in value and ":" in value.split("/")[0]:
        raise ValidationError(message)  # javascript:, mailto:, data: ...
    try:
        parts = urlsplit(value if "://" in value else "https://" + value)
        parts.port  # noqa: B018 - a malformed port raises
    except ValueError:  # "Invalid IPv6 URL", a port beyond 65535
        raise ValidationError(message) from None
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or "." not in host or " " in value:
        raise ValidationError(message)
    field.data = value if "://" in value else "https://" + value


class OrganisationForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=200)])
    short_name = StringField(_l("Kurzname"), validators=[Optional(), Length(max=60)])
    kind = SelectField(_l("Art"), choices=options(ORGANISATION_KIND_LABELS.items()),
                       validators=[DataRequired(REQUIRED)])  # fmt: skip
    parent = LookupField(
        _l("Übergeordnete Organisation"), validators=[Optional()], lookup="organisationen",
        description=_l("Optional, z. B. der Kreis für eines seiner Ämter."),
    )  # fmt: skip
    address = TextAreaField(_l("Anschrift"), validators=[Optional(), Length(max=1000)])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300), web_address])
    notes = TextAreaField(_l("Notizen"), validators=[Optional(), Length(max=10000)],
                          description=_l("Markdown möglich."))  # fmt: skip


class OrganisationFilterForm(Form):
    q = SearchField(_l("Name enthält"), validators=[Optional(), Length(max=100)])
    kind = SelectField(_l("Art"), choices=options([("", _l("Alle")), *ORGANISATION_KIND_LABELS.items()]),
                       validators=[Optional()])  # fmt: skip
    archived = BooleanField(_l("Archivierte zeigen"))


class PersonForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=200)])
    function = StringField(_l("Funktion"), validators=[Optional(), Length(max=200)],
                           description=_l("z. B. Leitung der FSA, Sozialdezernentin"))  # fmt: skip
    organisation = LookupField(_l("Organisation"), validators=[Optional()], lookup="organisationen")
    email = EmailField(_l("E-Mail-Adresse"), validators=[
        Optional(), Length(max=254), Email(_l("Bitte geben Sie eine gültige E-Mail-Adresse an."))])  # fmt: skip
    phone = StringField(_l("Telefon"), validators=[Optional(), Length(max=60)])
    account = LookupField(
        _l("Benutzerkonto"), validators=[Optional()], lookup="personen",
        description=_l("Optional: das Konto, mit dem die Person sich anmeldet."),
    )  # fmt: skip
    legal_basis = SelectField(
        _l("Rechtsgrundlage der Speicherung"), choices=options(LEGAL_BASIS_LABELS.items()),
        validators=[DataRequired(REQUIRED)],
        default="aufgabe",
    )  # fmt: skip
    consent_date = DateField(
        _l("Einwilligung erteilt am"), validators=[Optional()],
        description=_l("Nur bei Einwilligung, dann Pflicht."),
    )  # fmt: skip

    def validate_consent_date(self, field):
        if self.legal_basis.data == "einwilligung" and not field.data:
            raise ValidationError(
                _l("Bei einer Einwilligung geben Sie bitte an, wann sie erteilt wurde.")
            )


class PersonFilterForm(Form):
    q = SearchField(_l("Name oder Funktion enthält"), validators=[Optional(), Length(max=100)])
    organisation = LookupField(_l("Organisation"), validators=[Optional()], lookup="organisationen",
                               resolve=False, description=None)  # fmt: skip
    archived = BooleanField(_l("Archivierte zeigen"))
