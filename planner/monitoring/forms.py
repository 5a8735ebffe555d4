from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from planner.core.forms import Form, options
from planner.core.lookup import LookupField
from planner.monitoring.models import PERIODICITY_LABELS, POLARITY_LABELS
from planner.monitoring.periods import PeriodError, parse_period

REQUIRED = _l("Bitte füllen Sie dieses Feld aus.")
CODE = Regexp(
    r"^[A-Za-z0-9ÄÖÜäöüß_.\-]+$",
    message=_l("Nur Buchstaben, Ziffern, Punkt, Binde- und Unterstrich."),
)


def _period(form, field):
    if field.data:
        try:
            field.data = parse_period(field.data).code
        except PeriodError as exc:
            raise ValidationError(str(exc)) from exc


PERIOD_HELP = _l("z. B. 2020, 2020-H2, 2020-Q4 oder 2020-12")


class AreaForm(Form):
    code = StringField(_l("Schlüssel"), validators=[DataRequired(REQUIRED), Length(max=40), CODE],
                       description=_l("amtlicher Schlüssel, z. B. 05382056"))  # fmt: skip
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=200)])
    level = StringField(_l("Ebene"), validators=[DataRequired(REQUIRED), Length(max=60)],
                        description=_l("z. B. Kreis, Kommune, Sozialraum, Wohnplatz"))  # fmt: skip
    parent = LookupField(_l("Übergeordneter Raum"), validators=[Optional()], lookup="raeume")
    population = IntegerField(
        _l("Einwohnerzahl"),
        validators=[
            Optional(),
            NumberRange(min=0, max=100_000_000, message=_l("Bitte eine Zahl ab 0.")),
        ],
    )
    valid_from = DateField(_l("Gültig ab"), validators=[Optional()])
    valid_to = DateField(_l("Gültig bis"), validators=[Optional()])
    notes = TextAreaField(_l("Hinweise"), validators=[Optional(), Length(max=10_000)])


class AreaFilterForm(Form):
    q = SearchField(_l("Name oder Schlüssel"), validators=[Optional(), Length(max=100)])
    ebene = StringField(_l("Ebene"), validators=[Optional(), Length(max=60)])


class IndicatorForm(Form):
    code = StringField(_l("Kürzel"), validators=[DataRequired(REQUIRED), Length(max=40), CODE],
                       description=_l("z. B. SGB2_QUOTE; steht so in Lieferdateien"))  # fmt: skip
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=200)])
    topic = StringField(_l("Thema"), validators=[Optional(), Length(max=100)])
    unit = StringField(
        _l("Einheit"), validators=[DataRequired(REQUIRED), Length(max=40)], default="%"
    )
    numerator = TextAreaField(_l("Zähler (Definition)"), validators=[Optional(), Length(max=2000)])
    denominator = TextAreaField(
        _l("Nenner (Definition)"), validators=[Optional(), Length(max=2000)]
    )
    factor = IntegerField(_l("Faktor"), default=100, validators=[DataRequired(REQUIRED), NumberRange(min=1, max=1_000_000, message=_l("Bitte 1 bis 1.000.000."))],
                          description=_l("100 für Prozent, 1000 für Promille"))  # fmt: skip
    computed = BooleanField(
        _l("Aus Zähler und Nenner berechnen (auch für übergeordnete Räume)"), default=True
    )
    polarity = SelectField(
        _l("Polarität"),
        choices=options(POLARITY_LABELS.items()),
        validators=[DataRequired(REQUIRED)],
    )
    periodicity = SelectField(
        _l("Periodizität"),
        choices=options(PERIODICITY_LABELS.items()),
        validators=[DataRequired(REQUIRED)],
    )
    decimals = IntegerField(
        _l("Nachkommastellen"),
        default=1,
        validators=[Optional(), NumberRange(min=0, max=6, message=_l("0 bis 6."))],
    )
    source = StringField(_l("Quelle"), validators=[Optional(), Length(max=300)])
    supplier = LookupField(
        _l("Liefernde Organisation"), validators=[Optional()], lookup="organisationen"
    )
    notes = TextAreaField(
        _l("Hinweise"),
        validators=[Optional(), Length(max=10_000)],
        description=_l("Markdown möglich."),
    )


