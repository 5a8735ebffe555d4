"""Reading tables as German offices send them: CSV (``;`` or ``,``, UTF-8 with or without BOM
or Windows-1252) and XLSX, numbers with decimal comma and thousands dots, ``-`` or ``.`` for
missing and ``x`` or ``*`` for a value withheld for secrecy.

Formats are readers in a registry (``READERS``), picked by the content of the file, not by
its name. A reader yields rows as lists of cells; a cell is a str, a number or None."""

from __future__ import annotations

import codecs
import csv
import math
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _

from planner.core.exports import csv_bytes, csv_safe, write_csv, xlsx_bytes  # noqa: F401
from planner.core.transaction import DomainError

MAX_CELL = 2000
MAX_COLUMNS = 500
MAX_ABS = 1e12  # larger numbers are typing errors (and beyond what a float holds exactly)
MISSING = frozenset({"", "-", ".", "–", "—"})
WITHHELD = frozenset({"x", "X", "*"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_GERMAN_GROUPED = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_GERMAN = re.compile(r"^[+-]?\d+(,\d+)?$")
_POINT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_ENGLISH_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


class TableError(DomainError):
    """The file as a whole cannot be read (type, encoding, no header)."""


class Withheld:
    """A cell marked as withheld for secrecy."""


WITHHELD_VALUE = Withheld()


def parse_number(cell, decimal_comma: bool = True):
    """A cell as float; None when missing; WITHHELD_VALUE for x/*; ValueError when no number."""
    if cell is None:
        return None
    if type(cell) is str and decimal_comma:  # the common case first: "12,5" or "7"
        text = cell.strip()
        if _GERMAN.match(text):
            value = float(text.replace(",", "."))
            if abs(value) > MAX_ABS:
                raise ValueError
            return value
    if isinstance(cell, bool):
        raise ValueError
    if isinstance(cell, int | float):
        value = float(cell)
    else:
        text = str(cell).strip().replace("\u00a0", "").replace(" ", "")
        if text in MISSING:
            return None
        if text in WITHHELD:
            return WITHHELD_VALUE
        if decimal_comma and _GERMAN_GROUPED.match(text):
            value = float(text.replace(".", "").replace(",", "."))
        elif decimal_comma and _GERMAN.match(text):
            value = float(text.replace(",", "."))
        elif _POINT.match(text):
            value = float(text)
        elif not decimal_comma and _ENGLISH_GROUPED.match(text):
            value = float(text.replace(",", ""))
        else:
            raise ValueError
    if math.isnan(value) or math.isinf(value) or abs(value) > MAX_ABS:
        raise ValueError
    return value


def clean_text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = str(cell).strip()
    return text


def named_cell(cells: list, columns: dict[str, int], name: str) -> str:
    """The text of the cell in the column called ``name`` ("" when there is none)."""
    index = columns.get(name)
    return clean_text(cells[index]) if index is not None and index < len(cells) else ""


def has_control(text: str) -> bool:
    return bool(_CONTROL.search(text))


@dataclass
class Table:
    """An opened table: its header (lower-case names) and an iterator over the data rows
    (numbered as the user sees them: the header is row 1)."""

    header: list[str]
    rows: Iterator[tuple[int, list]]
    decimal_comma: bool
    kind: str
    close: Callable[[], None] = lambda: None


def _encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as such, else Windows-1252;
    read in chunks, never the whole file at once."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        bom = handle.read(3) == codecs.BOM_UTF8
        handle.seek(0)
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig" if bom else "utf-8"


def _open_csv(path: Path) -> Table:
    with path.open("rb") as handle:
        head = handle.read(4096)
    if b"\x00" in head:
        raise TableError(_("Die Datei ist keine Textdatei (CSV) und keine Excel-Tabelle (XLSX)."))
    encoding = _encoding(path)
    handle = path.open(encoding=encoding, errors="replace", newline="")
    first = ""
    for line in handle:
        if line.strip():
            first = line
            break
    if not first:
        handle.close()
        raise TableError(_("Die Datei ist leer."))
    handle.seek(0)
    counts = {sep: first.count(sep) for sep in (";", "\t", ",")}
    delimiter = max(counts, key=lambda s: counts[s]) if any(counts.values()) else ";"
    reader = csv.reader(handle, delimiter=delimiter)
    header: list[str] | None = None
    number = 0

    try:
        for cells in reader:
            number += 1
            if any(c.strip() for c in cells):
                header = cells
                break
    except csv.Error as exc:
        handle.close()
        raise TableError(_("Die CSV-Datei ist beschädigt: %(e)s", e=str(exc)[:100])) from exc
    if header is None:
        handle.close()
        raise TableError(_("Die Datei ist leer."))

    def data():
        nonlocal number
        try:
            for cells in reader:
                number += 1
                if cells and (cells[0].strip() or any(c.strip() for c in cells)):
                    yield number, cells
        except csv.Error as exc:
            raise TableError(
                _(
                    "Zeile %(row)s: die CSV-Datei ist beschädigt (%(e)s).",
                    row=number,
                    e=str(exc)[:100],
                )
            ) from exc

    return Table(
        header=[clean_text(h).lower() for h in header],
        rows=data(),
        decimal_comma=delimiter != ",",
        kind="csv",
        close=handle.close,
    )


def _open_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise TableError(_("Die Excel-Datei kann nicht gelesen werden.")) from exc
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    header = None
    number = 0
    for cells in iterator:
        number += 1
        if any(c is not None and str(c).strip() for c in cells):
            header = list(cells)
            break
    if header is None:
        workbook.close()
        raise TableError(_("Die Tabelle ist leer."))
    while header and (header[-1] is None or not str(header[-1]).strip()):
        header.pop()

    def data():
        nonlocal number
        for cells in iterator:
            number += 1
            if any(c is not None and str(c).strip() for c in cells):
                yield number, list(cells)

    return Table(
        header=[clean_text(h).lower() for h in header],
        rows=data(),
        decimal_comma=True,
        kind="xlsx",
        close=workbook.close,
    )


def _is_xlsx(path: Path) -> bool:
    if not zipfile.is_zipfile(path):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


# readers by kind; ``open_table`` picks one by the content of the file
READERS: dict[str, Callable[[Path], Table]] = {"csv": _open_csv, "xlsx": _open_xlsx}


def open_table(path: Path) -> Table:
    if path.stat().st_size == 0:
        raise TableError(_("Die Datei ist leer."))
    if _is_xlsx(path):
        table = READERS["xlsx"](path)
    elif zipfile.is_zipfile(path):
        raise TableError(
            _(
                "Diese Datei ist ein Archiv, aber keine Excel-Tabelle. Bitte CSV oder XLSX hochladen."
            )
        )
    else:
        table = READERS["csv"](path)
    if len(table.header) > MAX_COLUMNS:
        table.close()
        raise TableError(_("Die Tabelle hat mehr als %(n)s Spalten.", n=MAX_COLUMNS))
    return table


def german_number(value: float | None, decimals: int = 1) -> str:
    if value is None:
        return ""
    if round(value, decimals) == 0:
        value = 0.0  # no "-0,00"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
