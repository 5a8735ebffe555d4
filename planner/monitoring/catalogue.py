"""The indicator catalogue: saving an indicator (the "Indikatorenblatt") and the CSV import."""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import partial
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from planner.accounts.models import Organisation
from planner.core.lookup import like_pattern
from planner.core.pagination import Page, paginate
from planner.core.transaction import DomainError, flush_or_raise
from planner.extensions import db
from planner.monitoring import tabular
from planner.monitoring.imports import ImportFailed, Problem
from planner.monitoring.models import Indicator, Observation, Periodicity, Polarity


class IndicatorError(DomainError):
    pass


class IndicatorCodeTaken(IndicatorError):
    pass


@dataclass
class IndicatorData:
    code: str
    name: str
    unit: str
    polarity: str
    topic: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    factor: int = 100
    computed: bool = True
    source: str | None = None
    supplier_id: int | None = None
    periodicity: str = Periodicity.YEARLY.value
    decimals: int = 1
    notes: str | None = None


def indicator_page(q: str | None, topic: str | None, page: int) -> Page:
    stmt = select(Indicator)
    if q:
        pattern = like_pattern(q)
        stmt = stmt.where(
            or_(
                func.lower(Indicator.code).like(pattern, escape="\\"),
                func.lower(Indicator.name).like(pattern, escape="\\"),
            )
        )
    if topic:
        stmt = stmt.where(Indicator.topic == topic)
    return paginate(stmt.order_by(Indicator.topic, Indicator.code), page, per_page=100)


def topics() -> list[str]:
    return [
        t
        for t in db.session.scalars(
            select(Indicator.topic).distinct().order_by(Indicator.topic).limit(200)
        )
        if t
    ]


def save_indicator(indicator: Indicator | None, data: IndicatorData) -> Indicator:
    code = data.code.strip()
    taken = db.session.scalar(
        select(Indicator.id).where(func.lower(Indicator.code) == code.lower())
    )
    if taken and (indicator is None or taken != indicator.id):
        raise IndicatorCodeTaken(_("Das Kürzel %(c)s ist schon vergeben.", c=code))
    if indicator is not None and indicator.periodicity.value != data.periodicity:
        if db.session.scalar(
            select(Observation.id).where(Observation.indicator_id == indicator.id).limit(1)
        ):
            raise IndicatorError(
                _("Die Periodizität kann nicht mehr geändert werden: es gibt schon Werte.")
            )
    if indicator is None:
        indicator = Indicator()
        db.session.add(indicator)
    for f in fields(data):
        value = getattr(data, f.name)
        setattr(indicator, f.name, value.strip() if isinstance(value, str) else value)
    indicator.polarity = Polarity(data.polarity)
    indicator.periodicity = Periodicity(data.periodicity)
    flush_or_raise(IndicatorCodeTaken(_("Das Kürzel %(c)s ist schon vergeben.", c=code)))
    return indicator


def indicators_by_codes(codes: list[str], limit: int) -> list[Indicator]:
    """The indicators the codes name (case does not matter), each once, in the codes' order;
    an unknown code, none or too many are refused with a German message."""
    if not codes:
        raise IndicatorError(_("Bitte mindestens einen Indikator wählen."))
    if len(codes) > limit:
        raise IndicatorError(_("Höchstens %(n)s Indikatoren.", n=limit))
    lowered = [c.strip().lower() for c in codes]
    found = {
        i.code.lower(): i
        for i in db.session.scalars(
            select(Indicator).where(func.lower(Indicator.code).in_(lowered))
        )
    }
    chosen = {}
    for code in lowered:
        if code not in found:
            raise IndicatorError(_("Unbekannter Indikator „%(c)s“.", c=code[:40]))
        chosen[found[code].id] = found[code]
    return list(chosen.values())


# other domains' references to an indicator: (label, function(indicator_id) -> a Select of ids)
INDICATOR_REFERENCES: list[tuple[str, object]] = []


def delete_indicator(indicator: Indicator) -> None:
    for label, build in INDICATOR_REFERENCES:
        if db.session.scalar(build(indicator.id).limit(1)) is not None:
            raise IndicatorError(
                _("Der Indikator wird noch verwendet (%(what)s) und kann nicht gelöscht werden.",
                  what=label)
            )  # fmt: skip
    if db.session.scalar(
        select(Observation.id).where(Observation.indicator_id == indicator.id).limit(1)
    ):
        raise IndicatorError(_("Der Indikator hat Werte und kann nicht gelöscht werden."))
    from planner.monitoring.models import schedule_indicators

    if db.session.scalar(
        select(schedule_indicators.c.schedule_id)
        .where(schedule_indicators.c.indicator_id == indicator.id)
        .limit(1)
    ):
        raise IndicatorError(
            _("Der Indikator steht in einem Lieferplan und kann nicht gelöscht werden.")
        )
    db.session.delete(indicator)
    db.session.flush()


_POLARITIES = {
    "higher_is_worse": Polarity.HIGHER_IS_WORSE,
    "higher_is_better": Polarity.HIGHER_IS_BETTER,
    "hoeher_ist_schlechter": Polarity.HIGHER_IS_WORSE,
    "hoeher_ist_besser": Polarity.HIGHER_IS_BETTER,
}
_PERIODICITIES = {p.value: p for p in Periodicity} | {
    "yearly": Periodicity.YEARLY, "half-yearly": Periodicity.HALF_YEARLY,
    "quarterly": Periodicity.QUARTERLY, "monthly": Periodicity.MONTHLY,
}  # fmt: skip
_TRUE = {"1", "ja", "yes", "true", "wahr", "x"}
_LENGTHS = {"code": 40, "name": 200, "unit": 40, "topic": 100, "source": 300, "supplier": 200}


