from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from planner.core.forms import Form, options
from planner.core.lookup import LookupField
from planner.measures.models import STATUS_LABELS
from planner.monitoring.tabular import MAX_ABS, parse_number

REQUIRED = _l("Bitte füllen Sie dieses Feld aus.")
MARKDOWN = _l("Markdown möglich (Überschriften, Listen, Links).")


def _parsed(text: str | None) -> float | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = parse_number(text)
    except ValueError:
        return None
    if not isinstance(value, float) or value != value or not abs(value) < MAX_ABS:
        return None
    return value


def _number(form, field):
    """A German number (1.234,5) or empty."""
    text = (field.data or "").strip()
    if text and _parsed(text) is None:
        raise ValidationError(_("„%(t)s“ ist keine Zahl. Beispiel: 12,5", t=text[:40]))


class NumberField(StringField):
    """Text input of a German number; ``number`` is the value (None when empty)."""

    @property
    def number(self) -> float | None:
        return _parsed(self.data)


class MeasureForm(Form):
    title = StringField(_l("Titel"), validators=[DataRequired(REQUIRED), Length(max=300)])
    problem = TextAreaField(_l("Problem"), validators=[Optional(), Length(max=20_000)],
                            description=_l("Was wurde in den Daten oder vor Ort gesehen?"))  # fmt: skip
    goal = TextAreaField(_l("Ziel"), validators=[Optional(), Length(max=20_000)])
    description = TextAreaField(_l("Beschreibung"), validators=[Optional(), Length(max=50_000)],
                                description=MARKDOWN)  # fmt: skip
    target_groups = StringField(_l("Zielgruppen"), validators=[Optional(), Length(max=500)],
                                description=_l("z. B. Alleinerziehende, Kinder unter 6 Jahren"))  # fmt: skip
    areas = LookupField(_l("Zielräume"), validators=[Optional()], lookup="raeume", multiple=True,
                        description=_l("Mehrere durch Komma trennen."))  # fmt: skip
    organisations = LookupField(_l("Verantwortliche Organisationen"), validators=[Optional()],
                                lookup="organisationen", multiple=True,
                                description=_l("Mehrere durch Komma trennen. Ihre Mitglieder "
                                               "dürfen die Maßnahme bearbeiten."))  # fmt: skip
    contact = LookupField(_l("Ansprechperson"), validators=[Optional()], lookup="ansprechpersonen")
    start_date = DateField(_l("Beginn"), validators=[Optional()])
    end_date = DateField(_l("Ende"), validators=[Optional()])
    budget = StringField(_l("Budget (EUR)"), validators=[Optional(), Length(max=30)],
                         description=_l("z. B. 12.500,00"))  # fmt: skip
    parent = LookupField(_l("Teil von (übergeordnete Maßnahme)"), validators=[Optional()],
                         lookup="massnahmen")  # fmt: skip
    agenda_item = SelectField(_l("Aus Tagesordnungspunkt"), validators=[Optional()],
                              validate_choice=True, choices=[])  # fmt: skip

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_("Das Ende liegt vor dem Beginn."))


class MeasureFilterForm(Form):
    q = SearchField(_l("Titel enthält"), validators=[Optional(), Length(max=100)])
    status = SelectField(_l("Status"), choices=options([("", _l("Alle")), *STATUS_LABELS.items()]),
                         validators=[Optional()])  # fmt: skip
    area = LookupField(_l("Raum"), validators=[Optional()], lookup="raeume", description=None)
    organisation = LookupField(_l("Organisation"), validators=[Optional()], lookup="organisationen",
                               description=None)  # fmt: skip
    indicator = LookupField(_l("Indikator"), validators=[Optional()], lookup="indikatoren",
                            description=None)  # fmt: skip
    sitzung = IntegerField(
        _l("Aus Sitzung Nr."), validators=[Optional(), NumberRange(min=1, max=2**31 - 1)]
    )
    unjustified = BooleanField(_l("Nur ohne Begründung"))


class StatusForm(Form):
    # the page offers the next steps; the service refuses any other with its German message
    status = SelectField(_l("Neuer Status"), choices=options(STATUS_LABELS.items()),
                         validators=[DataRequired(REQUIRED)], validate_choice=False)  # fmt: skip


class JustificationForm(Form):
    discussed = SelectField(_l("Auf der Konferenz besprochener Indikator"), validators=[Optional()],
                            validate_choice=True, choices=[])  # fmt: skip
    indicator = LookupField(_l("Oder ein anderer Indikator"), validators=[Optional()],
                            lookup="indikatoren")  # fmt: skip
    areas = LookupField(_l("Räume"), validators=[DataRequired(REQUIRED)], lookup="raeume",
                        multiple=True, description=_l("Mehrere durch Komma trennen; je Raum wird "
                                                      "der Wert festgehalten."))  # fmt: skip
    period = StringField(_l("Zeitraum des Werts"), validators=[DataRequired(REQUIRED), Length(max=10)],
                         description=_l("z. B. 2024 oder 2024-H2"))  # fmt: skip
    baseline = NumberField(_l("Ausgangswert"), validators=[Optional(), Length(max=30), _number],
                           description=_l("Leer: der Wert des Zeitraums."))  # fmt: skip
    target = NumberField(_l("Zielwert"), validators=[Optional(), Length(max=30), _number])
    note = StringField(_l("Anmerkung"), validators=[Optional(), Length(max=500)])

    def validate_indicator(self, field):
        discussed = getattr(self, "discussed", None)
        if not (field.data or "").strip() and not (discussed is not None and discussed.data):
            raise ValidationError(_("Bitte wählen Sie einen Indikator."))


class TargetForm(Form):
    baseline = NumberField(_l("Ausgangswert"), validators=[Optional(), Length(max=30), _number])
    target = NumberField(_l("Zielwert"), validators=[Optional(), Length(max=30), _number])


class ProgressForm(Form):
    day = DateField(
        _l("Datum"), validators=[DataRequired(_l("Bitte geben Sie ein gültiges Datum an."))]
    )
    text = TextAreaField(
        _l("Was ist geschehen?"), validators=[DataRequired(REQUIRED), Length(max=20_000)]
    )
    percent = IntegerField(_l("Fortschritt in %"), validators=[
        Optional(), NumberRange(min=0, max=100, message=_l("Bitte eine Zahl von 0 bis 100."))])  # fmt: skip


class CommentForm(Form):
    text = TextAreaField(_l("Kommentar"), validators=[DataRequired(REQUIRED), Length(max=10_000)])


class MilestoneForm(Form):
    title = StringField(_l("Meilenstein"), validators=[DataRequired(REQUIRED), Length(max=300)])
    due_date = DateField(
        _l("Fällig am"), validators=[DataRequired(_l("Bitte geben Sie ein gültiges Datum an."))]
    )


class BulkUpdateForm(Form):
    file = FileField(_l("Datei (CSV oder XLSX)"),
                     validators=[FileRequired(_l("Bitte eine Datei wählen."))])  # fmt: skip
