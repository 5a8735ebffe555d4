"""The one import engine for observations, behind the upload page, the supplier's delivery
and the CLI.

Two passes: the whole file is read and checked first (every problem with row, column and a
German message; nothing is written while any problem is left), then the rows are written in
bulk within the caller's one transaction: new values inserted, changed values corrected with
the previous value kept in the history, and the values of parent areas summed again from
the counts of the areas below them. Valid rows are held in compact arrays, so that a
million-row file stays within a few dozen megabytes."""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import bindparam, insert, select, update

from planner.core.models import utcnow
from planner.core.transaction import DomainError
from planner.extensions import db
from planner.monitoring import tabular
from planner.monitoring.models import (
    Area,
    Indicator,
    Observation,
    ObservationHistory,
    ObservationState,
    Periodicity,
)
from planner.monitoring.periods import Period, PeriodError, parse_for

MAX_PROBLEMS = 500
CHUNK = 20_000
PROGRESS_EVERY = 5000

COLUMN_NAMES = {
    "indicator": {"indicator", "indikator", "kennzahl", "indikator-kürzel", "kürzel"},
    "area": {"area", "raum", "gebiet", "schlüssel", "schluessel", "raumschlüssel", "key", "code"},
    "period": {"period", "zeitraum", "periode", "jahr"},
    "value": {"value", "wert"},
    "numerator": {"numerator", "zähler", "zaehler"},
    "denominator": {"denominator", "nenner"},
}
IGNORED = {"name", "bezeichnung", "raumname", "hinweis"}


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


class ImportFailed(DomainError):
    def __init__(self, problems: list[Problem], count: int):
        self.problems = problems
        self.count = count
        super().__init__(_("Die Datei wurde nicht übernommen: %(n)s Problem(e) gefunden.", n=count))


class ValuesTaken(DomainError):
    """Another import wrote some of the same values after this one looked (a race)."""

    def __init__(self):
        super().__init__(
            _(
                "Gleichzeitig wurden dieselben Werte aus einer anderen Datei übernommen; es wurde "
                "nichts übernommen. Bitte laden Sie die Datei erneut hoch."
            )
        )


@dataclass
class Scope:
    """What a supplier owes: per schedule the indicators, the areas and the periods."""

    entries: list[tuple[frozenset[int], frozenset[int], Callable[[Period], bool]]]

    def covers(self, indicator_id: int, area_id: int, period: Period) -> bool:
        return any(
            indicator_id in inds and area_id in areas and periods(period)
            for inds, areas, periods in self.entries
        )


@dataclass
class Settings:
    layout: str = "long"  # or "wide"
    period: str | None = None  # the period of a wide file
    scope: Scope | None = None  # None: anything may be delivered (planners, CLI without --supplier)
    provisional: bool = False
    user_id: int | None = None
    delivery_id: int | None = None
    job_id: int | None = None


@dataclass
class Result:
    rows: int = 0
    inserted: int = 0
    corrected: int = 0
    unchanged: int = 0
    withheld: int = 0
    derived: int = 0
    keys: dict[int, set[str]] = field(default_factory=dict)  # indicator id -> periods
    counted: dict[int, set[str]] = field(default_factory=dict)  # those with counts


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _Rows:
    """Valid rows of one indicator in compact arrays (NaN for missing)."""

    __slots__ = ("area", "period", "value", "num", "den", "flags", "line")

    def __init__(self):
        self.area = array("q")
        self.period = array("i")
        self.value = array("d")
        self.num = array("d")
        self.den = array("d")
        self.flags = array("b")  # 1: withheld
        self.line = array("l")  # the row in the file

    def add(self, area_id, period_no, value, num, den, withheld, line):
        nan = math.nan
        self.area.append(area_id)
        self.period.append(period_no)
        self.value.append(nan if value is None else value)
        self.num.append(nan if num is None else num)
        self.den.append(nan if den is None else den)
        self.flags.append(1 if withheld else 0)
        self.line.append(line)

    def __len__(self):
        return len(self.area)


def _opt(x: float) -> float | None:
    return None if math.isnan(x) else x


