"""Locale and time zone. German is the default; English can be switched on later."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import numbers as babel_numbers
from flask import current_app
from flask_babel import format_date, format_datetime

SUPPORTED_LOCALES = ("de",)
BERLIN = ZoneInfo("Europe/Berlin")  # the time zone of every date a user sees


def select_locale() -> str:
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "de")


def select_timezone() -> str:
    return current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Berlin")


def fmt_date(value: date | datetime | None) -> str:
    """19.06.2017"""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "dd.MM.yyyy")
    return format_date(value, "dd.MM.yyyy")


def fmt_datetime(value: datetime | None) -> str:
    """19.06.2017, 14:30 (Europe/Berlin)"""
    if value is None:
        return ""
    return format_datetime(value, "dd.MM.yyyy, HH:mm")


def fmt_money(value: Decimal | float | int | None) -> str:
    """70.000,00 €"""
    if value is None:
        return ""
    if isinstance(value, Decimal | int):
        # the same text as Babel's de_DE "#,##0.00" (a test compares them), at a twentieth of
        # its cost: an overview of a Land formats thousands of amounts
        text = f"{Decimal(value):,.2f}".replace(",", "\u2009").replace(".", ",")
        return text.replace("\u2009", ".") + "\u00a0€"
    return babel_numbers.format_decimal(value, format="#,##0.00", locale="de_DE") + "\u00a0€"