def import_indicators_csv(path: Path) -> tuple[int, int]:
    """Create or update indicators by code; all or nothing. Returns (created, updated)."""
    table = tabular.open_table(path)
    problems: list[Problem] = []
    records = []
    try:
        required = ["code", "name", "unit", "polarity"]
        missing = [c for c in required if c not in table.header]
        if missing:
            raise ImportFailed(
                [
                    Problem(
                        1,
                        "",
                        _(
                            "Es fehlen Spalten: %(c)s. Erwartet wird mindestens code;name;unit;polarity.",
                            c=", ".join(missing),
                        ),
                    )
                ],
                1,
            )
        col = {name: i for i, name in enumerate(table.header)}
        seen = {}
        for row, cells in table.rows:
            get = partial(tabular.named_cell, cells, col)
            rec = {name: get(name) for name in col}
            bad = next(
                (
                    k
                    for k, n in _LENGTHS.items()
                    if len(rec.get(k, "")) > n or tabular.has_control(rec.get(k, ""))
                ),
                None,
            )
            if bad:
                problems.append(
                    Problem(row, bad, _("Der Eintrag ist zu lang oder enthält Steuerzeichen."))
                )
                continue
            for name in ("code", "name", "unit"):
                if not rec[name]:
                    problems.append(Problem(row, name, _("Die Spalte „%(c)s“ ist leer.", c=name)))
            polarity = _POLARITIES.get(rec["polarity"].lower())
            if polarity is None:
                problems.append(
                    Problem(
                        row,
                        "polarity",
                        _(
                            "Polarität „%(p)s“ unbekannt: erlaubt sind higher_is_worse und higher_is_better.",
                            p=rec["polarity"][:30],
                        ),
                    )
                )
            periodicity = _PERIODICITIES.get((rec.get("periodicity") or "jaehrlich").lower())
            if periodicity is None:
                problems.append(
                    Problem(
                        row,
                        "periodicity",
                        _(
                            "Periodizität unbekannt: erlaubt sind jaehrlich, halbjaehrlich, quartalsweise, monatlich."
                        ),
                    )
                )
            factor, decimals = 100, 1
            try:
                if rec.get("factor"):
                    factor = int(tabular.parse_number(rec["factor"]))
                    if not 1 <= factor <= 1_000_000:
                        raise ValueError
            except (ValueError, TypeError):
                problems.append(
                    Problem(
                        row,
                        "factor",
                        _("Der Faktor muss eine ganze Zahl von 1 bis 1.000.000 sein."),
                    )
                )
            try:
                if rec.get("decimals"):
                    decimals = int(rec["decimals"])
                    if not 0 <= decimals <= 6:
                        raise ValueError
            except ValueError:
                problems.append(Problem(row, "decimals", _("Nachkommastellen: 0 bis 6.")))
            supplier_id = None
            if rec.get("supplier"):
                supplier_id = db.session.scalar(
                    select(Organisation.id)
                    .where(
                        or_(
                            func.lower(Organisation.name) == rec["supplier"].lower(),
                            func.lower(Organisation.short_name) == rec["supplier"].lower(),
                        )
                    )
                    .limit(1)
                )
                if supplier_id is None:
                    problems.append(
                        Problem(
                            row,
                            "supplier",
                            _("Unbekannte Organisation „%(o)s“.", o=rec["supplier"][:60]),
                        )
                    )
            key = rec["code"].lower()
            if key in seen:
                problems.append(
                    Problem(
                        row,
                        "code",
                        _(
                            "Das Kürzel %(c)s steht schon in Zeile %(r)s.",
                            c=rec["code"],
                            r=seen[key],
                        ),
                    )
                )
            seen[key] = row
            if polarity and periodicity:
                records.append((row, IndicatorData(
                    code=rec["code"], name=rec["name"], unit=rec["unit"], polarity=polarity.value,
                    topic=rec.get("topic") or None, numerator=rec.get("numerator") or None,
                    denominator=rec.get("denominator") or None, factor=factor,
                    computed=(rec.get("computed") or "ja").lower() in _TRUE,
                    source=rec.get("source") or None, supplier_id=supplier_id,
                    periodicity=periodicity.value, decimals=decimals, notes=rec.get("notes") or None,
                )))  # fmt: skip
    finally:
        table.close()
    if not records and not problems:
        problems.append(Problem(2, "", _("Die Datei enthält keine Indikatoren.")))
    if problems:
        raise ImportFailed(problems[:500], len(problems))
    created = updated = 0
    existing = {c.lower(): i for i, c in db.session.execute(select(Indicator.id, Indicator.code))}
    for row, data in records:
        indicator = (
            db.session.get(Indicator, existing[data.code.lower()])
            if data.code.lower() in existing
            else None
        )
        try:
            save_indicator(indicator, data)
        except IndicatorError as exc:
            raise ImportFailed([Problem(row, "code", str(exc))], 1) from exc
        created += indicator is None
        updated += indicator is not None
    return created, updated