class _Checker:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.problems: list[Problem] = []
        self.count = 0
        self.indicators = {
            code.lower(): (iid, Periodicity(per), computed, factor)
            for iid, code, per, computed, factor in db.session.execute(
                select(
                    Indicator.id,
                    Indicator.code,
                    Indicator.periodicity,
                    Indicator.computed,
                    Indicator.factor,
                )
            )
        }
        self.areas = {
            code.lower(): aid for aid, code in db.session.execute(select(Area.id, Area.code))
        }
        self.periods: list[str] = []
        self.period_no: dict[str, int] = {}
        self.parsed: dict[tuple[str, Periodicity], tuple[Period, int] | str] = {}
        # (indicator, area, period) of every valid row as one int: a set of ints is a third of a
        # dict of tuples; the row of a first occurrence is looked up only when a duplicate shows
        self.seen: set[int] = set()
        self.first_rows: dict[int, int] | None = None
        self.rows: dict[int, _Rows] = {}

    def first_row(self, key: int) -> int | None:
        if self.first_rows is None:  # once, at the first duplicate
            self.first_rows = {}
            for iid, rows in self.rows.items():
                for i in range(len(rows)):
                    k = (iid << 44) | (rows.area[i] << 14) | rows.period[i]
                    self.first_rows.setdefault(k, rows.line[i])
        return self.first_rows.get(key)

    def problem(self, row: int, column: str, message: str) -> None:
        self.count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(row, column, message))

    def period(self, text: str, periodicity: Periodicity):
        """(Period, its number in this file) or the German message why the text is none."""
        key = (text, periodicity)
        found = self.parsed.get(key)
        if found is None:
            try:
                period = parse_for(text, periodicity)
            except PeriodError as exc:
                found = str(exc)
            else:
                code = period.code
                if code not in self.period_no:
                    self.period_no[code] = len(self.periods)
                    self.periods.append(code)
                found = (period, self.period_no[code])
            self.parsed[key] = found
        return found

    def number(self, row, column, cell, decimal_comma, what):
        """``what``: "value", "numerator" or "denominator" (named only when it is wrong)."""
        try:
            return tabular.parse_number(cell, decimal_comma)
        except ValueError:
            what = {
                "value": _("Der Wert"),
                "numerator": _("Der Zähler"),
                "denominator": _("Der Nenner"),
            }[what]
            shown = tabular.clean_text(cell)[:30]
            self.problem(
                row, column, _("%(what)s „%(v)s“ ist keine gültige Zahl.", what=what, v=shown)
            )
            return False

    def add(self, row, cols, indicator_text, area_text, period_text, value, num, den, dc):
        """Check one value; cols names the columns (indicator, area, period, value)."""
        ok = True
        indicator = self.indicators.get(indicator_text.lower())
        if indicator is None:
            self.problem(row, cols[0], _("Unbekannter Indikator „%(c)s“.", c=indicator_text[:40]))
            ok = False
        area_id = self.areas.get(area_text.lower())
        if area_id is None:
            if area_text:
                self.problem(row, cols[1], _("Unbekannter Raum „%(c)s“.", c=area_text[:40]))
            else:
                self.problem(row, cols[1], _("Der Raumschlüssel fehlt."))
            ok = False
        if indicator is None:
            return
        iid, periodicity, computed, factor = indicator
        found = self.period(period_text, periodicity)
        if type(found) is str:
            self.problem(row, cols[2], found)
            return
        period, period_no = found
        value = self.number(row, cols[3], value, dc, "value")
        num = self.number(row, cols[4], num, dc, "numerator") if cols[4] else None
        den = self.number(row, cols[5], den, dc, "denominator") if cols[5] else None
        if value is False or num is False or den is False or not ok:
            return
        withheld_mark = tabular.WITHHELD_VALUE
        withheld = value is withheld_mark or num is withheld_mark or den is withheld_mark
        if withheld:
            value = num = den = None
        elif (num is not None and num < 0) or (den is not None and den < 0):
            column = cols[4] if num is not None and num < 0 else cols[5]
            self.problem(row, column, _("Zähler und Nenner dürfen nicht negativ sein."))
            return
        if value is None and not withheld:
            if num is not None and den is not None and computed:
                if den == 0:
                    self.problem(
                        row, cols[5], _("Der Nenner ist 0; der Wert kann nicht berechnet werden.")
                    )
                    return
                value = num / den * factor
            elif num is None and den is None:
                return  # an empty cell: nothing delivered
            else:
                self.problem(row, cols[3], _("Der Wert fehlt."))
                return
        scope = self.settings.scope
        if scope is not None and not scope.covers(iid, area_id, period):
            self.problem(
                row,
                cols[2],
                _(
                    "%(i)s für %(a)s im Zeitraum %(p)s wird von Ihrer Organisation nicht "
                    "geliefert (kein Lieferplan dafür).",
                    i=indicator_text[:40],
                    a=area_text[:40],
                    p=period.code,
                ),
            )
            return
        code = self.periods[period_no]
        key = (iid << 44) | (area_id << 14) | period_no
        if key in self.seen:
            self.problem(
                row,
                cols[3],
                _(
                    "Doppelt: %(i)s, %(a)s, %(p)s steht schon in Zeile %(r)s.",
                    i=indicator_text[:40],
                    a=area_text[:40],
                    p=code,
                    r=self.first_row(key),
                ),
            )
            return
        self.seen.add(key)
        if self.first_rows is not None:
            self.first_rows[key] = row
        rows = self.rows.get(iid)
        if rows is None:
            rows = self.rows[iid] = _Rows()
        rows.add(area_id, period_no, value, num, den, withheld, row)


