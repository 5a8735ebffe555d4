from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from planner.core.forms import Form, options
from planner.core.lookup import LookupField
from planner.deadlines.models import KIND_LABELS
from planner.deadlines.services import PREFERENCE_LABELS, DeadlineError, parse_offsets

REQUIRED = _l("Bitte füllen Sie dieses Feld aus.")


class DeadlineForm(Form):
    title = StringField(_l("Titel"), validators=[DataRequired(REQUIRED), Length(max=300)])
    kind = SelectField(
        _l("Art"), choices=options(KIND_LABELS.items()), validators=[DataRequired(REQUIRED)]
    )
    due_date = DateField(
        _l("Fällig am"), validators=[DataRequired("Bitte geben Sie ein gültiges Datum an.")]
    )
    due_time = TimeField(
        _l("Uhrzeit"),
        validators=[Optional()],
        description=_l("Optional; ohne Uhrzeit gilt die Frist den ganzen Tag."),
    )
    organisation = LookupField(
        _l("Verantwortliche Organisation"), validators=[Optional()], lookup="organisationen"
    )
    responsible = LookupField(
        _l("Verantwortliche Personen"),
        validators=[Optional()],
        lookup="personen",
        multiple=True,
        description=_l(
            "Sie erhalten die Erinnerungen; ohne Angabe alle Konten der Organisation. Mehrere "
            "durch Komma trennen; tippen Sie einen Teil des Namens oder der E-Mail-Adresse."
        ),
    )
    reminder_offsets = StringField(
        _l("Erinnerungen (Tage relativ zur Frist)"),
        validators=[Optional(), Length(max=100)],
        description=_l(
            "Leer lassen für die Voreinstellung der Art. Beispiel: -14, -3, 0, 1, 7 "
            "(negative Zahlen: vorher, 0: am Tag, positive: danach)."
        ),
    )
    visible_to_all = BooleanField(
        _l("Für alle Rollen sichtbar"), default=True,
        description=_l("Ohne Haken sehen nur Sozialplanung, Administration und die Verantwortlichen die Frist."),
    )  # fmt: skip
    notes = TextAreaField(
        _l("Notizen"),
        validators=[Optional(), Length(max=10000)],
        description=_l("Markdown möglich."),
    )

    def validate_reminder_offsets(self, field):
        try:
            parse_offsets(field.data)
        except DeadlineError as exc:
            raise ValidationError(str(exc)) from None


class DeadlineFilterForm(Form):
    state = SelectField(
        _l("Status"),
        choices=options(
            [
                ("offen", _l("offen")),
                ("erledigt", _l("erledigt")),
                ("versaeumt", _l("versäumt")),
                ("", _l("alle")),
            ]
        ),
        default="offen",
        validators=[Optional()],
    )
    kind = SelectField(
        _l("Art"),
        choices=options([("", _l("Alle")), *KIND_LABELS.items()]),
        validators=[Optional()],
    )
    q = SearchField(_l("Suche im Titel"), validators=[Optional(), Length(max=100)])
    organisation = LookupField(
        _l("Organisation"), validators=[Optional()], lookup="organisationen", resolve=False,
        description=None,
    )  # fmt: skip
    responsible = LookupField(
        _l("Verantwortlich"), validators=[Optional()], lookup="verantwortliche", resolve=False,
        description=None,
    )  # fmt: skip
    von = DateField(_l("Fällig ab"), validators=[Optional()])
    bis = DateField(_l("Fällig bis"), validators=[Optional()])
    mine = BooleanField(_l("Nur meine Fristen"))

    def validate_bis(self, field):
        if field.data and self.von.data and field.data < self.von.data:
            raise ValidationError(_l("Das Enddatum liegt vor dem Anfangsdatum."))


class PreferenceForm(Form):
    mode = RadioField(
        _l("Erinnerungen per E-Mail"),
        choices=options(PREFERENCE_LABELS.items()),
        validators=[DataRequired(REQUIRED)],
    )


class ActionForm(Form):
    """Only the CSRF token, for POST buttons (erledigt, versäumt, löschen, ...)."""
