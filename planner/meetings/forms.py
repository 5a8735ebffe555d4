from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from planner.core.forms import Form, options
from planner.core.lookup import LookupField
from planner.meetings.models import MEETING_KIND_LABELS, MEETING_STATE_LABELS, Reply

REQUIRED = _l("Bitte füllen Sie dieses Feld aus.")
WHEN = _l("Bitte geben Sie Datum und Uhrzeit an (TT.MM.JJJJ, SS:MM).")
MARKDOWN = _l("Markdown möglich (Überschriften, Listen, Links).")


class MeetingForm(Form):
    kind = SelectField(
        _l("Art"), choices=options(MEETING_KIND_LABELS.items()), validators=[DataRequired(REQUIRED)]
    )
    title = StringField(_l("Titel"), validators=[DataRequired(REQUIRED), Length(max=300)])
    starts_at = DateTimeLocalField(_l("Beginn"), validators=[DataRequired(WHEN)])
    ends_at = DateTimeLocalField(_l("Ende"), validators=[DataRequired(WHEN)])
    place = StringField(_l("Ort"), validators=[Optional(), Length(max=300)])
    body = LookupField(_l("Gremium"), validators=[Optional()], lookup="gremien",
                       description=_l("Bei einer Gremiensitzung: das tagende Gremium."))  # fmt: skip
    municipality = LookupField(_l("Kommune"), validators=[Optional()], lookup="kommunen",
                               description=_l("Bei einer kommunalen Fachplanerkonferenz: "
                                              "die Kommune, für die sie tagt."))  # fmt: skip

    def validate_ends_at(self, field):
        if field.data and self.starts_at.data and field.data < self.starts_at.data:
            raise ValidationError(_("Das Ende liegt vor dem Beginn."))


class MeetingFilterForm(Form):
    q = SearchField(_l("Titel enthält"), validators=[Optional(), Length(max=100)])
    kind = SelectField(_l("Art"), choices=options([("", _l("Alle")), *MEETING_KIND_LABELS.items()]),
                       validators=[Optional()])  # fmt: skip
    state = SelectField(_l("Status"), choices=options([("", _l("Alle")), *MEETING_STATE_LABELS.items()]),
                        validators=[Optional()])  # fmt: skip
    date_from = DateField(_l("Von"), validators=[Optional()])
    date_to = DateField(_l("Bis"), validators=[Optional()])
    mine = BooleanField(_l("Nur meine Einladungen"))


class ItemForm(Form):
    title = StringField(_l("Titel"), validators=[DataRequired(REQUIRED), Length(max=300)])
    description = TextAreaField(_l("Beschreibung"), validators=[Optional(), Length(max=20_000)],
                                description=MARKDOWN)  # fmt: skip
    public = BooleanField(_l("Öffentlicher Punkt"), default=True)
    duration = IntegerField(_l("Geplante Minuten"), validators=[
        Optional(), NumberRange(min=0, max=1440, message=_l("Bitte zwischen 0 und 1.440 Minuten."))])  # fmt: skip
    presenter = StringField(
        _l("Vortrag / Berichterstattung"), validators=[Optional(), Length(max=200)]
    )
    paper = LookupField(_l("Vorlage"), validators=[Optional()], lookup="vorlagen")
    areas = LookupField(_l("Besprochene Räume"), validators=[Optional()], lookup="raeume",
                        multiple=True, description=_l("Mehrere durch Komma trennen."))  # fmt: skip
    indicators = LookupField(_l("Besprochene Indikatoren"), validators=[Optional()],
                             lookup="indikatoren", multiple=True,
                             description=_l("Mehrere durch Komma trennen."))  # fmt: skip


class OutcomeForm(Form):
    outcome = TextAreaField(_l("Ergebnis"), validators=[Optional(), Length(max=20_000)],
                            description=MARKDOWN)  # fmt: skip
    resolution = LookupField(_l("Beschluss"), validators=[Optional()], lookup="beschluesse",
                             description=_l("Der Beschluss, der zu diesem Punkt gefasst wurde."))  # fmt: skip
    minutes = TextAreaField(_l("Protokoll zu diesem Punkt"), validators=[Optional(), Length(max=100_000)],
                            description=MARKDOWN)  # fmt: skip


class MoveForm(Form):
    position = IntegerField(_l("Neue Nummer"), validators=[
        DataRequired(REQUIRED), NumberRange(min=1, max=1000, message=_l("Bitte eine Nummer ab 1."))])  # fmt: skip


class ReorderForm(Form):
    order = HiddenField(validators=[DataRequired(), Length(max=2000)])


class InviteForm(Form):
    persons = LookupField(_l("Personen"), validators=[Optional()], lookup="ansprechpersonen",
                          multiple=True)  # fmt: skip
    organisations = LookupField(_l("Organisationen"), validators=[Optional()],
                                lookup="organisationen", multiple=True,
                                description=_l("Eingeladen wird die ganze Organisation; ihre "
                                               "Benutzerkonten erhalten die Einladung."))  # fmt: skip

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and not self.persons.ids and not self.organisations.ids:
            self.persons.errors.append(
                _("Bitte nennen Sie mindestens eine Person oder Organisation.")
            )
            return False
        return ok


class ReplyForm(Form):
    reply = RadioField(
        _l("Ihre Antwort"),
        choices=options([(Reply.ZUSAGE.value, _l("Ich nehme teil (Zusage)")),
                         (Reply.ABSAGE.value, _l("Ich kann nicht teilnehmen (Absage)")),
                         (Reply.VERTRETEN.value, _l("Ich werde vertreten"))]),
        validators=[DataRequired(_l("Bitte wählen Sie eine Antwort."))],
    )  # fmt: skip
    substitute = StringField(_l("Vertreten durch"), validators=[Optional(), Length(max=200)],
                             description=_l("Name und Funktion der Vertretung."))  # fmt: skip

    def validate_substitute(self, field):
        if self.reply.data == Reply.VERTRETEN.value and not (field.data or "").strip():
            raise ValidationError(_("Bitte geben Sie an, wer Sie vertritt."))


class AttendanceForm(Form):
    persons = LookupField(_l("Weitere anwesende Personen"), validators=[Optional()],
                          lookup="ansprechpersonen", multiple=True)  # fmt: skip
    organisations = LookupField(_l("Weitere anwesende Organisationen"), validators=[Optional()],
                                lookup="organisationen", multiple=True)  # fmt: skip


class MinutesForm(Form):
    minutes = TextAreaField(_l("Protokoll"), validators=[Optional(), Length(max=100_000)],
                            description=MARKDOWN)  # fmt: skip


class ActionForm(Form):
    title = StringField(_l("Was"), validators=[DataRequired(REQUIRED), Length(max=300)])
    person = LookupField(_l("Wer (Person)"), validators=[Optional()], lookup="ansprechpersonen")
    organisation = LookupField(_l("Wer (Organisation)"), validators=[Optional()],
                               lookup="organisationen")  # fmt: skip
    due_date = DateField(
        _l("Bis wann"), validators=[DataRequired(_l("Bitte geben Sie ein gültiges Datum an."))]
    )
    agenda_item = SelectField(
        _l("Zu Tagesordnungspunkt"), validators=[Optional()], validate_choice=True
    )

    def validate_person(self, field):
        if not (field.data or "").strip() and not (self.organisation.data or "").strip():
            raise ValidationError(_("Bitte nennen Sie eine Person oder eine Organisation."))
