from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from planner.core.forms import FastSelect, Form, options
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
    organisation_id = SelectField(
        _l("Verantwortliche Organisation"), validators=[Optional()], widget=FastSelect()
    )
    responsible_ids = SelectMultipleField(
        _l("Verantwortliche Personen"),
        validators=[Optional()],
        widget=FastSelect(multiple=True),
        description=_l(
            "Sie erhalten die Erinnerungen. Ohne Auswahl erhalten sie alle Konten der Organisation."
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
    organisation_id = SelectField(_l("Organisation"), validators=[Optional()], widget=FastSelect())
    responsible_id = SelectField(_l("Verantwortlich"), validators=[Optional()], widget=FastSelect())
    mine = BooleanField(_l("Nur meine Fristen"))


class PreferenceForm(Form):
    mode = RadioField(
        _l("Erinnerungen per E-Mail"),
        choices=options(PREFERENCE_LABELS.items()),
        validators=[DataRequired(REQUIRED)],
    )


class ActionForm(Form):
    """Only the CSRF token, for POST buttons (erledigt, versäumt, löschen, ...)."""