def _columns(header: list[str]) -> dict[str, int]:
    found = {}
    for index, name in enumerate(header):
        for key, names in COLUMN_NAMES.items():
            if name in names and key not in found:
                found[key] = index
    return found


def _cell(cells: list, index: int | None):
    if index is None or index >= len(cells):
        return None
    return cells[index]


def check_file(
    path: Path, settings: Settings, progress: Callable[[int], None] | None = None
) -> _Checker:
    """Read and check the whole file; raises ImportFailed with every problem found."""
    checker = _Checker(settings)
    try:
        table = tabular.open_table(path)
    except tabular.TableError as exc:
        raise ImportFailed([Problem(1, "", str(exc))], 1) from exc
    try:
        header = table.header

        def name(i: int) -> str:
            return f"{column_letter(i)} ({header[i][:30]})" if i < len(header) else column_letter(i)

        if settings.layout == "wide":
            _check_wide(checker, table, name, progress)
        else:
            _check_long(checker, table, name, progress)
    except tabular.TableError as exc:
        raise ImportFailed(
            [*checker.problems, Problem(0, "", str(exc))][:MAX_PROBLEMS], checker.count + 1
        ) from exc
    finally:
        table.close()
    if checker.count:
        raise ImportFailed(checker.problems, checker.count)
    if not checker.rows:
        raise ImportFailed([Problem(2, "", _("Die Datei enthält keine Werte."))], 1)
    return checker


def _text(cells, index) -> str:
    if index is None or index >= len(cells):
        return ""
    cell = cells[index]
    return cell.strip() if type(cell) is str else tabular.clean_text(cell)


def _check_long(checker: _Checker, table, name, progress) -> None:
    columns = _columns(table.header)
    missing = [k for k in ("indicator", "area", "period", "value") if k not in columns]
    if missing:
        labels = {"indicator": "indikator", "area": "raum", "period": "zeitraum", "value": "wert"}
        checker.problem(
            1,
            "",
            _(
                "Es fehlen Spalten: %(c)s. Erwartet wird die Kopfzeile "
                "indikator;raum;zeitraum;wert[;zaehler;nenner].",
                c=", ".join(labels[m] for m in missing),
            ),
        )
        return
    idx = [
        columns.get(k) for k in ("indicator", "area", "period", "value", "numerator", "denominator")
    ]
    cols = [name(i) if i is not None else "" for i in idx]
    for count, (row, cells) in enumerate(table.rows, 1):
        if progress and count % PROGRESS_EVERY == 0:
            progress(count)
        texts = [_text(cells, idx[0]), _text(cells, idx[1]), _text(cells, idx[2])]
        bad = None
        if len(texts[0]) + len(texts[1]) + len(texts[2]) > 200 or tabular.has_control(
            "".join(texts)
        ):
            bad = next(
                i for i, t in enumerate(texts) if len(t) > 200 or tabular.has_control(t) or i == 2
            )
        if bad is not None:
            checker.problem(
                row, cols[bad], _("Der Eintrag ist zu lang oder enthält Steuerzeichen.")
            )
            continue
        if not texts[0]:
            checker.problem(row, cols[0], _("Der Indikator fehlt."))
            continue
        checker.add(
            row, cols, texts[0], texts[1], texts[2],
            _cell(cells, idx[3]), _cell(cells, idx[4]), _cell(cells, idx[5]), table.decimal_comma,
        )  # fmt: skip


