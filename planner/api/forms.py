from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, Length

from planner.core.forms import Form


class TokenForm(Form):
    name = StringField(
        _l("Bezeichnung"),
        validators=[DataRequired(_l("Bitte geben Sie eine Bezeichnung an.")), Length(max=100)],
        description=_l("Wofür der Zugang dient, z. B. „Statistikstelle, nächtlicher Abgleich“."),
    )
    expires_on = DateField(
        _l("Gültig bis einschließlich"),
        validators=[DataRequired(_l("Bitte geben Sie ein gültiges Datum an."))],
        description=_l("Höchstens ein Jahr ab heute."),
    )
