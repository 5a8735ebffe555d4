"""Markdown for every user text: Python-Markdown, then nh3 with an allow-list."""

from __future__ import annotations

import re

import markdown as md
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody",
    "tr", "th", "td", "abbr", "sup", "sub", "dl", "dt", "dd", "del", "ins",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"align", "scope"},
    "td": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["extra", "sane_lists"]
# column alignment as the allowed align attribute (the default inline style would be stripped)
EXTENSION_CONFIGS = {"extra": {"tables": {"use_align_attribute": True}}}
# the page has its own <h1>: a user's top-level heading becomes an <h2> instead of losing its tag
_H1 = re.compile(r"<(/?)h1(?=[\s/>])", re.IGNORECASE)


def render_markdown(text: str | None) -> Markup:
    """Render user Markdown to safe HTML. Scripts, event handlers, style and
    ``javascript:`` URLs never survive; links get rel="noopener noreferrer"."""
    if not text:
        return Markup("")
    html = md.markdown(
        text, extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html"
    )
    html = _H1.sub(r"<\1h2", html)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return Markup(clean)
