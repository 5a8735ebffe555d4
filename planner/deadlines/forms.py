from flask_wtf import FlaskForm
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

from planner.core.forms import FastSelect, options
from planner.deadlines.models import KIND_LABELS
from planner.deadlines.services import PREFERENCE_LABELS, DeadlineError, parse_offsets

REQUIRED = "Bitte füllen Sie dieses Feld aus."


class DeadlineForm(FlaskForm):
    title = StringField("Titel", validators=[DataRequired(REQUIRED), Length(max=300)])
    kind = SelectField(
        "Art", choices=options(KIND_LABELS.items()), validators=[DataRequired(REQUIRED)]
    )
    due_date = DateField(
        "Fällig am", validators=[DataRequired("Bitte geben Sie ein gültiges Datum an.")]
    )
    due_time = TimeField(
        "Uhrzeit",
        validators=[Optional()],
        description="Optional; ohne Uhrzeit gilt die Frist den ganzen Tag.",
    )
    organisation_id = SelectField(
        "Verantwortliche Organisation", validators=[Optional()], widget=FastSelect()
    )
    responsible_ids = SelectMultipleField(
        "Verantwortliche Personen",
        validators=[Optional()],
        widget=FastSelect(multiple=True),
        description="Sie erhalten die Erinnerungen. Ohne Auswahl erhalten sie alle Konten der Organisation.",
    )
    reminder_offsets = StringField(
        "Erinnerungen (Tage relativ zur Frist)",
        validators=[Optional(), Length(max=100)],
        description="Leer lassen für die Voreinstellung der Art. Beispiel: -14, -3, 0, 1, 7 "
        "(negative Zahlen: vorher, 0: am Tag, positive: danach).",
    )
    visible_to_all = BooleanField(
        "Für alle Rollen sichtbar", default=True,
        description="Ohne Haken sehen nur Sozialplanung, Administration und die Verantwortlichen die Frist.",
    )  # fmt: skip
    notes = TextAreaField(
        "Notizen", validators=[Optional(), Length(max=10000)], description="Markdown möglich."
    )

    def validate_reminder_offsets(self, field):
        try:
            parse_offsets(field.data)
        except DeadlineError as exc:
            raise ValidationError(str(exc)) from None


class DeadlineFilterForm(FlaskForm):
    state = SelectField(
        "Status",
        choices=options(
            [("offen", "offen"), ("erledigt", "erledigt"), ("versaeumt", "versäumt"), ("", "alle")]
        ),
        default="offen",
        validators=[Optional()],
    )
    kind = SelectField(
        "Art", choices=options([("", "Alle"), *KIND_LABELS.items()]), validators=[Optional()]
    )
    organisation_id = SelectField("Organisation", validators=[Optional()], widget=FastSelect())
    responsible_id = SelectField("Verantwortlich", validators=[Optional()], widget=FastSelect())
    mine = BooleanField("Nur meine Fristen")


class PreferenceForm(FlaskForm):
    mode = RadioField(
        "Erinnerungen per E-Mail",
        choices=options(PREFERENCE_LABELS.items()),
        validators=[DataRequired(REQUIRED)],
    )


class ActionForm(FlaskForm):
    """Only the CSRF token, for POST buttons (erledigt, versäumt, löschen, ...)."""
