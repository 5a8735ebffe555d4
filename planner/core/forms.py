from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError


def options(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(str(value), label) for value, label in pairs]


class AuditFilterForm(FlaskForm):
    object_type = SelectField("Objekttyp", validators=[Optional()], validate_choice=True)
    user_id = SelectField("Benutzer", validators=[Optional()])
    date_from = DateField("Von", validators=[Optional()])
    date_to = DateField("Bis", validators=[Optional()])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("Das Enddatum liegt vor dem Anfangsdatum.")
