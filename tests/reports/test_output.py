"""The printable edition, the PDF (read back: sections, contents, page numbers) and the DOCX
(opened again: the sections as headings, the tables, the figures as pictures)."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from pypdf import PdfReader

from tests.reports import world


@pytest.fixture
def ids(db):
    return world.build()


def test_the_printable_edition_numbers_headings_figures_and_tables(client, login_as, ids):
    login_as("planner")
    page = client.get(f"/berichte/{ids['draft_id']}/druckfassung")
    assert page.status_code == 200
    text = page.text
    for expected in (
        "1 Alle Bausteine Armut",
        "1.1 Werte",
        "2 Zweiter Abschnitt",
        "Abbildung 1: SGB-II-Quote",
        "Abbildung 2: Verlauf",
        "Tabelle 4: Maßnahmen",
    ):
        assert expected in text, expected
    # contents, figures and tables are listed and link to their anchors
    assert 'href="#abschnitt-1-1"' in text and 'id="abschnitt-1-1"' in text
    assert 'href="#abb-2"' in text and 'id="abb-2"' in text and 'href="#tab-4"' in text


def test_the_pdf_has_the_sections_contents_and_page_numbers(client, login_as, ids):
    login_as("participant")
    response = client.get(f"/berichte/{ids['agreed_id']}/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert "Sozialbericht-2025-Armut.pdf" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    pages = [p.extract_text() for p in reader.pages]
    assert len(pages) >= 3
    whole = "\n".join(pages)
    assert "Sozialbericht 2025 Armut" in pages[0]
    # the contents list the section with the page it starts on
    assert re.search(r"1 Armut\s*\.+\s*3", pages[1])
    assert "1 Armut" in pages[2] and "Tabelle 1:" in whole and "Abbildung 1:" in whole
    assert f"Seite 2 von {len(pages)}" in pages[1]
    assert f"Seite {len(pages)} von {len(pages)}" in pages[-1]
    assert reader.metadata.title == "Sozialbericht 2025 Armut"


def test_the_docx_opens_and_holds_the_sections(client, login_as, ids):
    login_as("planner")
    response = client.get(f"/berichte/{ids['draft_id']}/docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:1] == ["Inhalt"]
    assert "1 Alle Bausteine Armut" in headings and "2 Zweiter Abschnitt" in headings
    assert "1.1 Werte" in headings
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert any(c.startswith("Abbildung 1:") for c in captions)
    assert any(c.startswith("Tabelle 4: Maßnahmen") for c in captions)
    assert len(document.inline_shapes) == 2  # the map and the chart
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert {"Sozialraum 0", "6,0", "Familienzentrum Armut im Bericht"} <= cells
    assert document.core_properties.title == "Entwurf Armut"
