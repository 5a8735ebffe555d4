"""The import engine: every German format quirk, every kind of error with row and column,
all-or-nothing, corrections into the history, parents summed from counts."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from planner.extensions import db as _db
from planner.monitoring import imports
from planner.monitoring.models import Observation, ObservationHistory
from planner.monitoring.tabular import WITHHELD_VALUE, parse_number


def _values(indicator, period="2020"):
    rows = _db.session.execute(
        select(Observation.area_id, Observation.value, Observation.numerator, Observation.denominator, Observation.withheld, Observation.derived)
        .where(Observation.indicator_id == indicator.id, Observation.period == period)
    )  # fmt: skip
    return {r.area_id: r for r in rows}


def _run(path, **settings):
    result = imports.import_file(path, imports.Settings(**settings))
    _db.session.commit()
    return result


@pytest.mark.parametrize(
    "cell, expected",
    [("1.234,5", 1234.5), ("1234,5", 1234.5), ("12,0", 12.0), ("-3,25", -3.25), ("1.234.567", 1234567.0),
     ("7", 7.0), (" 8 ", 8.0), ("0,5", 0.5), (3, 3.0), (2.5, 2.5), ("", None), ("-", None), (".", None), (None, None)],
)  # fmt: skip
def test_german_numbers(cell, expected):
    assert parse_number(cell) == expected


@pytest.mark.parametrize("cell", ["x", "X", "*"])
def test_withheld_marks(cell):
    assert parse_number(cell) is WITHHELD_VALUE


@pytest.mark.parametrize(
    "cell", ["abc", "1,2,3", "1e400", "nan", "inf", "12%", "1.23.4,5,6", "9" * 30]
)
def test_not_numbers(cell):
    with pytest.raises(ValueError):
        parse_number(cell)


def test_point_decimals_in_a_comma_separated_file(tree, write_file):
    path = write_file(
        "a.csv",
        'indicator,area,period,value\nINDEX_X,05001-01,2020,12.5\nINDEX_X,05001-02,2020,"1,234.5"\n',
    )
    _run(path)
    values = _values(tree.given)
    assert values[tree.a1.id].value == 12.5
    assert values[tree.a2.id].value == 1234.5


@pytest.mark.parametrize("encoding, bom", [("utf-8", False), ("utf-8", True), ("cp1252", False)])
def test_encodings_and_semicolons(tree, write_file, encoding, bom):
    text = "Indikator;Raum;Zeitraum;Wert;Zähler;Nenner\r\nSGB2;05001-01;2020;;1.200;10.000\r\nSGB2;05001-02;2020;-;;\r\n"
    raw = text.encode(encoding)
    path = write_file("b.csv", (b"\xef\xbb\xbf" if bom else b"") + raw)
    result = _run(path)
    values = _values(tree.quote)
    assert values[tree.a1.id].value == pytest.approx(12.0)  # computed: 1200 / 10000 * 100
    assert tree.a2.id not in values  # "-": missing, nothing stored
    assert result.rows == 1


def test_withheld_values_are_stored_without_a_number(tree, write_file):
    path = write_file(
        "c.csv", "indikator;raum;zeitraum;wert\nINDEX_X;05001-01;2020;x\nINDEX_X;05001-02;2020;*\n"
    )
    _run(path)
    values = _values(tree.given)
    assert values[tree.a1.id].withheld and values[tree.a1.id].value is None
    assert values[tree.a2.id].withheld


def test_wide_layout_with_the_period_chosen_at_upload(tree, write_file):
    path = write_file(
        "w.csv", "raum;name;SGB2;INDEX_X\n05001-01;Astadt-Nord;7,5;3\n05002-01;Bdorf-Mitte;;4,25\n"
    )
    _run(path, layout="wide", period="2021")
    assert _values(tree.quote, "2021")[tree.a1.id].value == 7.5
    assert _values(tree.given, "2021")[tree.b1.id].value == 4.25
    assert tree.b1.id not in _values(tree.quote, "2021")


def test_xlsx_long_layout(tree, write_file):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["indikator", "raum", "zeitraum", "wert", "zaehler", "nenner"])
    sheet.append(["SGB2", "05001-01", 2020, None, 50, 1000])
    sheet.append(["INDEX_X", "05002-01", "2020", "1.234,5", None, None])
    sheet.append(["INDEX_X", "05002-02", "2020", 17.25, None, None])
    out = io.BytesIO()
    workbook.save(out)
    _run(write_file("x.xlsx", out.getvalue()))
    assert _values(tree.quote)[tree.a1.id].value == pytest.approx(5.0)
    assert _values(tree.given)[tree.b1.id].value == 1234.5
    assert _values(tree.given)[tree.b2.id].value == 17.25


def _problems(path, **settings) -> list[tuple[int, str, str]]:
    with pytest.raises(imports.ImportFailed) as caught:
        imports.import_file(path, imports.Settings(**settings))
    _db.session.rollback()
    return [(p.row, p.column, p.message) for p in caught.value.problems]


def test_every_error_kind_is_listed_with_row_and_column(tree, write_file):
    path = write_file(
        "bad.csv",
        "indikator;raum;zeitraum;wert\n"
        "SGB2;05001-01;2020;5\n"  # row 2 fine
        "NOPE;05001-01;2020;5\n"  # 3 unknown indicator
        "SGB2;99999;2020;5\n"  # 4 unknown area
        "SGB2;05001-02;2020;fünf\n"  # 5 not a number
        "SGB2;05001-01;2020;6\n"  # 6 duplicate of row 2
        "SGB2;05002-01;2020-13;6\n"  # 7 no period
        "SGB2;05002-01;2020-Q1;6\n"  # 8 period of the wrong periodicity
        "SGB2;05002-01;1800;6\n",  # 9 year out of range
    )
    problems = _problems(path)
    rows = {row: (column, message) for row, column, message in problems}
    assert rows[3][0].startswith("A") and "Unbekannter Indikator „NOPE“" in rows[3][1]
    assert rows[4][0].startswith("B") and "Unbekannter Raum „99999“" in rows[4][1]
    assert rows[5][0].startswith("D") and "keine gültige Zahl" in rows[5][1]
    assert "Doppelt" in rows[6][1] and "Zeile 2" in rows[6][1]
    assert rows[7][0].startswith("C") and "kein Zeitraum" in rows[7][1]
    assert "passt nicht zur Periodizität" in rows[8][1]
    assert "1900 bis 2199" in rows[9][1]
    assert 2 not in rows
    assert _db.session.scalar(select(func.count()).select_from(Observation)) == 0


def test_missing_columns_and_empty_files(tree, write_file):
    assert (
        "Es fehlen Spalten: wert"
        in _problems(write_file("m.csv", "indikator;raum;zeitraum\nSGB2;05001-01;2020\n"))[0][2]
    )
    assert _problems(write_file("e.csv", ""))[0][2] == "Die Datei ist leer."
    assert "keine Werte" in _problems(write_file("h.csv", "indikator;raum;zeitraum;wert\n"))[0][2]
    assert (
        "Unbekannter Indikator „nope“ in der Kopfzeile"
        in _problems(write_file("w.csv", "raum;NOPE\n05001-01;1\n"), layout="wide", period="2020")[
            0
        ][2]
    )


def test_binary_and_archives_are_refused(tree, write_file):
    assert "keine Textdatei" in _problems(write_file("n.csv", b"\x00\x01\x02" * 50))[0][2]
    assert "keine Textdatei" in _problems(write_file("z.csv", b"PK\x03\x04" + b"\x00" * 100))[0][2]


def test_a_supplier_is_refused_values_it_does_not_owe(tree, write_file):
    scope = imports.Scope(
        [
            (
                frozenset({tree.quote.id}),
                frozenset({tree.a1.id, tree.a2.id}),
                lambda p: p.code == "2020",
            )
        ]
    )
    path = write_file(
        "s.csv",
        "indikator;raum;zeitraum;wert\nSGB2;05001-01;2020;5\nSGB2;05002-01;2020;5\nSGB2;05001-01;2019;5\nSVB;05001-01;2020;5\n",
    )
    problems = _problems(path, scope=scope)
    assert [row for row, _c, _m in problems] == [3, 4, 5]
    assert all("nicht geliefert" in m for _r, _c, m in problems)


def test_a_correction_keeps_the_previous_value(tree, write_file):
    _run(
        write_file(
            "1.csv",
            "indikator;raum;zeitraum;wert\nINDEX_X;05001-01;2020;10\nINDEX_X;05001-02;2020;20\n",
        )
    )
    result = _run(
        write_file(
            "2.csv",
            "indikator;raum;zeitraum;wert\nINDEX_X;05001-01;2020;11\nINDEX_X;05001-02;2020;20\n",
        )
    )
    assert (result.inserted, result.corrected, result.unchanged) == (0, 1, 1)
    assert _values(tree.given)[tree.a1.id].value == 11
    history = _db.session.scalars(select(ObservationHistory)).all()
    assert [(h.value, h.state) for h in history] == [(10, "endgueltig")]


def test_parents_are_computed_from_summed_counts_not_averaged_rates(tree, write_file):
    # A1 1/10 = 10 %, A2 90/100 = 90 %: the average of rates would be 50 %, the true rate 91/110
    _run(write_file("p.csv", "indikator;raum;zeitraum;wert;zaehler;nenner\n"
                             "SGB2;05001-01;2020;;1;10\nSGB2;05001-02;2020;;90;100\n"
                             "SGB2;05002-01;2020;;30;300\nSGB2;05002-02;2020;;0;50\n"))  # fmt: skip
    values = _values(tree.quote)
    assert values[tree.a.id].derived and values[tree.a.id].value == pytest.approx(91 / 110 * 100)
    assert values[tree.b.id].value == pytest.approx(30 / 350 * 100)
    assert values[tree.kreis.id].value == pytest.approx(121 / 460 * 100)
    assert (values[tree.kreis.id].numerator, values[tree.kreis.id].denominator) == (121, 460)
    # a correction below moves the parents; a withheld child leaves its parent open
    _run(
        write_file(
            "q.csv",
            "indikator;raum;zeitraum;wert;zaehler;nenner\nSGB2;05001-01;2020;;11;10\nSGB2;05002-02;2020;x;;\n",
        )
    )
    values = _values(tree.quote)
    assert values[tree.a.id].value == pytest.approx(101 / 110 * 100)
    assert tree.b.id not in values and tree.kreis.id not in values


def test_a_delivered_parent_value_is_not_overwritten(tree, write_file):
    _run(write_file("p.csv", "indikator;raum;zeitraum;wert;zaehler;nenner\n"
                             "SGB2;05001;2020;;500;1000\nSGB2;05001-01;2020;;1;10\nSGB2;05001-02;2020;;2;10\n"))  # fmt: skip
    values = _values(tree.quote)
    assert not values[tree.a.id].derived and values[tree.a.id].value == 50


def test_a_bad_last_row_in_a_large_file_leaves_the_database_unchanged(tree, write_file):
    """100,000 rows, the last one wrong: nothing is written (checked before writing)."""
    from sqlalchemy import insert

    from planner.monitoring.models import Area

    periods = [f"{y}-{m:02d}" for y in range(1900, 2100) for m in range(1, 13)]
    _db.session.execute(
        insert(Area),
        [
            {
                "code": f"X{n}",
                "name": f"X{n}",
                "level": "Wohnplatz",
                "depth": 3,
                "parent_id": tree.b2.id,
            }
            for n in range(50)
        ],
    )
    tree.given.periodicity = "monatlich"
    _db.session.commit()
    areas = [f"X{n}" for n in range(50)]
    lines = ["indikator;raum;zeitraum;wert"]
    for n in range(99_999):
        lines.append(f"INDEX_X;{areas[n % 50]};{periods[n // 50]};{n},5")
    lines.append("INDEX_X;05001-01;2099-12;kaputt")
    path = write_file("big.csv", "\n".join(lines))
    problems = _problems(path)
    assert problems == [(100_001, "D (wert)", "Der Wert „kaputt“ ist keine gültige Zahl.")]
    assert _db.session.scalar(select(func.count()).select_from(Observation)) == 0
    # the same file without the bad row is taken whole
    path.write_text("\n".join(lines[:-1]))
    assert _run(path).inserted == 99_999
    assert _db.session.scalar(select(func.count()).select_from(Observation)) == 99_999
