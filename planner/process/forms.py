from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from planner.core.forms import Form, options
from planner.core.lookup import LookupField
from planner.process.models import STEP_STATUS_LABELS
from planner.process.plans import PLAN_TEMPLATES

REQUIRED = _l("Bitte füllen Sie dieses Feld aus.")
DATE_REQUIRED = _l("Bitte geben Sie ein gültiges Datum an.")


class ProcessForm(Form):
    title = StringField(_l("Titel"), validators=[DataRequired(REQUIRED), Length(max=300)])
    start_date = DateField(_l("Beginn"), validators=[DataRequired(DATE_REQUIRED)])
    organisation = LookupField(_l("Federführung"), validators=[Optional()], lookup="organisationen")
    description = TextAreaField(_l("Beschreibung"), validators=[Optional(), Length(max=20000)],
                                description=_l("Markdown möglich."))  # fmt: skip


class ProcessCreateForm(ProcessForm):
    template = SelectField(
        _l("Vorlage"),
        choices=options(
            [
                ("", _l("ohne Vorlage (leerer Plan)")),
                *((t.key, t.title) for t in PLAN_TEMPLATES.values()),
            ]
        ),  # fmt: skip
        validators=[Optional()],
        description=_l(
            "Mit Vorlage werden Phasen, Schritte, Abhängigkeiten und Termine ab dem Beginn angelegt."
        ),
    )


class CycleForm(Form):
    title = StringField(
        _l("Titel des neuen Zyklus"), validators=[DataRequired(REQUIRED), Length(max=300)]
    )
    start_date = DateField(
        _l("Beginn des neuen Zyklus"), validators=[DataRequired(DATE_REQUIRED)],
        description=_l("Alle Termine verschieben sich um den Abstand zwischen den beiden Anfängen."),
    )  # fmt: skip


class PhaseForm(Form):
    title = StringField(_l("Titel der Phase"), validators=[DataRequired(REQUIRED), Length(max=200)])


class StepForm(Form):
    title = StringField(_l("Titel"), validators=[DataRequired(REQUIRED), Length(max=300)])
    phase = SelectField(_l("Phase"), choices=[], validators=[DataRequired(REQUIRED)])
    description = TextAreaField(_l("Beschreibung"), validators=[Optional(), Length(max=20000)],
                                description=_l("Markdown möglich."))  # fmt: skip
    responsible_organisation = LookupField(_l("Verantwortliche Organisation"), validators=[Optional()],
                                           lookup="organisationen")  # fmt: skip
    responsible_person = LookupField(_l("Verantwortliche Person"), validators=[Optional()],
                                     lookup="ansprechpersonen")  # fmt: skip
    start_date = DateField(_l("Beginn"), validators=[Optional()])
    due_date = DateField(_l("Fällig am"), validators=[Optional()],
                         description=_l("Das Fälligkeitsdatum erscheint als Frist im Kalender."))  # fmt: skip
    resolution = LookupField(
        _l("Beauftragt durch Beschluss"), validators=[Optional()], lookup="beschluesse"
    )

    def validate_due_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("Das Fälligkeitsdatum liegt vor dem Beginn."))


class MandateForm(StepForm):
    """A mandate of a resolution: a new step in a phase of a process, due on a date."""

    due_date = DateField(_l("Fällig am"), validators=[DataRequired(DATE_REQUIRED)])


class StatusForm(Form):
    status = SelectField(_l("Status"), choices=options(STEP_STATUS_LABELS.items()),
                         validators=[DataRequired(REQUIRED)])  # fmt: skip


class DependencyForm(Form):
    predecessors = SelectMultipleField(
        _l("Hängt ab von (muss vorher erledigt sein)"), choices=[], coerce=int,
        validators=[Optional()],
        description=_l("Mehrfachauswahl mit Strg (Mac: Cmd) oder Umschalt."),
    )  # fmt: skip