def _check_wide(checker: _Checker, table, name, progress) -> None:
    header = table.header
    if not checker.settings.period:
        checker.problem(
            1,
            "",
            _("Für eine Tabelle mit einer Spalte je Indikator muss der Zeitraum gewählt werden."),
        )
        return
    area_col = next((i for i, h in enumerate(header) if h in COLUMN_NAMES["area"]), None)
    if area_col is None:
        checker.problem(1, "", _("Es fehlt die Spalte „raum“ mit dem Raumschlüssel."))
        return
    value_cols = []
    for index, head in enumerate(header):
        if index == area_col or head in IGNORED or not head:
            continue
        if head not in checker.indicators:
            checker.problem(
                1, name(index), _("Unbekannter Indikator „%(c)s“ in der Kopfzeile.", c=head[:40])
            )
            continue
        value_cols.append(index)
    if checker.count:
        return
    for count, (row, cells) in enumerate(table.rows, 1):
        if progress and count % PROGRESS_EVERY == 0:
            progress(count)
        area_text = _text(cells, area_col)
        if len(area_text) > 200 or tabular.has_control(area_text):
            checker.problem(
                row, name(area_col), _("Der Eintrag ist zu lang oder enthält Steuerzeichen.")
            )
            continue
        for index in value_cols:
            cols = [name(index), name(area_col), name(index), name(index), "", ""]
            checker.add(
                row, cols, header[index], area_text, checker.settings.period,
                _cell(cells, index), None, None, table.decimal_comma,
            )  # fmt: skip


def _same(old, value, num, den, withheld, state) -> bool:
    def eq(a, b):
        return (a is None and b is None) or (
            a is not None and b is not None and abs(a - b) <= 1e-9 * max(1.0, abs(a))
        )

    return (
        eq(old.value, value)
        and eq(old.numerator, num)
        and eq(old.denominator, den)
        and bool(old.withheld) == withheld
        and old.state == state
    )


_INSERT_COLUMNS = ("indicator_id", "area_id", "period", "value", "numerator", "denominator",
                   "withheld", "derived", "state", "delivery_id", "job_id", "updated_at")  # fmt: skip


def _bulk_insert(rows: list[tuple]) -> None:
    """New observations the fastest way each database takes them: COPY on PostgreSQL, the
    driver's own executemany on SQLite; no per-row work in SQLAlchemy. Values are already
    checked and typed (the timestamp prepared for the dialect by _stamp)."""
    from sqlalchemy.exc import IntegrityError

    connection = db.session.connection()
    columns = ", ".join(_INSERT_COLUMNS)
    try:
        if connection.dialect.name == "postgresql":
            raw = connection.connection.dbapi_connection
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY observations ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(_INSERT_COLUMNS))
            connection.exec_driver_sql(
                f"INSERT INTO observations ({columns}) VALUES ({marks})", rows
            )
    except (IntegrityError, connection.dialect.dbapi.IntegrityError) as exc:
        # COPY speaks to the driver directly: its unique-key error is not SQLAlchemy's
        raise ValuesTaken() from exc


def _stamp(now: datetime):
    """``now`` as the driver takes it for observations.updated_at."""
    dialect = db.session.connection().dialect
    if dialect.name == "postgresql":
        return now
    return Observation.__table__.c.updated_at.type._cached_bind_processor(dialect)(now)


