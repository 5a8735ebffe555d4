"""An edition as a document: each section's Markdown (sanitised as everywhere) with numbered
headings, its tag lines replaced by live or frozen blocks, figures and tables numbered through
the edition, and the lists the printed report opens with (contents, figures, tables).

Report text is Markdown only: raw HTML is shown as text (the allow-list of core.markdown still
cleans the output), so the heading anchors are the only ids in the text and never collide."""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

from planner.core.markdown import ALLOWED_ATTRIBUTES, sanitize
from planner.reports import blocks
from planner.reports.models import SECTION_MAX
from planner.reports.tags import Tag, TagError, is_tag_line, parse

_PARSER = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, **{f"h{n}": {"id"} for n in range(3, 7)}}
# bounded work: a section draws at most this many blocks, an edition at most MAX_BLOCKS
MAX_SECTION_BLOCKS = 30
MAX_BLOCKS = 300


@dataclass
class Entry:
    number: str
    title: str
    anchor: str


@dataclass
class Problem:
    section: str  # number and title
    anchor: str
    message: str


@dataclass
class RenderedSection:
    id: int
    number: int
    title: str
    anchor: str
    html: Markup
    headings: list[Entry] = field(default_factory=list)
    # the text in pieces: ("text", html of Markdown) or ("block", html of a block), for DOCX
    parts: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Document:
    sections: list[RenderedSection] = field(default_factory=list)
    figures: list[Entry] = field(default_factory=list)
    tables: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # for the snapshot: (section id, tag key) -> collected block
    collected: dict[tuple[int, str], blocks.Collected] = field(default_factory=dict)


def _clean(html: str) -> str:
    return sanitize(html, _ATTRIBUTES)


def _error(message: str) -> str:
    return (f'<div class="block-error" role="note"><strong>Baustein fehlerhaft:</strong> '
            f"{escape(message)}</div>")  # fmt: skip


