from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
from planner.funding.models import OBLIGATION_LABELS, STATUS_LABELS, YEAR_MAX, YEAR_MIN

REQUIRED = _l("Bitte füllen Sie dieses Feld aus.")
AMOUNT_HINT = _l("in Euro, z. B. 75.000,00")
SEVERAL_TITLES = _l("Mehrere durch Komma trennen; tippen Sie einen Teil des Titels, passende "
                    "Einträge werden vorgeschlagen.")  # fmt: skip
TITLE_HINT = _l("Tippen Sie einen Teil des Titels; passende Einträge werden vorgeschlagen.")


def _year_field(label, required=False, **kw):
    return IntegerField(
        label,
        validators=[DataRequired(REQUIRED) if required else Optional(),
                    NumberRange(min=YEAR_MIN, max=YEAR_MAX,
                                message=_l("Bitte ein Jahr zwischen 1990 und 2100."))],
        **kw,
    )  # fmt: skip


def _amount(label, required=False, **kw):
    kw.setdefault("description", AMOUNT_HINT)
    return StringField(
        label, validators=[DataRequired(REQUIRED) if required else Optional(), Length(max=30)], **kw
    )


def _percent(label):
    return StringField(label, validators=[Optional(), Length(max=10)],
                       description=_l("Mindestanteil an den Gesamtausgaben, z. B. 20"))  # fmt: skip


class ProgrammeForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=300)])
    funder = LookupField(_l("Fördergeber"), validators=[Optional()], lookup="organisationen",
                         description=_l("z. B. das Ministerium"))  # fmt: skip
    legal_basis = StringField(_l("Rechtsgrundlage"), validators=[Optional(), Length(max=500)],
                              description=_l("z. B. Förderrichtlinie, §§ 23, 44 LHO NRW"))  # fmt: skip
    first_year = _year_field(_l("Laufzeit von (Jahr)"))
    last_year = _year_field(_l("Laufzeit bis (Jahr)"))
    max_amount = _amount(_l("Höchstbetrag je Antrag"))
    own_share_percent = _percent(_l("Eigenanteil in %"))
    eligible_costs = TextAreaField(_l("Förderfähige Ausgaben"),
                                   validators=[Optional(), Length(max=5000)])  # fmt: skip
    notes = TextAreaField(_l("Hinweise"), validators=[Optional(), Length(max=5000)],
                          description=_l("z. B. „für 2017 überzeichnet“"))  # fmt: skip
    responsible = LookupField(_l("Zuständig (erhält die Erinnerungen an Einreichungsfristen)"),
                              validators=[Optional()], lookup="personen")  # fmt: skip

    def validate_last_year(self, field):
        if field.data and self.first_year.data and field.data < self.first_year.data:
            raise ValidationError(_("Die Laufzeit endet vor ihrem Beginn."))


class ModuleForm(Form):
    name = StringField(_l("Name des Moduls"), validators=[DataRequired(REQUIRED), Length(max=200)])
    max_amount = _amount(_l("Höchstbetrag je Antrag"),
                         description=_l("Leer: der Höchstbetrag des Programms"))  # fmt: skip
    own_share_percent = _percent(_l("Eigenanteil in %"))
    eligible_costs = TextAreaField(_l("Förderfähige Ausgaben"),
                                   validators=[Optional(), Length(max=5000)])  # fmt: skip


class CallForm(Form):
    title = StringField(_l("Titel"), validators=[DataRequired(REQUIRED), Length(max=200)],
                        description=_l("z. B. Aufruf 2018"))  # fmt: skip
    year = _year_field(_l("Förderjahr"), required=True)
    # not named like the model's attributes: a form filled from an object would take the
    # module itself where the request left the field out
    modul = SelectField(_l("Modul"), validators=[Optional()], choices=[], validate_choice=True)
    opens_on = DateField(_l("Antragstellung ab"), validators=[Optional()])
    closes_on = DateField(_l("Einreichungsschluss"), validators=[DataRequired(REQUIRED)],
                          description=_l("Steht als Förderfrist im Kalender."))  # fmt: skip
    notes = StringField(_l("Hinweise"), validators=[Optional(), Length(max=1000)])

    def validate_closes_on(self, field):
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError(
                _("Der Einreichungsschluss liegt vor dem Beginn der Antragstellung.")
            )


class ApplicationForm(Form):
    title = StringField(_l("Titel"), validators=[DataRequired(REQUIRED), Length(max=300)])
    applicant = LookupField(_l("Antragsteller"), validators=[DataRequired(REQUIRED)],
                            lookup="organisationen")  # fmt: skip
    modul = SelectField(_l("Modul"), validators=[Optional()], choices=[], validate_choice=True)
    aufruf = SelectField(_l("Aufruf"), validators=[Optional()], choices=[], validate_choice=True)
    year = _year_field(_l("Förderjahr"), description=_l("Leer: das Förderjahr des Aufrufs"))
    total_costs = _amount(_l("Gesamtausgaben (zuwendungsfähig)"), required=True)
    requested = _amount(_l("Beantragte Förderung"), required=True,
                        description=_l("Der Eigenanteil sind die Gesamtausgaben abzüglich der "
                                       "Förderung; er wird gegen die Regel des Programms geprüft."))  # fmt: skip
    reference = StringField(_l("Aktenzeichen"), validators=[Optional(), Length(max=100)])
    responsible = LookupField(_l("Zuständig (erhält die Erinnerungen an die Fristen)"),
                              validators=[Optional()], lookup="personen")  # fmt: skip
    measures = LookupField(_l("Finanzierte Maßnahmen"), validators=[Optional()],
                           lookup="massnahmen", multiple=True, description=SEVERAL_TITLES)  # fmt: skip
    steps = LookupField(_l("Finanzierte Prozessschritte"), validators=[Optional()],
                        lookup="schritte", multiple=True, description=SEVERAL_TITLES)  # fmt: skip
    notes = TextAreaField(_l("Anmerkungen"), validators=[Optional(), Length(max=10_000)])


