"""An edition leaves Planner as PDF (WeasyPrint: A4, German hyphenation, page numbers, table of
contents with page references) and as DOCX for the Kreistag's paper workflow (python-docx:
headings, text, tables, figures as pictures; Word fills the table of contents on opening)."""

from __future__ import annotations

import gc
import io
import re
import unicodedata
from pathlib import Path

from flask import current_app, render_template
from flask_babel import gettext as _
from lxml import html as lxml_html

from planner.reports import render
from planner.reports.models import ReportEdition

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PRINT_CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "report-print.css"


def preview(body: str, title: str = "") -> render.Document:
    return render.preview(body, 1, title)


def filename(edition: ReportEdition) -> str:
    text = unicodedata.normalize("NFKD", edition.title.replace("ß", "ss"))
    text = re.sub(r"[^A-Za-z0-9]+", "-", text.encode("ascii", "ignore").decode()).strip("-")
    return text[:80] or f"Sozialbericht-{edition.id}"


# --- PDF ---------------------------------------------------------------------------------


def _no_fetch(url: str, *args, **kwargs):
    """WeasyPrint fetches nothing: a report's text cannot make the server load a URL."""
    raise ValueError(f"not fetched: {url[:80]}")


def pdf(edition: ReportEdition, doc: render.Document, resolution=None) -> bytes:
    from weasyprint import HTML

    page = render_template("reports/pdf.html", edition=edition, doc=doc, resolution=resolution,
                           css=PRINT_CSS.read_text(encoding="utf-8"),
                           installation=current_app.config.get("INSTALLATION_NAME", ""))  # fmt: skip
    # WeasyPrint builds millions of small objects: the cyclic garbage collector, running again and
    # again over them, took a third of the time (40 sections, 30 blocks: 15 s -> 10 s). Plain
    # reference counting still frees them; one collection afterwards takes the cycles.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return HTML(string=page, url_fetcher=_no_fetch).write_pdf()
    finally:
        if enabled:
            gc.enable()
        gc.collect()


# --- DOCX --------------------------------------------------------------------------------


def _png(svg: str) -> bytes | None:
    import cairosvg

    try:
        return cairosvg.svg2png(bytestring=svg.encode("utf-8"), output_width=1400, unsafe=False,
                                url=None)  # fmt: skip
    except Exception:  # noqa: BLE001 - a figure that cannot be drawn leaves its caption
        current_app.logger.warning("report figure not drawn for DOCX", exc_info=True)
        return None


def _runs(paragraph, element, bold=False, italic=False, mono=False) -> None:
    """The inline content of an element as runs (bold, italic, code; links as their text)."""
    if element.text:
        run = paragraph.add_run(element.text)
        run.bold, run.italic = bold or None, italic or None
        if mono:
            run.font.name = "Courier New"
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        _runs(paragraph, child, bold or tag in ("strong", "b"), italic or tag in ("em", "i"),
              mono or tag == "code")  # fmt: skip
        if tag == "br":
            paragraph.add_run().add_break()
        if child.tail:
            run = paragraph.add_run(child.tail)
            run.bold, run.italic = bold or None, italic or None


def _table(document, table_el) -> None:
    rows = table_el.xpath(".//tr")
    if not rows:
        return
    width = max(len(r.xpath("./th|./td")) for r in rows)
    table = document.add_table(rows=0, cols=max(width, 1))
    table.style = "Table Grid"
    for r in rows:
        cells = r.xpath("./th|./td")
        row = table.add_row().cells
        for i, cell in enumerate(cells[:width]):
            row[i].text = " ".join(cell.text_content().split())
            if cell.tag == "th":
                for run in row[i].paragraphs[0].runs:
                    run.bold = True


def _block(document, fragment: str) -> None:
    from docx.shared import Cm

    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    svg = root.xpath(".//*[local-name()='svg']")
    if svg:
        from lxml import etree

        box = (svg[0].get("viewBox") or svg[0].get("viewbox") or "").split()
        if len(box) == 4:  # cairosvg needs a size; the page's SVG scales by its viewBox
            svg[0].set("width", box[2])
            svg[0].set("height", box[3])
        png = _png(etree.tostring(svg[0], encoding="unicode"))
        if png:
            document.add_picture(io.BytesIO(png), width=Cm(16))
    caption = root.xpath(".//figcaption//*[contains(@class,'caption')]|.//caption")
    if caption:
        document.add_paragraph(" ".join(caption[0].text_content().split()), style="Caption")
    for table_el in root.xpath(".//table"):
        _table(document, table_el)
    for note in root.xpath(".//*[contains(@class,'block-note') or contains(@class,'block-error')]"):
        document.add_paragraph(" ".join(note.text_content().split()))


def _text(document, fragment: str) -> None:
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    for el in root:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("h3", "h4", "h5", "h6"):
            document.add_heading(" ".join(el.text_content().split()), level=int(tag[1]) - 1)
        elif tag == "p":
            _runs(document.add_paragraph(), el)
        elif tag in ("ul", "ol"):
            style = "List Bullet" if tag == "ul" else "List Number"
            for li in el.xpath("./li"):
                _runs(document.add_paragraph(style=style), li)
        elif tag == "blockquote":
            for p in el.xpath(".//p") or [el]:
                _runs(document.add_paragraph(style="Quote"), p)
        elif tag == "pre":
            _runs(document.add_paragraph(), el, mono=True)
        elif tag == "table":
            _table(document, el)
        elif tag == "hr":
            document.add_paragraph("—")
        elif el.text_content().strip():
            document.add_paragraph(" ".join(el.text_content().split()))


def _toc_field(paragraph) -> None:
    """A Word table of contents field (Word fills it when the document is opened)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind):
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        return el

    run = paragraph.add_run()
    run._r.append(char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = 'TOC \\o "1-3" \\h \\z \\u'
    run._r.append(instr)
    run._r.append(char("separate"))
    placeholder = paragraph.add_run(_("Das Inhaltsverzeichnis erscheint nach dem Aktualisieren "
                                      "der Felder (F9)."))  # fmt: skip
    placeholder.italic = True
    end = paragraph.add_run()
    end._r.append(char("end"))


def docx(edition: ReportEdition, sections, doc: render.Document) -> bytes:
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    styles = document.styles
    styles["Normal"].font.name = "Arial"
    styles["Normal"].font.size = Pt(11)
    # German hyphenation and spelling in Word
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "de-DE")
    styles["Normal"].element.get_or_add_rPr().append(lang)
    core = document.core_properties
    core.title, core.language = edition.title, "de-DE"
    document.add_heading(edition.title, level=0)
    if edition.summary:
        document.add_paragraph(edition.summary)
    document.add_paragraph(_("Stand: %(s)s", s=edition.state.label))
    document.add_heading(_("Inhalt"), level=1)
    _toc_field(document.add_paragraph())
    for rendered in doc.sections:
        document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
        document.add_heading(f"{rendered.number} {rendered.title}", level=1)
        for kind, fragment in rendered.parts:
            if not fragment.strip():
                continue
            (_block if kind == "block" else _text)(document, fragment)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
