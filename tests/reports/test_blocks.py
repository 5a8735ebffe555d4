"""Each kind of block shows the right values; bad tags give a visible German message (never a
server error); small counts stay withheld inside report blocks, for planners too."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from planner.extensions import db as _db
from planner.monitoring.models import Observation
from planner.reports import render, services, tags
from planner.reports.models import ReportEdition
from tests.reports import world


@pytest.fixture
def ids(db):
    return world.build()


def _html(edition_id: int) -> str:
    edition = _db.session.get(ReportEdition, edition_id)
    doc = services.document(edition)
    return "".join(str(s.html) for s in doc.sections)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&nbsp;", " ").split())


def test_each_kind_of_block_renders_its_values(app, ids):
    with app.test_request_context():
        edition = _db.session.get(ReportEdition, ids["draft_id"])
        doc = services.document(edition)
    assert doc.problems == []
    html = str(doc.sections[0].html)
    text = _text(html)
    # the table: Sozialraum 0..3 have 6,0 .. 9,0 % in 2020
    assert "Tabelle 1: SGB-II-Quote Sozialraum (%), Sozialraum, 2020" in text
    assert re.search(
        r"Sozialraum 0 6,0 – günstig Sozialraum 1 7,0 .* Sozialraum 3 9,0 – ungünstig", text
    )
    # the map: one path per area, its value in the tooltip, three classes in the legend
    assert "Abbildung 1:" in text and html.count("<path d=") >= 4
    assert "Sozialraum 0 (K1-0): 6,0" in html
    # the chart: the first Sozialraum over both years
    assert "Sozialraum 0, 2019: 5,0 %" in html and "Sozialraum 0, 2020: 6,0 %" in html
    # the index run: every area with its class
    assert "Sozialraum 3 1,16 niedrig" in text
    assert "Tabelle 2: Sozialindex" in text and all(f"Sozialraum {n}" in text for n in range(4))
    # the profile: latest value, the one before and how it moved (no rating in a publication)
    assert re.search(
        r"SGB-II-Quote Sozialraum \(%\) 2020 6,0 5,0 \(2019\) gestiegen – Tabelle 4", text
    )
    # the measures aimed at the area
    assert "Familienzentrum Armut im Bericht" in text
    assert [f.number for f in doc.figures] == ["1", "2"]
    assert [t.number for t in doc.tables] == ["1", "2", "3", "4"]
    # headings are numbered within the section
    assert '<h3 id="abschnitt-1-1">1.1 Werte</h3>' in html


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{{grafik indikator=SGB2}}", "Unbekannter Baustein „grafik“"),
        ("{{tabelle indikator=SGB2}}", "fehlt: ebene, zeitraum"),
        (
            "{{tabelle indikator=NEIN ebene=Sozialraum zeitraum=2020}}",
            "Indikator „NEIN“ gibt es nicht",
        ),
        ("{{tabelle indikator=SGB2 ebene=Mond zeitraum=2020}}", "Ebene „Mond“ gibt es nicht"),
        ("{{tabelle indikator=SGB2 ebene=Sozialraum zeitraum=2031}}", "keine Werte für 2031"),
        ("{{tabelle indikator=SGB2 ebene=Sozialraum zeitraum=13.13.}}", "kein Zeitraum"),
        ('{{karte indikator="SGB2 ebene=Sozialraum zeitraum=2020}}', "Anführungszeichen"),
        ("{{karte indikator=SGB2 ebene=Sozialraum zeitraum=2020 klassen=99}}", "Klassen"),
        ("{{index lauf=99999999999}}", "Indexlauf"),
        ("{{profil gebiet=XX}}", "Raum mit dem Schlüssel „XX“"),
        ("{{massnahmen status=fertig}}", "Status „fertig“"),
        ("{{diagramm indikator=SGB2 farbe=rot}}", "„farbe“ gibt es bei „diagramm“ nicht"),
        ("Text davor\n{{profil gebiet=K1-0}}", "Leerzeile"),
    ],
)
def test_a_bad_tag_shows_a_german_message_in_the_preview(client, login_as, ids, line, message):
    login_as("planner")
    page = client.get(f"/berichte/{ids['draft_id']}/abschnitte/neu")
    assert page.status_code == 200
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    response = client.post("/berichte/vorschau",
                           data={"csrf_token": token, "heading": "Test", "text": line})  # fmt: skip
    assert response.status_code == 200
    assert "Baustein fehlerhaft" in response.text
    assert message in response.text.replace("&#34;", '"').replace("&#39;", "'")


def test_tags_have_one_normal_form():
    a = tags.parse('{{tabelle  zeitraum=2016 indikator=SGB2 ebene="Sozialraum"}}')
    b = tags.parse("{{TABELLE indikator=SGB2 ebene=Sozialraum zeitraum=2016}}")
    assert a.key == b.key == "{{tabelle indikator=SGB2 ebene=Sozialraum zeitraum=2016}}"
    assert tags.build("profil", {"gebiet": "Bad Honnef Süd", "titel": 'Ein "Titel"'}) == (
        "{{profil gebiet=\"Bad Honnef Süd\" titel=\"Ein 'Titel'\"}}")  # fmt: skip
    assert (
        tags.parse(tags.build("profil", {"gebiet": "Bad Honnef Süd"})).get("gebiet")
        == "Bad Honnef Süd"
    )


def test_a_tag_inside_code_stays_code_and_raw_html_stays_text(app, ids):
    with app.test_request_context():
        doc = render.preview("```\n{{profil gebiet=K1-0}}\n```\n\n<script>alert(1)</script>\n\n"
                             "[x](javascript:alert(1))")  # fmt: skip
    html = str(doc.sections[0].html)
    assert "<code>{{profil gebiet=K1-0}}" in html and doc.figures == doc.tables == []
    assert "<script" not in html and "&lt;script&gt;" in html and 'href="javascript' not in html


def test_small_counts_stay_withheld_inside_report_blocks_for_every_reader(
    app, client, login_as, ids
):
    # the first Sozialraum's value rests on 2 cases: withheld in a publication, planners too
    _db.session.execute(update(Observation).where(
        Observation.area_id == ids["area_id"], Observation.period == "2020").values(numerator=2, value=0.2))  # fmt: skip
    _db.session.commit()
    login_as("planner")
    for url in (
        f"/berichte/{ids['draft_id']}/druckfassung",
        f"/berichte/{ids['draft_id']}/abschnitte/{ids['section_id']}",
    ):
        page = client.get(url).text
        assert "0,2" not in page, url
        assert "kleine Fallzahl" in page
    with app.test_request_context():
        html = _html(ids["draft_id"])
    assert "0,2" not in html and "Sozialraum 0 (K1-0): geheim gehalten" in html


def test_the_work_of_a_section_is_bounded(app, ids):
    text = "\n\n".join(["{{profil gebiet=K1-0}}"] * 40)
    with app.test_request_context():
        doc = render.preview(text)
    assert len(doc.tables) == render.MAX_SECTION_BLOCKS
    assert len(doc.problems) == 10 and "Höchstens 30 Bausteine" in doc.problems[0].message


def test_a_section_page_numbers_as_the_whole_edition(app, ids):
    edition = _db.session.get(ReportEdition, ids["draft_id"])
    text = (f"## Nur Unterkapitel\n\n{{{{index lauf={ids['run_id']} darstellung=karte}}}}\n\n"
            "{{profil gebiet=K1-0 zeitraum=2019}}")  # fmt: skip
    services.save_section(edition, None, "Dritter", text)
    third = services.sections_of(edition.id)[2]
    with app.test_request_context():
        page = services.document(edition, only=third.id)
        whole = services.document(edition)
    [section] = page.sections
    html = str(section.html)
    # "##" alone is the section's first level; section 1 has figures 1-2 and tables 1-4
    assert section.number == 3 and "3.1 Nur Unterkapitel" in html
    assert "Abbildung 3: Sozialindex" in _text(
        html
    ) and "Tabelle 5: Profil: Sozialraum 0, bis 2019" in _text(html)
    assert str(whole.sections[2].html) == html
    assert [f.number for f in whole.figures] == ["1", "2", "3"]
    # the profile up to 2019: the 2019 value, nothing before it
    assert re.search(r"SGB-II-Quote Sozialraum \(%\) 2019 5,0 – –", _text(html))
