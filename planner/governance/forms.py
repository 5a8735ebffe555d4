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
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from planner.core.forms import Form, options
from planner.core.lookup import LookupField
from planner.governance.models import (
    BODY_KIND_LABELS,
    MEMBERSHIP_ROLE_LABELS,
    PAPER_KIND_LABELS,
    VOTE_LABELS,
)

REQUIRED = _l("Bitte füllen Sie dieses Feld aus.")
DATE_REQUIRED = _l("Bitte geben Sie ein gültiges Datum an.")
COUNT = NumberRange(min=0, max=100_000, message=_l("Bitte eine Zahl zwischen 0 und 100.000."))


class BodyForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=200)])
    short_name = StringField(_l("Kurzname"), validators=[Optional(), Length(max=60)])
    kind = SelectField(
        _l("Art"), choices=options(BODY_KIND_LABELS.items()), validators=[DataRequired(REQUIRED)]
    )
    organisation = LookupField(
        _l("Gehört zu (Organisation)"), validators=[Optional()], lookup="organisationen"
    )
    description = TextAreaField(_l("Beschreibung"), validators=[Optional(), Length(max=10000)],
                                description=_l("Markdown möglich."))  # fmt: skip


class BodyFilterForm(Form):
    q = SearchField(_l("Name enthält"), validators=[Optional(), Length(max=100)])
    archived = BooleanField(_l("Archivierte zeigen"))


class MembershipForm(Form):
    person = LookupField(
        _l("Person"), validators=[DataRequired(REQUIRED)], lookup="ansprechpersonen"
    )
    role = SelectField(
        _l("Rolle"),
        choices=options(MEMBERSHIP_ROLE_LABELS.items()),
        validators=[DataRequired(REQUIRED)],
    )
    start_date = DateField(_l("Von"), validators=[Optional()])
    end_date = DateField(_l("Bis"), validators=[Optional()])


class PaperForm(Form):
    reference = StringField(_l("Drucksachennummer"), validators=[DataRequired(REQUIRED), Length(max=60)],
                            description=_l("z. B. 2017/0123"))  # fmt: skip
    title = StringField(_l("Betreff"), validators=[DataRequired(REQUIRED), Length(max=300)])
    kind = SelectField(
        _l("Art"), choices=options(PAPER_KIND_LABELS.items()), validators=[DataRequired(REQUIRED)]
    )
    originator = LookupField(_l("Eingebracht von"), validators=[Optional()], lookup="organisationen",
                             description=_l("z. B. die Verwaltung oder eine Fraktion"))  # fmt: skip
    date = DateField(_l("Datum"), validators=[DataRequired(DATE_REQUIRED)])
    text = TextAreaField(
        _l("Text"),
        validators=[Optional(), Length(max=100_000)],
        description=_l("Markdown möglich."),
    )


class PaperFilterForm(Form):
    q = SearchField(_l("Nummer oder Betreff enthält"), validators=[Optional(), Length(max=100)])
    kind = SelectField(
        _l("Art"),
        choices=options([("", _l("Alle")), *PAPER_KIND_LABELS.items()]),
        validators=[Optional()],
    )


class ResolutionForm(Form):
    body = LookupField(_l("Gremium"), validators=[DataRequired(REQUIRED)], lookup="gremien")
    date = DateField(_l("Datum"), validators=[DataRequired(DATE_REQUIRED)])
    title = StringField(_l("Betreff"), validators=[DataRequired(REQUIRED), Length(max=300)])
    text = TextAreaField(
        _l("Beschlusstext"),
        validators=[Optional(), Length(max=100_000)],
        description=_l("Markdown möglich."),
    )
    vote = SelectField(_l("Abstimmung"), choices=options([("", _l("angenommen, Stimmen nicht erfasst")), *VOTE_LABELS.items()]),
                       validators=[Optional()])  # fmt: skip
    votes_yes = IntegerField(_l("Ja-Stimmen"), validators=[Optional(), COUNT])
    votes_no = IntegerField(_l("Nein-Stimmen"), validators=[Optional(), COUNT])
    votes_abstain = IntegerField(_l("Enthaltungen"), validators=[Optional(), COUNT])
    paper = LookupField(
        _l("Vorlage, über die entschieden wurde"), validators=[Optional()], lookup="vorlagen"
    )


class ResolutionFilterForm(Form):
    q = SearchField(_l("Betreff enthält"), validators=[Optional(), Length(max=100)])
    body = LookupField(
        _l("Gremium"), validators=[Optional()], lookup="gremien", resolve=False, description=None
    )
