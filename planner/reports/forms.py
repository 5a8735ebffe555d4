from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from planner.core.forms import Form, options
from planner.core.lookup import LookupField
from planner.reports.models import SECTION_MAX
from planner.reports.services import MAX_COMMENT
from planner.reports.tags import KINDS

REQUIRED = _l("Bitte füllen Sie dieses Feld aus.")


class EditionForm(Form):
    title = StringField(_l("Titel"), validators=[DataRequired(REQUIRED), Length(max=200)],
                        description=_l("z. B. Sozialbericht 2017"))  # fmt: skip
    year = IntegerField(
        _l("Berichtsjahr"),
        validators=[DataRequired(REQUIRED),
                    NumberRange(min=1990, max=2100, message=_l("Bitte ein Jahr zwischen 1990 und 2100."))],
    )  # fmt: skip
    summary = TextAreaField(_l("Kurzbeschreibung"), validators=[Optional(), Length(max=5000)])


class SectionForm(Form):
    heading = StringField(_l("Überschrift"), validators=[DataRequired(REQUIRED), Length(max=200)])
    text = TextAreaField(
        _l("Text (Markdown)"),
        validators=[Optional(), Length(max=SECTION_MAX)],
        description=_l("Markdown: # Unterüberschrift, **fett**, *kursiv*, - Liste. Bausteine "
                       "stehen allein in einer Zeile, z. B. {{tabelle indikator=SGB2 "
                       "ebene=Kommune zeitraum=2016}}; der Baustein-Assistent fügt sie ein."),
    )  # fmt: skip


class PickerForm(Form):
    """Builds a tag (the picker beside the editor); GET, no CSRF."""

    art = SelectField(_l("Baustein"), choices=options((k, v.label) for k, v in KINDS.items()))
    indikator = LookupField(_l("Indikator"), validators=[Optional()], lookup="indikatoren",
                            description=_l("Tippen Sie Kürzel oder Namen."))  # fmt: skip
    ebene = SelectField(_l("Ebene"), validators=[Optional()], choices=[])
    zeitraum = StringField(_l("Zeitraum"), validators=[Optional(), Length(max=7)],
                           description=_l("z. B. 2016"))  # fmt: skip
    gebiet = LookupField(_l("Raum"), validators=[Optional()], lookup="raeume",
                         description=_l("Für Profil, Verlauf, Maßnahmen oder „in“ einer Tabelle "
                                        "oder Karte."))  # fmt: skip
    lauf = SelectField(_l("Indexlauf"), validators=[Optional()], choices=[])


class AgreementForm(Form):
    due = DateField(_l("Stellungnahmen bis"), validators=[DataRequired(REQUIRED)])
    step = LookupField(_l("Prozessschritt der Abstimmung"), validators=[Optional()],
                       lookup="schritte",
                       description=_l("Der Schritt des Prozessplans, z. B. „Abstimmung des "
                                      "Sozialberichts mit den Kommunen“."))  # fmt: skip


class DecisionForm(Form):
    resolution = LookupField(_l("Beschluss"), validators=[DataRequired(REQUIRED)],
                             lookup="beschluesse",
                             description=_l("Der Beschluss des Gremiums, z. B. des Kreistags."))  # fmt: skip


class PublishForm(Form):
    on = DateField(_l("Veröffentlicht am"), validators=[DataRequired(REQUIRED)])


class CommentForm(Form):
    comment = TextAreaField(_l("Ihre Stellungnahme"),
                            validators=[DataRequired(REQUIRED), Length(max=MAX_COMMENT)])  # fmt: skip


class AnswerForm(Form):
    answer = TextAreaField(_l("Antwort"), validators=[Optional(), Length(max=MAX_COMMENT)])
    resolve = BooleanField(_l("Als erledigt markieren"))


class CompareForm(Form):
    a = SelectField(_l("Ausgabe A"), choices=[])
    b = SelectField(_l("Ausgabe B"), choices=[])
    indikatoren = LookupField(_l("Indikatoren"), validators=[Optional()], lookup="indikatoren",
                              multiple=True,
                              description=_l("Leer: alle Indikatoren, die beide Ausgaben "
                                             "zitieren."))  # fmt: skip
