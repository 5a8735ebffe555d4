"""Periods of observations, written ``2020``, ``2020-H2``, ``2020-Q4`` or ``2020-12``.

The written form is what is stored; within one periodicity it sorts as text in time order."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from planner.core.transaction import DomainError
from planner.monitoring.models import Periodicity

YEAR_MIN, YEAR_MAX = 1900, 2199
_PATTERN = re.compile(r"^\s*(\d{4})(?:-(?:(H[12])|(Q[1-4])|(0[1-9]|1[0-2])))?\s*$", re.IGNORECASE)
_PER_YEAR = {
    Periodicity.YEARLY: 1,
    Periodicity.HALF_YEARLY: 2,
    Periodicity.QUARTERLY: 4,
    Periodicity.MONTHLY: 12,
}


class PeriodError(DomainError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    year: int
    index: int  # 1-based within the year
    periodicity: Periodicity

    @property
    def code(self) -> str:
        match self.periodicity:
            case Periodicity.YEARLY:
                return f"{self.year}"
            case Periodicity.HALF_YEARLY:
                return f"{self.year}-H{self.index}"
            case Periodicity.QUARTERLY:
                return f"{self.year}-Q{self.index}"
        return f"{self.year}-{self.index:02d}"

    def __str__(self) -> str:
        return self.code

    @property
    def end(self) -> date:
        """The reference date (Stichtag): the last day of the period."""
        months = 12 // _PER_YEAR[self.periodicity]
        month = self.index * months
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    def shift(self, steps: int) -> Period:
        per_year = _PER_YEAR[self.periodicity]
        n = self.year * per_year + self.index - 1 + steps
        year, index = divmod(n, per_year)
        if not YEAR_MIN <= year <= YEAR_MAX:
            raise PeriodError(_("Der Zeitraum liegt außerhalb der Jahre 1900 bis 2199."))
        return Period(year, index + 1, self.periodicity)


def parse_period(text: str | None) -> Period:
    """The period a text means; a German message when it is none."""
    match = _PATTERN.match(text or "")
    if not match:
        raise PeriodError(
            _(
                "„%(text)s“ ist kein Zeitraum. Erlaubt sind z. B. 2020, 2020-H2, 2020-Q4 "
                "oder 2020-12.",
                text=(text or "")[:20],
            )
        )
    year = int(match.group(1))
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise PeriodError(_("Der Zeitraum liegt außerhalb der Jahre 1900 bis 2199."))
    half, quarter, month = match.group(2), match.group(3), match.group(4)
    if half:
        return Period(year, int(half[1]), Periodicity.HALF_YEARLY)
    if quarter:
        return Period(year, int(quarter[1]), Periodicity.QUARTERLY)
    if month:
        return Period(year, int(month), Periodicity.MONTHLY)
    return Period(year, 1, Periodicity.YEARLY)


def parse_for(text: str | None, periodicity: Periodicity) -> Period:
    period = parse_period(text)
    if period.periodicity != periodicity:
        raise PeriodError(
            _(
                "Der Zeitraum %(period)s passt nicht zur Periodizität „%(p)s“ des Indikators.",
                period=period.code,
                p=periodicity.label,
            )
        )
    return period


def period_range(first: Period, last: Period, limit: int = 400) -> list[Period]:
    if first.periodicity != last.periodicity:
        raise PeriodError(_("Anfang und Ende des Zeitraums haben verschiedene Periodizitäten."))
    periods, current = [], first
    while current <= last and len(periods) < limit:
        periods.append(current)
        current = current.shift(1)
    return periods