class Renderer:
    """Renders the sections of one edition in order. ``frozen``: (section id, tag key) ->
    stored block data (None: live, collected now)."""

    def __init__(self, frozen: dict[tuple[int, str], dict] | None = None, prefix: str = ""):
        self.frozen = frozen
        self.ctx = blocks.Context()
        self.doc = Document()
        self.prefix = prefix  # keeps ids apart when a page shows a preview next to a form
        self.blocks = 0
        self.section_blocks = 0
        self.counting = False  # a section before the one shown: only its numbers count

    def section(self, section_id: int, number: int, title: str, body: str) -> RenderedSection:
        anchor = f"{self.prefix}abschnitt-{number}"
        self.section_blocks = 0
        rendered = RenderedSection(section_id, number, title, anchor, Markup(""))
        label = f"{number} {title}"
        parts: list[tuple[str, str]] = []
        run: list[Token] = []
        counters = [0, 0, 0]

        def flush():
            if run and self.counting:
                run.clear()
            if run:
                parts.append(("text", _clean(_PARSER.renderer.render(run, _PARSER.options, {}))))
                run.clear()

        tokens = _PARSER.parse((body or "")[:SECTION_MAX])
        # the section's top heading level is its first level (## alone reads as 1.1, not 1.0.1)
        top = min((int(t.tag[1]) for t in tokens if t.type == "heading_open"), default=1)
        i = 0
        while i < len(tokens):
            token = tokens[i]
            inline = tokens[i + 1] if i + 1 < len(tokens) else None
            if token.type == "paragraph_open" and token.level == 0 and inline is not None:
                lines = inline.content.split("\n")
                if len(lines) == 1 and is_tag_line(lines[0]):
                    flush()
                    parts.append(("block", self._block(section_id, lines[0], label, anchor)))
                    i += 3
                    continue
                if len(lines) > 1 and any(is_tag_line(line) for line in lines):
                    run.extend(tokens[i : i + 3])
                    flush()
                    parts.append(
                        ("block", _error("Ein Baustein braucht eine Leerzeile davor und danach."))
                    )
                    self.doc.problems.append(Problem(label, anchor, "Ein Baustein braucht eine "
                                                     "Leerzeile davor und danach."))  # fmt: skip
                    i += 3
                    continue
            if token.type == "heading_open" and inline is not None:
                depth = min(int(token.tag[1]) - top + 1, 6)
                token.tag = tokens[i + 2].tag = f"h{min(depth + 2, 6)}"
                if depth <= 3:
                    counters[depth - 1] += 1
                    for k in range(depth, 3):
                        counters[k] = 0
                    number_text = ".".join(str(n) for n in [number, *counters[:depth]])
                    head_anchor = f"{anchor}-{'-'.join(str(n) for n in counters[:depth])}"
                    token.attrSet("id", head_anchor)
                    prefix = Token("text", "", 0)
                    prefix.content = f"{number_text} "
                    inline.children = [prefix, *(inline.children or [])]
                    if depth <= 2:
                        rendered.headings.append(Entry(number_text, inline.content, head_anchor))
            run.append(token)
            i += 1
        flush()
        rendered.html = Markup("".join(html for _kind, html in parts))
        rendered.parts = parts
        self.doc.sections.append(rendered)
        return rendered

    def _block(self, section_id: int, line: str, label: str, anchor: str) -> str:
        """A block's number is given once its tag reads (a block whose data fail keeps its
        number, so that the numbers of a section's page and of the whole edition agree)."""
        self.blocks += 1
        self.section_blocks += 1
        try:
            if self.section_blocks > MAX_SECTION_BLOCKS or self.blocks > MAX_BLOCKS:
                raise TagError(f"Höchstens {MAX_SECTION_BLOCKS} Bausteine je Abschnitt und "
                               f"{MAX_BLOCKS} je Ausgabe; dieser wird nicht gezeigt.")  # fmt: skip
            tag: Tag = parse(line)
        except TagError as exc:
            if not self.counting:
                self.doc.problems.append(Problem(label, anchor, str(exc)))
            return _error(str(exc))
        entries = self.doc.figures if tag.figure else self.doc.tables
        number = len(entries) + 1
        block_anchor = f"{self.prefix}{'abb' if tag.figure else 'tab'}-{number}"
        if self.counting:
            entries.append(Entry(str(number), "", block_anchor))
            return ""
        try:
            data = self._data(section_id, tag)
        except TagError as exc:
            self.doc.problems.append(Problem(label, anchor, str(exc)))
            entries.append(Entry(str(number), "(fehlerhaft)", block_anchor))
            kind = "Abbildung" if tag.figure else "Tabelle"
            return _error(f"{kind} {number}: {exc}").replace(
                "<div ", f'<div id="{block_anchor}" ', 1
            )
        html, caption = blocks.draw(tag, data, number, block_anchor)
        entries.append(Entry(str(number), caption, block_anchor))
        return str(html)

    def _data(self, section_id: int, tag: Tag) -> dict:
        if self.frozen is not None:
            data = self.frozen.get((section_id, tag.key))
            if data is None:
                raise TagError("Für diesen Baustein sind keine eingefrorenen Daten gespeichert.")
            return data
        collected = self.doc.collected.get((section_id, tag.key))
        if collected is None:
            collected = blocks.collect(tag, self.ctx)
            self.doc.collected[(section_id, tag.key)] = collected
        return collected.data


def render_sections(sections, frozen=None, prefix: str = "", only: int | None = None) -> Document:
    """``sections``: (id, title, body) in order; numbered 1, 2, ... ``only``: draw just that
    section (its page), numbered as in the whole edition; the ones before it are only
    counted (their figures and tables), the ones after it left out."""
    renderer = Renderer(frozen, prefix)
    for number, (section_id, title, body) in enumerate(sections, start=1):
        renderer.counting = only is not None and section_id != only
        renderer.section(section_id, number, title, body)
        if only is not None and section_id == only:
            break
    if only is not None:
        renderer.doc.sections = [s for s in renderer.doc.sections if s.id == only]
    return renderer.doc


def preview(body: str, number: int = 1, title: str = "") -> Document:
    """One section's text, live, as the editor's preview shows it."""
    renderer = Renderer(None, prefix="vorschau-")
    renderer.section(0, number, title, body)
    return renderer.doc
