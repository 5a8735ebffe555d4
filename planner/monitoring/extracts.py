"""Data extracts: chosen indicators, areas and periods as CSV or XLSX, small counts withheld
as on every page, and every extract logged (who, when, what, the state of the data)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from planner.core.pagination import Page, paginate
from planner.core.transaction import DomainError
from planner.extensions import db
from planner.monitoring import tabular
from planner.monitoring.catalogue import indicators_by_codes
from planner.monitoring.index import MAX_INDICATORS
from planner.monitoring.models import Area, DataExtract, Indicator, Observation
from planner.monitoring.values import area_filter, data_state, secrecy_limit, show

MAX_ROWS = 200_000


class ExtractError(DomainError):
    pass


@dataclass
class ExtractSpec:
    codes: list[str]
    level: str
    within: Area | None
    period_from: str
    period_to: str
    file_format: str = "csv"
    purpose: str | None = None


def build(spec: ExtractSpec, user) -> tuple[bytes, str, str, int]:
    try:
        indicators: list[Indicator] = indicators_by_codes(spec.codes, MAX_INDICATORS)
    except DomainError as exc:
        raise ExtractError(str(exc)) from exc
    if spec.period_from > spec.period_to:
        raise ExtractError(_("Der erste Zeitraum liegt nach dem letzten."))
    by_id = {i.id: i for i in indicators}
    stmt = (
        select(Observation, Area.code, Area.name)
        .join(Area, Area.id == Observation.area_id)
        .where(
            Observation.indicator_id.in_(list(by_id)),
            Observation.period >= spec.period_from,
            Observation.period <= spec.period_to + "~",
        )
        .order_by(Observation.indicator_id, Observation.period, Area.code)
        .limit(MAX_ROWS + 1)
    )
    stmt = area_filter(stmt, spec.level, spec.within)
    limit = secrecy_limit()
    header = [
        "indikator",
        "raum",
        "name",
        "zeitraum",
        "wert",
        "zaehler",
        "nenner",
        "status",
        "hinweis",
    ]
    rows = []
    for obs, code, name in db.session.execute(stmt):
        indicator = by_id[obs.indicator_id]
        shown = show(obs, indicator, user, limit)
        note = (
            _("geheim gehalten") if shown.withheld or (shown.secret and shown.value is None)
            else _("aus Zählern berechnet") if shown.derived else ""
        )  # fmt: skip
        hide_counts = shown.value is None
        rows.append([
            indicator.code, code, tabular.csv_safe(name), obs.period,
            shown.value, None if hide_counts else obs.numerator, None if hide_counts else obs.denominator,
            "vorläufig" if shown.provisional else "endgültig", note,
        ])  # fmt: skip
    if len(rows) > MAX_ROWS:
        raise ExtractError(
            _(
                "Der Auszug wäre größer als %(n)s Zeilen; bitte enger wählen.",
                n=f"{MAX_ROWS:,}".replace(",", "."),
            )
        )
    if not rows:
        raise ExtractError(_("Für diese Auswahl gibt es keine Werte."))
    state = data_state()
    db.session.add(
        DataExtract(
            user_id=user.id,
            purpose=spec.purpose,
            indicators=[i.code for i in indicators],
            areas=(spec.level + (f" in {spec.within.code}" if spec.within else ""))[:300],
            periods=f"{spec.period_from}–{spec.period_to}",
            file_format=spec.file_format,
            rows=len(rows),
            data_state=state,
        )
    )
    db.session.flush()
    name = f"auszug-{spec.period_from}-{spec.period_to}"
    if spec.file_format == "xlsx":
        return (
            tabular.xlsx_bytes(header, rows),
            f"{name}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            len(rows),
        )
    body = tabular.csv_bytes(
        header,
        ([r[0], r[1], r[2], r[3], tabular.german_number(r[4], by_code_decimals(indicators, r[0])),
          tabular.german_number(r[5], 0) if r[5] is not None else "", tabular.german_number(r[6], 0) if r[6] is not None else "",
          r[7], r[8]] for r in rows),
    )  # fmt: skip
    return (
        body,
        f"{name}.csv",
        "text/csv; charset=utf-8",
        len(rows),
    )


def by_code_decimals(indicators: list[Indicator], code: str) -> int:
    for i in indicators:
        if i.code == code:
            return i.decimals
    return 2


def extract_log(page: int) -> Page:
    return paginate(
        select(DataExtract)
        .options(joinedload(DataExtract.user))
        .order_by(DataExtract.created_at.desc(), DataExtract.id.desc()),
        page,
    )