class StatusForm(Form):
    status = SelectField(_l("Neuer Status"), choices=options(STATUS_LABELS.items()),
                         validators=[DataRequired(REQUIRED)], validate_choice=False)  # fmt: skip
    on = DateField(_l("Datum"), validators=[Optional()],
                   description=_l("Der Einreichung, des Bescheids oder der Rücknahme"))  # fmt: skip
    granted = _amount(_l("Bewilligter Betrag"),
                      description=_l("Nur bei einer Bewilligung; leer: der beantragte Betrag"))  # fmt: skip
    authority = LookupField(_l("Bewilligungsbehörde"), validators=[Optional()],
                            lookup="organisationen")  # fmt: skip
    period_start = DateField(_l("Bewilligungszeitraum von"), validators=[Optional()])
    period_end = DateField(_l("Bewilligungszeitraum bis"), validators=[Optional()],
                           description=_l("Aus Beginn und Ende werden die Fristen vorgeschlagen "
                                          "(Mittelabruf, Zwischen- und Verwendungsnachweis)."))  # fmt: skip
    reference = StringField(_l("Aktenzeichen"), validators=[Optional(), Length(max=100)])


class ObligationForm(Form):
    kind = SelectField(_l("Art"), choices=options(OBLIGATION_LABELS.items()),
                       validators=[DataRequired(REQUIRED)])  # fmt: skip
    title = StringField(_l("Titel"), validators=[Optional(), Length(max=300)])
    due_date = DateField(_l("Fällig am"), validators=[DataRequired(REQUIRED)])


class BudgetLineForm(Form):
    year = _year_field(_l("Haushaltsjahr"), required=True)
    amount = _amount(_l("Betrag"), required=True)
    purpose = StringField(_l("Zweck"), validators=[DataRequired(REQUIRED), Length(max=300)])
    cost_centre = StringField(
        _l("Kostenstelle / Produkt"), validators=[Optional(), Length(max=200)]
    )
    blocked = BooleanField(_l("Mit Sperrvermerk"))
    block_condition = StringField(_l("Bedingung der Sperre"), validators=[Optional(), Length(max=1000)],
                                  description=_l("z. B. vorbehaltlich einer Förderung durch das "
                                                 "Land NRW oder den Bund"))  # fmt: skip
    lift_body = LookupField(_l("Gremium, das die Sperre aufhebt"), validators=[Optional()],
                            lookup="gremien")  # fmt: skip
    application = LookupField(_l("Förderantrag, dessen Bewilligung die Bedingung ist"),
                              validators=[Optional()], lookup="foerderantraege",
                              description=_l("Tippen Sie einen Teil des Titels. Mit der Bewilligung "
                                             "schlägt Planner vor, die Sperre aufzuheben, und legt "
                                             "den Schritt für den Beschluss an."))  # fmt: skip
    plan = SelectField(_l("Planungsprozess für diesen Schritt"), validators=[Optional()],
                          choices=[], validate_choice=True)  # fmt: skip
    notes = TextAreaField(_l("Anmerkungen"), validators=[Optional(), Length(max=10_000)])


class LiftForm(Form):
    lifted_on = DateField(_l("Aufgehoben am"), validators=[DataRequired(REQUIRED)])
    resolution = LookupField(_l("Beschluss"), validators=[Optional()], lookup="beschluesse",
                             description=TITLE_HINT)  # fmt: skip


class AllocationForm(Form):
    measure = LookupField(_l("Maßnahme"), validators=[DataRequired(REQUIRED)], lookup="massnahmen",
                          description=TITLE_HINT)  # fmt: skip
    planned = _amount(_l("Geplant"))
    spent = _amount(_l("Ausgegeben"), description=_l("Erst nach Aufhebung einer Sperre"))


class ApplicationFilterForm(Form):
    q = SearchField(_l("Titel enthält"), validators=[Optional(), Length(max=100)])
    programm = IntegerField(
        _l("Programm-Nr."),
        validators=[Optional(), NumberRange(min=1)],
        description=_l("Aus der Übersicht oder der Programmseite"),
    )
    status = SelectField(_l("Status"), choices=options([("", _l("Alle")), *STATUS_LABELS.items()]),
                         validators=[Optional()])  # fmt: skip
    year = _year_field(_l("Förderjahr"))
    applicant = LookupField(_l("Antragsteller"), validators=[Optional()], lookup="organisationen",
                            description=None)  # fmt: skip


class BudgetFilterForm(Form):
    q = SearchField(_l("Zweck enthält"), validators=[Optional(), Length(max=100)])
    year = _year_field(_l("Haushaltsjahr"))
    state = SelectField(_l("Sperre"), validators=[Optional()], choices=options([
        ("", _l("Alle")), ("gesperrt", _l("gesperrt")), ("aufgehoben", _l("aufgehoben")),
        ("frei", _l("ohne Sperre"))]))  # fmt: skip


class OverviewFilterForm(Form):
    von = _year_field(_l("Von (Jahr)"))
    bis = _year_field(_l("Bis (Jahr)"))

    def validate_bis(self, field):
        if field.data and self.von.data and field.data < self.von.data:
            raise ValidationError(_("Das Bis-Jahr liegt vor dem Von-Jahr."))


class ProgrammeFilterForm(Form):
    q = SearchField(_l("Name enthält"), validators=[Optional(), Length(max=100)])
