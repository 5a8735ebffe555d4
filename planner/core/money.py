"""Money as exact decimals: stored as whole cents (an integer on SQLite and PostgreSQL alike, so
that sums in SQL never drift the way SQLite's floating NUMERIC would), read and written as
``Decimal`` with two places; German input ("12.500,50 €") parsed with a German message."""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import BigInteger
from sqlalchemy.types import TypeDecorator

from planner.core.transaction import DomainError

CENT = Decimal("0.01")
MAX_MONEY = Decimal("999999999999.99")  # below a trillion euros: far beyond any budget line
_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


class MoneyError(DomainError):
    """An amount that is not one; the message says why."""


class Money(TypeDecorator):
    """A ``Decimal`` amount in euros with cents, stored as integer cents."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        amount = Decimal(value)
        cents = amount * 100
        if cents != cents.to_integral_value():
            raise ValueError(f"{value} has more than two decimal places")
        return int(cents)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(CENT)

    def coerce_compared_value(self, op, value):
        return self


_PLAIN = re.compile(r"^\d+([.,]\d+)?$")  # 12500 12500,5 12500.5
_GERMAN = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")  # 12.500 12.500,50


def parse_money(text, *, allow_zero: bool = True) -> Decimal | None:
    """ "12.500,50", "12 500,50 €", "12500.5" -> Decimal("12500.50"); empty -> None.

    Refused with a German message: what is no amount (letters, "1e5", "12,500.00"), a negative
    one, more than cents, an absurd size.
    """
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if isinstance(text, Decimal | int):
        value = Decimal(text)
    else:
        raw = str(text).replace("€", "").replace("EUR", "").replace("\u00a0", "").replace(" ", "")
        negative = raw.startswith("-")
        digits = raw[1:] if negative else raw
        if _GERMAN.match(digits) or _THOUSANDS.match(digits):
            digits = digits.replace(".", "").replace(",", ".")
        elif _PLAIN.match(digits):
            digits = digits.replace(",", ".")
        else:
            raise MoneyError(
                _("„%(text)s“ ist kein Betrag. Beispiel: 12.500,00", text=str(text)[:40])
            )
        value = -Decimal(digits) if negative else Decimal(digits)
    if not value.is_finite():
        raise MoneyError(_("Bitte geben Sie einen Betrag an."))
    if value < 0:
        raise MoneyError(_("Ein Betrag darf nicht negativ sein."))
    if value == 0 and not allow_zero:
        raise MoneyError(_("Der Betrag muss größer als 0 sein."))
    if value > MAX_MONEY:
        raise MoneyError(_("Dieser Betrag ist zu groß."))
    if value != value.quantize(CENT):
        raise MoneyError(_("Bitte höchstens zwei Nachkommastellen (Cent)."))
    return value.quantize(CENT)


def money_input(value: Decimal | None) -> str:
    """The value as it is typed back into a form: "12.500,50" (fmt_money without the sign)."""
    from planner.core.i18n import fmt_money

    return fmt_money(value).removesuffix("\u00a0€")
