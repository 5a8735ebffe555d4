"""The funding domain's common ground: the kinds of deadlines it owns, its errors (each shown at
the field it concerns), the reading of amounts, percentages, years and dates, and a programme's
rule (maximum amount, minimum own share) that every application is checked against."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import BigInteger, type_coerce

from planner.accounts.models import Organisation, User
from planner.core.i18n import fmt_money
from planner.core.models import date_range_error
from planner.core.money import CENT, MoneyError, parse_money
from planner.core.transaction import DomainError
from planner.extensions import db
from planner.funding.models import YEAR_MAX, YEAR_MIN, FundingModule, FundingProgramme

CALL_OWNER = "funding_call"
OBLIGATION_OWNER = "grant_obligation"
MAX_LINKS = 50  # measures or steps per application, measures per budget line
MAX_OBLIGATIONS = 40
LIFT_STEP_WEEKS = 6  # the body's next round of meetings
HUNDRED = Decimal(100)


class FundingError(DomainError):
    """A broken funding rule; the message is shown to the user."""


class AmountError(FundingError):
    """An amount that is not one, or breaks the programme's rule (shown at the amount)."""


class OwnShareError(AmountError):
    pass


class GrantError(AmountError):
    pass


class DateError(FundingError):
    pass


class YearError(FundingError):
    pass


class StatusError(FundingError):
    pass


class NameTaken(FundingError):
    pass


class ResolutionError(FundingError):
    pass


class ModuleError(FundingError):
    pass


class CallError(FundingError):
    pass


class BlockError(FundingError):
    pass


class TotalCostsError(AmountError):
    """The total costs are no amount (shown at that field)."""


class PercentError(AmountError):
    pass


class SpentError(AmountError):
    pass


def money(
    text, *, positive: bool = False, error: type[AmountError] = AmountError
) -> Decimal | None:
    try:
        return parse_money(text, allow_zero=not positive)
    except MoneyError as exc:
        raise error(str(exc)) from None


def required_money(text, what: str, error: type[AmountError] = AmountError) -> Decimal:
    value = money(text, positive=True, error=error)
    if value is None:
        raise error(_("Bitte geben Sie %(what)s an.", what=what))
    return value


def parse_percent(text) -> Decimal | None:
    """ "20", "20,5 %" -> Decimal; empty -> None."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    raw = str(text).replace("%", "").replace(" ", "").replace(",", ".").strip()
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise PercentError(
            _("„%(t)s“ ist kein Prozentsatz. Beispiel: 20", t=str(text)[:20])
        ) from None
    if not value.is_finite() or value < 0 or value > HUNDRED:
        raise PercentError(_("Der Eigenanteil muss zwischen 0 und 100 % liegen."))
    if value != value.quantize(CENT):
        raise PercentError(_("Bitte höchstens zwei Nachkommastellen."))
    return value.quantize(CENT)


def fmt_percent(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value.normalize():f}".replace(".", ",")
    return f"{text}\u00a0%"


def checked_year(value, what=None) -> int:
    if value is None:
        raise YearError(what or _("Bitte geben Sie ein Jahr an."))
    if not YEAR_MIN <= value <= YEAR_MAX:
        raise YearError(_("Bitte ein Jahr zwischen %(a)s und %(b)s.", a=YEAR_MIN, b=YEAR_MAX))
    return value


def checked_day(day: date | None) -> date | None:
    if day is not None and (error := date_range_error(day)):
        raise DateError(error)
    return day


def clean(value, limit: int | None = None) -> str | None:
    text = (value or "").strip()
    return (text[:limit] if limit else text) or None


def organisation_of(org_id: int | None, what: str) -> Organisation | None:
    if org_id is None:
        return None
    org = db.session.get(Organisation, org_id)
    if org is None:
        raise FundingError(_("Bitte wählen Sie %(what)s.", what=what))
    return org


def active_user(user_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        raise FundingError(_("Bitte wählen Sie ein aktives Benutzerkonto."))
    return user


def raw(column):
    """A Money column as the integer cents it holds (sums in SQL stay exact)."""
    return type_coerce(column, BigInteger)


def cents(value) -> Decimal:
    """A sum of integer cents as euros."""
    return (Decimal(int(value or 0)) / 100).quantize(CENT)


# --- the programme's rule ------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    max_amount: Decimal | None
    own_share_percent: Decimal | None
    source: str  # the programme's or module's name, for the messages

    def min_own_share(self, total: Decimal) -> Decimal:
        if not self.own_share_percent:
            return Decimal("0.00")
        return (total * self.own_share_percent / HUNDRED).quantize(CENT, rounding=ROUND_CEILING)

    def max_request(self, total: Decimal) -> Decimal:
        limit = total - self.min_own_share(total)
        if self.max_amount is not None:
            limit = min(limit, self.max_amount)
        return limit


def rule_for(programme: FundingProgramme, module: FundingModule | None) -> Rule:
    """A module's own values, else the programme's."""
    max_amount = module.max_amount if module and module.max_amount is not None else None
    percent = module.own_share_percent if module and module.own_share_percent is not None else None
    return Rule(
        max_amount if max_amount is not None else programme.max_amount,
        percent if percent is not None else programme.own_share_percent,
        f"{programme.name} – {module.name}" if module else programme.name,
    )


def check_rule(rule: Rule, total: Decimal, requested: Decimal) -> None:
    """The request within the maximum; the own share (costs the request leaves open) at least
    the programme's percentage of the costs."""
    if requested > total:
        raise OwnShareError(
            _("Die beantragte Förderung (%(r)s) übersteigt die Gesamtausgaben (%(t)s).",
              r=fmt_money(requested), t=fmt_money(total))
        )  # fmt: skip
    if rule.max_amount is not None and requested > rule.max_amount:
        raise AmountError(
            _("„%(source)s“ fördert höchstens %(max)s; beantragt sind %(r)s.",
              source=rule.source, max=fmt_money(rule.max_amount), r=fmt_money(requested))
        )  # fmt: skip
    own = total - requested
    needed = rule.min_own_share(total)
    if own < needed:
        share = (own * HUNDRED / total).quantize(CENT)
        raise OwnShareError(
            _("Der Eigenanteil beträgt %(own)s (%(share)s); „%(source)s“ verlangt mindestens "
              "%(pct)s der Gesamtausgaben, hier %(needed)s. Beantragen Sie höchstens %(max)s.",
              own=fmt_money(own), share=fmt_percent(share), source=rule.source,
              pct=fmt_percent(rule.own_share_percent), needed=fmt_money(needed),
              max=fmt_money(rule.max_request(total)))
        )  # fmt: skip