class IndicatorFilterForm(Form):
    q = SearchField(_l("Kürzel oder Name"), validators=[Optional(), Length(max=100)])
    thema = StringField(_l("Thema"), validators=[Optional(), Length(max=100)])


class ViewForm(Form):
    """The choice behind the indicator table and the map."""

    ebene = SelectField(_l("Ebene"), validators=[Optional()], validate_choice=True)
    zeitraum = SelectField(_l("Zeitraum"), validators=[Optional()], validate_choice=True)
    in_raum = LookupField(
        _l("Nur unterhalb von"),
        validators=[Optional()],
        lookup="raeume",
        resolve=False,
        description=None,
    )
    sortierung = SelectField(
        _l("Sortierung"),
        choices=options(
            [("name", _l("Name")), ("wert", _l("Wert")), ("abweichung", _l("Abweichung"))]
        ),
        validators=[Optional()],
    )
    absteigend = BooleanField(_l("absteigend"))
    methode = SelectField(
        _l("Klassenbildung"),
        choices=options(
            [
                ("quantile", _l("Quantile")),
                ("gleich", _l("gleiche Intervalle")),
                ("stdabw", _l("Standardabweichungen")),
            ]
        ),
        validators=[Optional()],
    )
    klassen = SelectField(
        _l("Klassen"),
        choices=options([(n, str(n)) for n in range(3, 8)]),
        default="5",
        validators=[Optional()],
    )


class SeriesForm(Form):
    raeume = LookupField(
        _l("Räume (bis zu 6)"),
        validators=[Optional()],
        lookup="raeume",
        multiple=True,
        resolve=False,
    )


class UploadForm(Form):
    file = FileField(
        _l("Datei (CSV oder XLSX)"), validators=[FileRequired(_l("Bitte eine Datei wählen."))]
    )
    layout = RadioField(
        _l("Aufbau"),
        choices=options(
            [
                ("auto", _l("automatisch erkennen")),
                ("long", _l("lang: indikator;raum;zeitraum;wert[;zaehler;nenner]")),
                ("wide", _l("breit: eine Zeile je Raum, eine Spalte je Indikator")),
            ]
        ),
        default="auto",
    )
    period = StringField(
        _l("Zeitraum (für den breiten Aufbau)"),
        validators=[Optional(), Length(max=10), _period],
        description=PERIOD_HELP,
    )
    provisional = BooleanField(_l("Werte sind vorläufig"))


class DeliveryUploadForm(Form):
    file = FileField(
        _l("Ausgefüllte Vorlage (CSV oder XLSX)"),
        validators=[FileRequired(_l("Bitte eine Datei wählen."))],
    )
    provisional = BooleanField(_l("Werte sind vorläufig"))


class AreaImportForm(Form):
    file = FileField(
        _l("Datei (CSV oder GeoJSON)"), validators=[FileRequired(_l("Bitte eine Datei wählen."))]
    )
    key_property = StringField(
        _l("Eigenschaft mit dem Schlüssel (nur GeoJSON)"),
        default="code",
        validators=[Optional(), Length(max=60)],
    )


