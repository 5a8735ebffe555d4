import re
from collections.abc import Iterable
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from planner.core.lookup import LookupField
from planner.core.models import date_range_error


def options(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(str(value), label) for value, label in pairs]


# Single-line fields take no control characters at all (no NUL, which PostgreSQL refuses, no
# newline, which breaks headers and .ics lines); multi-line fields take tab and line breaks.
CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # what an INTEGER column holds on every database


def _no_control(pattern: re.Pattern):
    def check(form, field):
        if isinstance(field.data, str) and pattern.search(field.data):
            raise ValidationError(
                _("Bitte entfernen Sie die Steuerzeichen (z. B. Zeilenumbrüche) aus der Eingabe.")
                if pattern is CONTROL_LINE
                else _("Die Eingabe enthält unzulässige Steuerzeichen.")
            )

    return check


def _date_in_range(form, field):
    value = field.data
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date) and (error := date_range_error(value)):
        raise ValidationError(error)


def _int_in_range(form, field):
    if isinstance(field.data, int) and not INT_MIN <= field.data <= INT_MAX:
        raise ValidationError(_("Diese Zahl ist zu groß."))


def input_rules(field) -> list:
    """The checks every field of its kind gets, whatever the form says."""
    if isinstance(field, DateField | DateTimeLocalField):
        return [_date_in_range]
    if isinstance(field, IntegerField):
        return [_int_in_range]
    if field.type == "TextAreaField":
        return [_no_control(CONTROL_TEXT)]
    if isinstance(field, StringField):  # also e-mail, search, password, hidden fields
        return [_no_control(CONTROL_LINE)]
    return []


class Form(FlaskForm):
    """The base of every form: control characters, dates outside a sane range and numbers a
    database column cannot hold are refused at the field with a German message, before any
    service or database sees them."""

    def validate(self, extra_validators=None):
        extra = {name: list(v) for name, v in (extra_validators or {}).items()}
        for name, field in self._fields.items():
            if isinstance(field, SelectField) and isinstance(field.data, str):
                # Optional() waves blank input through unchecked: blank is the empty choice
                if not field.data.strip():
                    field.data = ""
            rules = input_rules(field)
            if rules:
                extra.setdefault(name, []).extend(rules)
        return super().validate(extra_validators=extra)


class AuditFilterForm(Form):
    object_type = SelectField(_l("Objekttyp"), validators=[Optional()], validate_choice=True)
    user = LookupField(
        _l("Benutzer"), validators=[Optional()], lookup="benutzer", resolve=False, description=None
    )
    date_from = DateField(_l("Von"), validators=[Optional()])
    date_to = DateField(_l("Bis"), validators=[Optional()])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_("Das Enddatum liegt vor dem Anfangsdatum."))
