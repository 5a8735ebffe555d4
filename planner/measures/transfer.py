"""Measures as a spreadsheet: the export of a filtered list (CSV, XLSX) and the bulk update of
status and progress from a CSV or XLSX file, all or nothing with a report of every problem
(the same engine parts and the same report as the data import)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from planner.extensions import db
from planner.measures import services
from planner.measures.models import STATUS_LABELS, Measure, MeasureStatus
from planner.monitoring.imports import ImportFailed, Problem, column_letter
from planner.monitoring.tabular import (
    TableError,
    csv_bytes,
    csv_safe,
    has_control,
    named_cell,
    open_table,
    parse_number,
    xlsx_bytes,
)

EXPORT_LIMIT = 50_000
MAX_ROWS = 5_000
MAX_PROBLEMS = 200
HEADER = ["nr", "titel", "status", "beginn", "ende", "budget_eur", "fortschritt_prozent",
          "verantwortlich", "begruendungen", "sitzung_nr", "teil_von_nr", "aktualisiert"]  # fmt: skip


def _rows(filters: services.MeasureFilter):
    stmt = (
        services.filtered(filters)
        .options(selectinload(Measure.organisations))
        .order_by(Measure.updated_at.desc(), Measure.id.desc())
        .limit(EXPORT_LIMIT)
        .execution_options(yield_per=1000)
    )
    for m in db.session.scalars(stmt):
        yield [
            m.id, csv_safe(m.title), str(m.status.label),
            m.start_date.strftime("%d.%m.%Y") if m.start_date else "",
            m.end_date.strftime("%d.%m.%Y") if m.end_date else "",
            f"{m.budget:.2f}".replace(".", ",") if m.budget is not None else "",
            m.progress if m.progress is not None else "",
            csv_safe(", ".join(o.name for o in m.organisations)),
            m.justification_count, m.meeting_id or "", m.parent_id or "",
            m.updated_at.strftime("%d.%m.%Y %H:%M"),
        ]  # fmt: skip


def export(filters: services.MeasureFilter, kind: str) -> bytes:
    if kind == "xlsx":
        return xlsx_bytes(HEADER, _rows(filters), "Maßnahmen")
    return csv_bytes(HEADER, _rows(filters))


# --- bulk update ----------------------------------------------------------------------------

_STATUS = {**{s.value: s for s in MeasureStatus},
           **{str(label).lower(): s for s, label in STATUS_LABELS.items()}}  # fmt: skip


@dataclass
class Change:
    measure: Measure
    status: MeasureStatus | None
    percent: int | None
    note: str | None
    day: date


def _integer(text: str) -> int | None:
    """A whole number in German or plain notation, else None."""
    try:
        value = parse_number(text)
    except ValueError:
        return None
    if not isinstance(value, float) or not value.is_integer() or abs(value) >= 2**31:
        return None
    return int(value)


def _day(text: str) -> date | None:
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def check_file(path: Path, user, today: date) -> list[Change]:
    """Pass 1: read the whole file, report every problem; nothing is written."""
    try:
        table = open_table(path)
    except TableError as exc:
        raise ImportFailed([Problem(1, "", str(exc))], 1) from None
    problems: list[Problem] = []
    try:
        header = table.header
        columns = {name: i for i, name in enumerate(header)}

        def where(name: str) -> str:
            i = columns[name]
            return f"{column_letter(i)} ({name})"

        if "nr" not in columns:
            raise ImportFailed(
                [Problem(1, "", _("Die Spalte „nr“ (Nummer der Maßnahme) fehlt."))], 1
            )
        if not {"status", "fortschritt_prozent", "vermerk"} & set(columns):
            raise ImportFailed([Problem(1, "", _(
                "Es fehlt eine Spalte, die etwas ändert: „status“, „fortschritt_prozent“ oder „vermerk“."
            ))], 1)  # fmt: skip
        parsed, seen = [], {}
        for number, cells in table.rows:
            if len(parsed) >= MAX_ROWS:
                problems.append(
                    Problem(number, "", _("Höchstens %(n)s Zeilen je Datei.", n=MAX_ROWS))
                )
                break
            parsed.append((number, cells))
    finally:
        table.close()

    ids = []
    for number, cells in parsed:
        text = named_cell(cells, columns, "nr")
        value = _integer(text) if text else None
        if value is None or value < 1:
            problems.append(
                Problem(
                    number, where("nr"), _("„%(t)s“ ist keine Nummer einer Maßnahme.", t=text[:40])
                )
            )
            ids.append(None)
            continue
        ids.append(value)
    measures = {
        m.id: m for m in db.session.scalars(
            select(Measure).where(Measure.id.in_([i for i in ids if i])).options(selectinload(Measure.organisations))
        )
    }  # fmt: skip
    changes = []
    for (number, cells), measure_id in zip(parsed, ids, strict=True):
        # every cell of every row is checked, also where the number already failed
        measure = None
        if measure_id is None:
            pass
        elif measure_id in seen:
            problems.append(Problem(number, where("nr"), _("Die Maßnahme %(n)s steht schon in Zeile %(row)s.",
                                                           n=measure_id, row=seen[measure_id])))  # fmt: skip
        elif (found := measures.get(measure_id)) is None:
            seen[measure_id] = number
            problems.append(
                Problem(number, where("nr"), _("Eine Maßnahme %(n)s gibt es nicht.", n=measure_id))
            )
        elif not services.may_edit(user, found):
            seen[measure_id] = number
            problems.append(Problem(number, where("nr"), _("Die Maßnahme %(n)s dürfen Sie nicht bearbeiten.",
                                                           n=measure_id)))  # fmt: skip
        else:
            seen[measure_id] = number
            measure = found
        status = None
        if "status" in columns and (text := named_cell(cells, columns, "status")):
            status = _STATUS.get(text.lower())
            if status is None:
                problems.append(Problem(number, where("status"), _(
                    "„%(t)s“ ist kein Status. Möglich: %(all)s.", t=text[:40],
                    all=", ".join(str(label) for label in STATUS_LABELS.values()))))  # fmt: skip
            elif (
                measure is not None
                and status != measure.status
                and status not in services.TRANSITIONS[measure.status]
            ):
                problems.append(Problem(number, where("status"), _(
                    "Von „%(old)s“ geht es nicht zu „%(new)s“, nur zu: %(next)s.", old=measure.status.label,
                    new=status.label, next=", ".join(f"„{s.label}“" for s in services.allowed_next(measure.status)))))  # fmt: skip
        percent = None
        if "fortschritt_prozent" in columns and (
            text := named_cell(cells, columns, "fortschritt_prozent")
        ):
            value = _integer(text)
            if value is None or not 0 <= value <= 100:
                problems.append(Problem(number, where("fortschritt_prozent"),
                                        _("„%(t)s“: bitte eine ganze Zahl von 0 bis 100.", t=text[:40])))  # fmt: skip
            else:
                percent = value
        note = None
        if "vermerk" in columns and (text := named_cell(cells, columns, "vermerk")):
            if has_control(text) or len(text) > 20_000:
                problems.append(
                    Problem(
                        number,
                        where("vermerk"),
                        _("Der Vermerk enthält Steuerzeichen oder ist zu lang."),
                    )
                )
            else:
                note = text
        day = today
        if "datum" in columns and (text := named_cell(cells, columns, "datum")):
            parsed_day = _day(text)
            if parsed_day is None or not date(1900, 1, 1) <= parsed_day <= date(2199, 12, 31):
                problems.append(
                    Problem(
                        number,
                        where("datum"),
                        _("„%(t)s“ ist kein Datum (TT.MM.JJJJ).", t=text[:40]),
                    )
                )
            else:
                day = parsed_day
        if measure is not None:
            changes.append(Change(measure, status, percent, note, day))
        if len(problems) >= MAX_PROBLEMS:
            break
    if not parsed and not problems:
        problems.append(Problem(2, "", _("Die Datei enthält keine Zeilen.")))
    if problems:
        raise ImportFailed(problems[:MAX_PROBLEMS], len(problems))
    return changes


def apply_file(path: Path, user, today: date) -> int:
    """Pass 2, in the caller's transaction: every change, or (on any problem) none."""
    changes = check_file(path, user, today)
    for change in changes:
        if change.status is not None and change.status != change.measure.status:
            services.set_status(change.measure, change.status, user)
        if change.percent is not None or change.note:
            services.add_progress(change.measure, change.day,
                                  change.note or _("Sammelaktualisierung"), change.percent, user)  # fmt: skip
    return len(changes)


def template_rows() -> bytes:
    return csv_bytes(["nr", "status", "fortschritt_prozent", "vermerk", "datum"],
                     [[1, "in Umsetzung", 40, "Träger gefunden, Start im März", "01.02.2026"]])  # fmt: skip