def write(checker: _Checker, progress: Callable[[int], None] | None = None) -> Result:
    """Write the checked rows in the current transaction (the caller commits)."""
    settings = checker.settings
    now: datetime = utcnow()
    state = ObservationState.PROVISIONAL if settings.provisional else ObservationState.FINAL
    table = Observation.__table__
    result = Result()
    done = 0
    stamp = _stamp(now)
    if db.session.connection().dialect.name == "sqlite":
        # the indexes of millions of observations take new keys far faster with a page cache
        # larger than SQLite's 2 MB default (for this connection; released with it)
        db.session.connection().exec_driver_sql("PRAGMA cache_size = -98304")
    update_stmt = (
        update(table)
        .where(table.c.id == bindparam("oid"))
        .values(
            value=bindparam("v"),
            numerator=bindparam("n"),
            denominator=bindparam("d"),
            withheld=bindparam("w"),
            derived=False,
            state=state.value,
            delivery_id=settings.delivery_id,
            job_id=settings.job_id,
            updated_at=now,
        )
    )
    for iid, rows in checker.rows.items():
        period_codes = sorted({checker.periods[p] for p in set(rows.period)})
        result.keys[iid] = set(period_codes)
        counted = {
            checker.periods[rows.period[i]] for i in range(len(rows)) if not math.isnan(rows.num[i])
        }
        if counted:
            result.counted[iid] = counted
        existing = {}
        for start in range(0, len(period_codes), 200):
            for obs in db.session.execute(
                select(
                    table.c.id, table.c.area_id, table.c.period, table.c.value, table.c.numerator,
                    table.c.denominator, table.c.withheld, table.c.state, table.c.derived,
                    table.c.delivery_id, table.c.updated_at,
                ).where(table.c.indicator_id == iid, table.c.period.in_(period_codes[start : start + 200]))
            ):  # fmt: skip
                existing[(obs.area_id, obs.period)] = obs
        inserts, updates, history = [], [], []
        if not existing:  # new periods (the common case): straight into the bulk insert
            periods, state_value = checker.periods, state.value
            delivery_id, job_id = settings.delivery_id, settings.job_id
            for start in range(0, len(rows), CHUNK):
                end = min(start + CHUNK, len(rows))
                _bulk_insert([
                    (iid, a, periods[p], None if v != v else v, None if n != n else n,
                     None if d != d else d, f == 1, False, state_value, delivery_id, job_id, stamp)
                    for a, p, v, n, d, f in zip(rows.area[start:end], rows.period[start:end],
                                                rows.value[start:end], rows.num[start:end],
                                                rows.den[start:end], rows.flags[start:end], strict=True)
                ])  # fmt: skip
            result.inserted += len(rows)
            result.withheld += rows.flags.count(1)
            result.rows += len(rows)
            continue
        for i in range(len(rows)):
            area_id = rows.area[i]
            period = checker.periods[rows.period[i]]
            value, num, den = _opt(rows.value[i]), _opt(rows.num[i]), _opt(rows.den[i])
            withheld = bool(rows.flags[i])
            result.withheld += withheld
            old = existing.get((area_id, period))
            if old is None:
                inserts.append(
                    (iid, area_id, period, value, num, den, withheld, False, state.value,
                     settings.delivery_id, settings.job_id, stamp)
                )  # fmt: skip
            elif not old.derived and _same(old, value, num, den, withheld, state.value):
                result.unchanged += 1
            else:
                if not old.derived:
                    history.append(
                        {"observation_id": old.id, "value": old.value, "numerator": old.numerator,
                         "denominator": old.denominator, "withheld": old.withheld, "state": old.state,
                         "delivery_id": old.delivery_id, "valid_since": old.updated_at,
                         "replaced_at": now, "replaced_by_id": settings.user_id}
                    )  # fmt: skip
                    result.corrected += 1
                else:
                    result.inserted += 1
                updates.append(
                    {"oid": old.id, "v": value, "n": num, "d": den, "w": withheld}
                )  # fmt: skip
            if len(inserts) >= CHUNK:
                _bulk_insert(inserts)
                result.inserted += len(inserts)
                done += len(inserts)
                inserts = []
                if progress:
                    progress(done)
        if inserts:
            _bulk_insert(inserts)
            result.inserted += len(inserts)
            done += len(inserts)
        for start in range(0, len(history), CHUNK):
            db.session.execute(insert(ObservationHistory.__table__), history[start : start + CHUNK])
        for start in range(0, len(updates), CHUNK):
            db.session.execute(update_stmt, updates[start : start + CHUNK])
        done += len(updates)
        result.rows += len(rows)
        if progress:
            progress(done)
    from planner.monitoring.values import derive_parents

    result.derived = derive_parents(result.counted)
    return result


def import_file(
    path: Path, settings: Settings, progress: Callable[[str, int], None] | None = None
) -> Result:
    """Check and write a file in the current transaction (the caller commits or rolls back)."""
    checker = check_file(path, settings, (lambda n: progress("check", n)) if progress else None)
    if progress:
        progress("write", 0)  # the last moment a progress report may be committed
    return write(checker)