class ScheduleForm(Form):
    name = StringField(_l("Bezeichnung"), validators=[DataRequired(REQUIRED), Length(max=200)])
    organisation = LookupField(
        _l("Liefernde Organisation"), validators=[DataRequired(REQUIRED)], lookup="organisationen"
    )
    indicators = LookupField(_l("Indikatoren"), validators=[DataRequired(REQUIRED)], lookup="indikatoren", multiple=True,
                             description=_l("Mehrere Kürzel durch Komma trennen; passende Indikatoren werden vorgeschlagen."))  # fmt: skip
    level = StringField(_l("Ebene der Räume"), validators=[DataRequired(REQUIRED), Length(max=60)])
    within = LookupField(_l("Nur Räume unterhalb von"), validators=[Optional()], lookup="raeume")
    periodicity = SelectField(
        _l("Periodizität"),
        choices=options(PERIODICITY_LABELS.items()),
        validators=[DataRequired(REQUIRED)],
    )
    first_period = StringField(
        _l("Erster Zeitraum"),
        validators=[DataRequired(REQUIRED), Length(max=10), _period],
        description=PERIOD_HELP,
    )
    last_period = StringField(
        _l("Letzter Zeitraum (leer: unbefristet)"), validators=[Optional(), Length(max=10), _period]
    )
    due_months = IntegerField(_l("Fällig Monate nach dem Stichtag"), default=3, validators=[Optional(), NumberRange(min=0, max=24, message=_l("0 bis 24 Monate."))],
                              description=_l("Stichtag ist das Ende des Zeitraums, z. B. 31.12.; 3 Monate: fällig am 31.03."))  # fmt: skip
    active = BooleanField(_l("Aktiv"), default=True)


class IndexForm(Form):
    name = StringField(_l("Bezeichnung"), validators=[DataRequired(REQUIRED), Length(max=200)])
    indicators = LookupField(_l("Indikatoren"), validators=[DataRequired(REQUIRED)], lookup="indikatoren", multiple=True,
                             description=_l("Kürzel durch Komma trennen; passende Indikatoren werden vorgeschlagen."))  # fmt: skip
    level = StringField(_l("Ebene"), validators=[DataRequired(REQUIRED), Length(max=60)])
    period = StringField(
        _l("Zeitraum (Status)"),
        validators=[DataRequired(REQUIRED), Length(max=10), _period],
        description=PERIOD_HELP,
    )
    from_period = StringField(
        _l("Vergleichszeitraum (Dynamik, optional)"),
        validators=[Optional(), Length(max=10), _period],
    )
    min_population = IntegerField(
        _l("Mindesteinwohnerzahl"),
        default=300,
        validators=[Optional(), NumberRange(min=0, max=1_000_000, message=_l("0 bis 1.000.000."))],
    )
    status_thresholds = StringField(_l("Schwellen Status (Standardabweichungen)"), default="-1 1 1,5", validators=[Optional(), Length(max=60)],
                                    description=_l("Grenzen zwischen hoch, mittel, niedrig, sehr niedrig"))  # fmt: skip
    dynamics_thresholds = StringField(_l("Schwellen Dynamik"), default="-1 1", validators=[Optional(), Length(max=60)],
                                      description=_l("Grenzen zwischen positiv, stabil, negativ"))  # fmt: skip


class ExtractForm(Form):
    indicators = LookupField(_l("Indikatoren"), validators=[DataRequired(REQUIRED)], lookup="indikatoren", multiple=True,
                             description=_l("Kürzel durch Komma trennen."))  # fmt: skip
    level = StringField(_l("Ebene"), validators=[DataRequired(REQUIRED), Length(max=60)])
    within = LookupField(_l("Nur Räume unterhalb von"), validators=[Optional()], lookup="raeume")
    period_from = StringField(
        _l("Von Zeitraum"),
        validators=[DataRequired(REQUIRED), Length(max=10), _period],
        description=PERIOD_HELP,
    )
    period_to = StringField(
        _l("Bis Zeitraum"), validators=[DataRequired(REQUIRED), Length(max=10), _period]
    )
    file_format = RadioField(
        _l("Format"), choices=options([("csv", "CSV"), ("xlsx", "XLSX (Excel)")]), default="csv"
    )
    purpose = StringField(_l("Zweck (für das Protokoll)"), validators=[Optional(), Length(max=300)],
                          description=_l("z. B. Jugendhilfeplanung 2026"))  # fmt: skip
