"""Lists as spreadsheets: CSV (German: ``;``, decimal comma, dd.mm.yyyy, UTF-8 with BOM for
Excel) and XLSX (typed cells: dates, numbers and amounts with German number formats).

A list page offers its export with the filters it shows (``list_query()``); the export runs
the page's own query (its filters and its reader's visibility) without paging, up to
``EXPORT_LIMIT`` rows (see ``pagination.whole_list``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from planner.core.i18n import BERLIN

EXPORT_LIMIT = 50_000


def write_csv(header: list[str], rows, out: io.StringIO) -> None:
    """German CSV: ``;``, decimal comma (the caller formats numbers)."""
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)


def csv_bytes(header: list[str], rows) -> bytes:
    """A German CSV download: UTF-8 with BOM (Excel reads the umlauts), ``;``."""
    out = io.StringIO()
    write_csv(header, rows, out)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_safe(text: str) -> str:
    """Defuse spreadsheet formulas in text cells of an export (CSV injection)."""
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def xlsx_bytes(header: list[str], rows, sheet_title: str = "Daten", cell=None) -> bytes:
    """An XLSX download; ``cell(sheet, value, column_index)`` makes a typed cell of a value
    (default: the value, text defused)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    sheet.append(header)
    for row in rows:
        if cell is None:
            sheet.append([csv_safe(c) if isinstance(c, str) else c for c in row])
        else:
            sheet.append([cell(sheet, value, i) for i, value in enumerate(row)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class Column:
    """One column of a list's export: its German heading and how to read the value of a row
    (text, number, Decimal amount, date, date-time, yes/no or None)."""

    header: str
    value: Callable[[Any], Any]
    decimals: int | None = None  # numbers: fixed decimals (amounts: 2)


def _local(moment: datetime) -> datetime:
    """A date-time as Berlin wall-clock time (stored ones are UTC; meetings are local)."""
    return moment.astimezone(BERLIN).replace(tzinfo=None) if moment.tzinfo else moment


def german_decimal(value: float | Decimal, decimals: int | None = None) -> str:
    """A number with decimal comma (no thousands separator: the file is read by programs)."""
    if decimals is not None:
        text = f"{value:.{decimals}f}"
    else:
        text = f"{value:f}" if isinstance(value, Decimal) else repr(float(value))
        if "e" in text.lower():
            text = f"{value:.15f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def csv_cell(value, column: Column) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, datetime):
        return _local(value).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        return german_decimal(value, column.decimals)
    return csv_safe(str(value))


def _xlsx_cell(sheet, value, column: Column):
    from openpyxl.cell import WriteOnlyCell

    if value is None:
        return None
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, _local(value))
        cell.number_format = "DD.MM.YYYY HH:MM"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "DD.MM.YYYY"
        return cell
    if isinstance(value, int | float | Decimal):
        cell = WriteOnlyCell(sheet, float(value) if isinstance(value, Decimal) else value)
        if column.decimals is not None:
            cell.number_format = "#,##0" + ("." + "0" * column.decimals if column.decimals else "")
        return cell
    return csv_safe(str(value))


def table_bytes(kind: str, columns: list[Column], rows: Iterable, title: str) -> bytes:
    """The rows (objects) as a CSV or XLSX file, one column per ``Column``."""
    header = [str(c.header) for c in columns]
    if kind == "xlsx":
        values = ([c.value(row) for c in columns] for row in rows)
        return xlsx_bytes(header, values, title, cell=lambda sheet, value, i: _xlsx_cell(sheet, value, columns[i]))  # fmt: skip
    return csv_bytes(header, ([csv_cell(c.value(row), c) for c in columns] for row in rows))
