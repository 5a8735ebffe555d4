"""Markdown for every user text: markdown-it-py (CommonMark, linear-time parsing), then nh3
with an allow-list.

Python-Markdown took 6.7 s for the note ``"[(" * 5000`` (its inline patterns backtrack
quadratically); markdown-it-py parses in bounded time by design and renders that note in
about 0.1 s. Renderings are cached by text, so a note viewed again costs nothing, and texts
beyond ``MAX_LENGTH`` are cut with a visible remark (forms allow far less anyway).
"""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody",
    "tr", "th", "td", "abbr", "sup", "sub", "dl", "dt", "dd", "del", "ins", "s",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"align", "scope"},
    "td": {"align"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
MAX_LENGTH = 50_000

# raw HTML is passed to nh3, which keeps only the allow-list (as before with Python-Markdown)
_PARSER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
# the page has its own <h1>: a user's top-level heading becomes an <h2> instead of losing its tag
_H1 = re.compile(r"<(/?)h1(?=[\s/>])", re.IGNORECASE)
# table column alignment as the allowed align attribute (a style attribute would be stripped)
_ALIGN = re.compile(r' style="text-align:(left|right|center)"')


def render_markdown(text: str | None) -> Markup:
    """Render user Markdown to safe HTML. Scripts, event handlers, style and
    ``javascript:`` URLs never survive; links get rel="noopener noreferrer"."""
    if not text:
        return Markup("")
    return Markup(_render(text))


@lru_cache(maxsize=256)
def _render(text: str) -> str:
    cut = len(text) > MAX_LENGTH
    html = _PARSER.render(text[:MAX_LENGTH]).rstrip("\n")
    clean = sanitize(_H1.sub(r"<\1h2", html))
    if cut:
        clean += f'<p class="muted">{escape("[Der Text ist hier gekürzt.]")}</p>'
    return clean


def sanitize(html: str, attributes: dict[str, set[str]] | None = None) -> str:
    """Rendered Markdown through the allow-list (``attributes``: the default's, or a wider one
    a caller owns, e.g. the report's heading anchors); table alignment kept as ``align``."""
    return nh3.clean(
        _ALIGN.sub(r' align="\1"', html),
        tags=ALLOWED_TAGS,
        attributes=attributes or ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
