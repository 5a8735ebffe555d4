"""Pages, secrecy of small counts in pages and exports, extracts and their log, area and
indicator imports (upload and CLI), forms refusing nonsense."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from planner.extensions import db as _db
from planner.monitoring import imports
from planner.monitoring.models import Area, DataExtract, Indicator, Observation


@pytest.fixture
def data(tree, tmp_path):
    """SGB2 2019/2020 for the Sozialräume; A1 2020 rests on a count of 2 (secret)."""
    path = tmp_path / "d.csv"
    path.write_text(
        "indikator;raum;zeitraum;wert;zaehler;nenner\n"
        "SGB2;05001-01;2019;;30;1000\nSGB2;05001-02;2019;;40;1000\nSGB2;05002-01;2019;;50;1000\nSGB2;05002-02;2019;;60;1000\n"
        "SGB2;05001-01;2020;;2;1000\nSGB2;05001-02;2020;;45;1000\nSGB2;05002-01;2020;;55;1000\nSGB2;05002-02;2020;;66;1000\n",
        encoding="utf-8",
    )
    result = imports.import_file(path, imports.Settings())
    from planner.monitoring.values import refresh_periods

    refresh_periods(result.keys)
    _db.session.commit()
    return tree


def test_secret_values_are_withheld_from_all_but_planners(client, login_as, data):
    url = f"/indikatoren/{data.quote.id}/tabelle?ebene=Sozialraum&zeitraum=2020"
    login_as("participant")
    page = client.get(url).get_data(as_text=True)
    assert "kleine Fallzahl" in page and "0,2" not in page and "4,5" in page
    profile = client.get(f"/raeume/{data.a1.id}").get_data(as_text=True)
    assert "0,2" not in profile and "kleine Fallzahl" in profile
    karte = client.get(
        f"/indikatoren/{data.quote.id}/karte?ebene=Sozialraum&zeitraum=2020"
    ).get_data(as_text=True)
    assert "0,2" not in karte
    series = client.get(f"/indikatoren/{data.quote.id}/verlauf?raeume=05001-01").get_data(
        as_text=True
    )
    assert "0,2" not in series and "3,0" in series
    response = client.post(
        "/auszuege/neu",
        data={
            "indicators": "SGB2",
            "level": "Sozialraum",
            "period_from": "2019",
            "period_to": "2020",
            "file_format": "csv",
        },
    )
    text = response.get_data().decode("utf-8-sig")
    line = next(r for r in text.splitlines() if r.startswith("SGB2;05001-01;Astadt-Nord;2020"))
    assert line.split(";")[4:7] == ["", "", ""] and "geheim gehalten" in line
    client.post("/abmelden")
    login_as("planner")
    page = client.get(url).get_data(as_text=True)
    assert "0,2" in page and "geheim" in page
    response = client.post(
        "/auszuege/neu",
        data={
            "indicators": "SGB2",
            "level": "Sozialraum",
            "period_from": "2020",
            "period_to": "2020",
            "file_format": "xlsx",
        },
    )
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("indikator", "raum", "name", "zeitraum", "wert")
    assert ("SGB2", "05001-01", "Astadt-Nord", "2020", 0.2, 2, 1000) == rows[1][:7]


def test_extracts_are_logged(client, login_as, data):
    user = login_as("participant")
    client.post("/auszuege/neu", data={"indicators": "SGB2", "level": "Kommune", "period_from": "2019", "period_to": "2020",
                                       "file_format": "csv", "purpose": "Jugendhilfeplanung"})  # fmt: skip
    entry = _db.session.scalar(select(DataExtract))
    assert (
        entry.user_id,
        entry.indicators,
        entry.areas,
        entry.periods,
        entry.rows,
        entry.purpose,
    ) == (user.id, ["SGB2"], "Kommune", "2019–2020", 4, "Jugendhilfeplanung")
    assert client.get("/auszuege/").status_code == 403  # the log is the office's
    bad = client.post(
        "/auszuege/neu",
        data={
            "indicators": "NOPE",
            "level": "Kommune",
            "period_from": "2019",
            "period_to": "2020",
            "file_format": "csv",
        },
    )
    assert bad.status_code == 422 and "nicht gefunden" in bad.get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(DataExtract)) == 1


def test_the_indicator_table_the_map_and_the_profile(client, login_as, data):
    login_as("viewer")
    page = client.get(
        f"/indikatoren/{data.quote.id}/tabelle?ebene=Kommune&zeitraum=2020&sortierung=wert&absteigend=y"
    ).get_data(as_text=True)
    # Kommunen summed from counts: A (2+45)/2000 = 2.35 %, B (55+66)/2000 = 6.05 %; Kreis 168/4000 = 4.2 %
    assert page.index("Bdorf") < page.index("Astadt")
    from planner.monitoring.tabular import german_number as de

    b, a, kreis = 121 / 2000 * 100, 47 / 2000 * 100, 168 / 4000 * 100
    assert f">{de(b)}<" in page and f">{de(a)}<" in page and f"{de(kreis)}&nbsp;%" in page
    assert f"+{de(b - kreis)}" in page
    karte = client.get(
        f"/indikatoren/{data.quote.id}/karte?ebene=Sozialraum&zeitraum=2019&methode=gleich&klassen=3"
    ).get_data(as_text=True)
    assert "Die Werte als Tabelle" in karte and "Umrisse" in karte  # no geometry yet: the table
    profile = client.get(f"/raeume/{data.a2.id}").get_data(as_text=True)
    assert "SGB-II-Quote" in profile and "4,5" in profile and "verschlechtert" in profile
    assert (
        client.get(f"/indikatoren/{data.quote.id}/tabelle?ebene=<script>&zeitraum=1").status_code
        == 200
    )


def test_area_import_csv_and_geojson(client, login_as, tree):
    login_as("planner")
    csv_body = "code;name;parent;level;population\n05003;Cstadt;05000;Kommune;1.234\n05003-01;Cstadt-Nord;05003;Sozialraum;600\n05001;Astadt (neu);05000;Kommune;4100\n"
    response = client.post(
        "/raeume/import",
        data={"file": (io.BytesIO(csv_body.encode()), "raeume.csv"), "key_property": "code"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    _db.session.expire_all()
    c1 = _db.session.scalar(select(Area).where(Area.code == "05003-01"))
    assert (c1.parent.code, c1.depth, c1.population) == ("05003", 2, 600)
    assert _db.session.scalar(select(Area.name).where(Area.code == "05001")) == "Astadt (neu)"
    geo = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"AGS": "05003"}, "geometry": {"type": "Polygon", "coordinates": [[[7.0, 50.7], [7.1, 50.7], [7.1, 50.8], [7.0, 50.8], [7.0, 50.7]]]}},
    ]}  # fmt: skip
    response = client.post(
        "/raeume/import",
        data={
            "file": (io.BytesIO(json.dumps(geo).encode()), "raeume.geojson"),
            "key_property": "AGS",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    _db.session.expire_all()
    area = _db.session.scalar(select(Area).where(Area.code == "05003"))
    assert json.loads(area.geometry) == geo["features"][0]["geometry"] and area.shape.startswith(
        "M"
    )
    assert area.min_x < area.max_x
    # errors: nothing written, the report names the row
    bad = "code;name;parent;level;population\n05004;Dorf;05999;Kommune;10\n05005;Dorf2;05000;Kommune;viele\n"
    response = client.post(
        "/raeume/import",
        data={"file": (io.BytesIO(bad.encode()), "x.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert (
        response.status_code == 422
        and "Unbekannter übergeordneter Raum „05999“" in page
        and "ganze Zahl" in page
    )
    assert _db.session.scalar(select(Area.id).where(Area.code == "05005")) is None


def test_area_form_refuses_a_cycle(client, login_as, tree):
    login_as("planner")
    response = client.post(
        f"/raeume/{tree.a.id}/bearbeiten",
        data={
            "code": "05001",
            "name": "Astadt",
            "level": "Kommune",
            "parent": "Astadt-Nord (05001-01)",
        },
    )
    assert response.status_code == 422 and "unter sich selbst" in response.get_data(as_text=True)
    response = client.post(
        "/raeume/neu", data={"code": "05001", "name": "Doppelt", "level": "Kommune"}
    )
    assert response.status_code == 422 and "schon vergeben" in response.get_data(as_text=True)


def test_cli_imports(app, tree, tmp_path):
    runner = app.test_cli_runner()
    (tmp_path / "i.csv").write_text(
        "code;name;unit;polarity;factor;topic\nKIARM;Kinderarmut;%;higher_is_worse;100;Armut\nSVB;Beschäftigung neu;%;higher_is_better;100;Arbeit\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["indicators", "import", str(tmp_path / "i.csv")])
    assert result.exit_code == 0 and "1 neu, 1 aktualisiert" in result.output
    (tmp_path / "bad.csv").write_text("code;name;unit;polarity\nX;Y;%;egal\n", encoding="utf-8")
    result = runner.invoke(args=["indicators", "import", str(tmp_path / "bad.csv")])
    assert (
        result.exit_code == 1
        and "Polarität „egal“ unbekannt" in result.output
        and "nichts geschrieben" in result.output
    )
    (tmp_path / "o.csv").write_text(
        "indicator;area;period;value;numerator;denominator\nKIARM;05001-01;2020-12;;5;100\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["observations", "import", str(tmp_path / "o.csv")])
    assert result.exit_code == 1 and "passt nicht zur Periodizität" in result.output
    (tmp_path / "o.csv").write_text(
        "indicator;area;period;value;numerator;denominator\nKIARM;05001-01;2020;;5;100\nKIARM;05001-02;2020;;15;100\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["observations", "import", str(tmp_path / "o.csv")])
    assert result.exit_code == 0, result.output
    assert "2 neu" in result.output and "3 für übergeordnete Räume berechnet" not in result.output
    assert _db.session.scalar(
        select(Observation.value)
        .join(Indicator)
        .where(Indicator.code == "KIARM", Observation.area_id == tree.a.id)
    ) == pytest.approx(10.0)
    # --supplier: an organisation without a schedule owes nothing
    from tests.factories import OrganisationFactory

    OrganisationFactory(name="Stadt Astadt", short_name="Astadt")
    _db.session.commit()
    result = runner.invoke(
        args=["observations", "import", str(tmp_path / "o.csv"), "--supplier", "Astadt"]
    )
    assert result.exit_code == 1 and "kein Lieferplan" in result.output
    result = runner.invoke(
        args=["observations", "import", str(tmp_path / "o.csv"), "--supplier", "Niemand"]
    )
    assert result.exit_code == 1 and "unbekannt" in result.output
    geo = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"KEY": "05001", "name": "Astadt"},
           "geometry": {"type": "MultiPolygon", "coordinates": [[[[7.0, 50.7], [7.1, 50.7], [7.1, 50.8], [7.0, 50.7]]]]}}]}  # fmt: skip
    (tmp_path / "a.geojson").write_text(json.dumps(geo), encoding="utf-8")
    result = runner.invoke(
        args=["areas", "import", str(tmp_path / "a.geojson"), "--key-property", "KEY"]
    )
    assert result.exit_code == 0 and "1 aktualisiert, 1 Geometrien" in result.output
    result = runner.invoke(
        args=["areas", "import", str(tmp_path / "a.geojson"), "--key-property", "FEHLT"]
    )
    assert result.exit_code == 1 and "Eigenschaft „FEHLT“" in result.output
    assert (
        "Kopfzeile code;name;parent;level;population"
        in runner.invoke(args=["areas", "import", "--help"]).output
    )


def test_the_account_export_holds_its_extracts(client, login_as, data):
    from planner.accounts.privacy import export_user

    user = login_as("participant")
    client.post("/auszuege/neu", data={"indicators": "SGB2", "level": "Kommune", "period_from": "2019", "period_to": "2020",
                                       "file_format": "csv", "purpose": "Schulentwicklungsplanung"})  # fmt: skip
    exported = export_user(_db.session.get(type(user), user.id))
    assert exported["sozialmonitoring"]["datenauszuege"][0]["zweck"] == "Schulentwicklungsplanung"
