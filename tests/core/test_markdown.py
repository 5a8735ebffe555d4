"""Markdown for user text: structure renders; scripts, handlers, styles and frames never do."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from markupsafe import Markup

from planner.core.markdown import render_markdown

SAFE_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td", "abbr",
    "sup", "sub", "dl", "dt", "dd", "del", "ins",
}  # fmt: skip
SAFE_ATTRIBUTES = {"href", "title", "rel", "align", "scope"}


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Collect()
    parser.feed(html)
    parser.close()
    return parser.tags


def assert_harmless(html: str) -> None:
    """What a browser would build from ``html`` runs no script and loads nothing."""
    lowered = html.lower()
    for needle in ("<script", "<iframe", "<style", "<svg", "<img", "<object", "<embed", "<form"):
        assert needle not in lowered, needle
    for tag, attrs in elements(html):
        assert tag in SAFE_TAGS, tag
        for name, value in attrs.items():
            assert name in SAFE_ATTRIBUTES, (tag, name)
            assert not name.startswith("on")
            if name == "href":
                scheme = urlsplit((value or "").strip()).scheme.lower()
                assert scheme in {"", "http", "https", "mailto"}, value
                assert "javascript" not in (value or "").lower().replace("\t", "")


# --- structure ------------------------------------------------------------------------------


def test_result_is_markup_and_empty_text_renders_nothing():
    assert isinstance(render_markdown("*kursiv*"), Markup)
    assert render_markdown(None) == ""
    assert render_markdown("") == ""


def test_headings_render_below_the_page_heading():
    html = render_markdown("# Ziel\n\n## Maßnahmen\n\n### Im Einzelnen\n\nText")
    # the page has its own <h1>; a user's top heading becomes the next level
    assert "<h1" not in html
    assert "<h2>Ziel</h2>" in html
    assert "<h2>Maßnahmen</h2>" in html
    assert "<h3>Im Einzelnen</h3>" in html
    assert "<p>Text</p>" in html


def test_lists_render():
    html = render_markdown("- Kita\n- Schule\n\n1. erstens\n2. zweitens")
    assert "<ul>\n<li>Kita</li>\n<li>Schule</li>\n</ul>" in html
    assert "<ol>\n<li>erstens</li>\n<li>zweitens</li>\n</ol>" in html


def test_emphasis_quote_and_code_render():
    html = render_markdown("**fett** und *kursiv*\n\n> Zitat\n\n`<b>code</b>`")
    assert "<strong>fett</strong>" in html and "<em>kursiv</em>" in html
    assert "<blockquote>\n<p>Zitat</p>\n</blockquote>" in html
    assert "<code>&lt;b&gt;code&lt;/b&gt;</code>" in html


def test_links_render_and_get_noopener_noreferrer():
    html = render_markdown(
        '[FSA](https://example.org/fsa "Fachstelle") und [Mail](mailto:info@example.org)'
    )
    assert (
        '<a href="https://example.org/fsa" title="Fachstelle" rel="noopener noreferrer">FSA</a>'
        in html
    )
    assert '<a href="mailto:info@example.org" rel="noopener noreferrer">Mail</a>' in html


def test_a_users_own_rel_and_target_are_replaced():
    html = render_markdown('<a href="https://example.org" rel="opener" target="_blank">x</a>')
    assert [("a", {"href": "https://example.org", "rel": "noopener noreferrer"})] == [
        e for e in elements(html) if e[0] == "a"
    ]


def test_tables_render():
    html = render_markdown(
        "| Kommune | Quote |\n|:--|--:|\n| Siegburg | 12,3 % |\n| Troisdorf | 9,8 % |"
    )
    tags = [tag for tag, _attrs in elements(html)]
    assert tags[:2] == ["table", "thead"]
    assert tags.count("tr") == 3 and tags.count("th") == 2 and tags.count("td") == 4
    assert '<td align="left">Siegburg</td>' in html
    assert '<td align="right">12,3 %</td>' in html


def test_plain_text_is_escaped_not_interpreted():
    html = render_markdown("1 < 2 & 3 > 2")
    assert html == "<p>1 &lt; 2 &amp; 3 &gt; 2</p>"


# --- what never reaches the page ------------------------------------------------------------


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        "Text <script>alert(1)</script> mehr Text",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        '<img src=x onerror="alert(1)">',
        "![bild](x.png)",
        '<p onclick="alert(1)">klick</p>',
        "<b onmouseover=alert(1)>fett</b>",
        '<svg onload="alert(1)"></svg>',
        '<body onload="alert(1)">',
        "[klick](javascript:alert(1))",
        "[klick](JaVaScRiPt:alert(1))",
        "[klick](java&#x09;script:alert(1))",
        "[klick](&#106;avascript:alert(1))",
        "[klick][ref]\n\n[ref]: javascript:alert(1)",
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" javascript:alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<p style="background:url(javascript:alert(1))">x</p>',
        '<span style="position:fixed;top:0">überall</span>',
        "<style>body{display:none}</style>",
        '<iframe src="https://evil.example"></iframe>',
        '<object data="https://evil.example/x.swf"></object>',
        '<embed src="https://evil.example/x.swf">',
        '<form action="https://evil.example"><input name="pw"></form>',
        '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
        "<!-- <script>alert(1)</script> -->",
        "<scr<script>ipt>alert(1)</scr</script>ipt>",
        'Absatz\n{: onclick="alert(1)" style="color:red" }',
        '[x](https://example.org){: onmouseover="alert(1)" }',
        '<div markdown="1" onclick="alert(1)">*x*</div>',
    ],
)
def test_dangerous_input_never_reaches_the_output(attack):
    html = str(render_markdown(attack))
    assert_harmless(html)
    # what is left may only be shown as text, never as markup
    tags = re.sub(r">[^<]*<", "><", html.lower())
    assert "javascript:" not in tags
    assert "onerror" not in tags and "onload" not in tags
    assert "style=" not in tags


def test_harmless_text_around_an_attack_is_kept():
    html = str(render_markdown("Vorher <script>alert(1)</script> **Nachher**"))
    assert "Vorher" in html and "<strong>Nachher</strong>" in html
    assert "alert(1)" not in html


# --- bounded work -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern",
    ["[(", "![", "[", "*a", "_a", "[a](", "<", "`", "**", "> ", "- ", "|", "&#", "\\*", "<a "],
)
def test_pathological_patterns_render_in_bounded_time(pattern):
    """Python-Markdown needed 6.7 s for "[(" * 5000; every view paid it again."""
    import time

    from planner.core.markdown import _render

    text = pattern * (10_000 // len(pattern))
    _render.cache_clear()
    started = time.process_time()
    render_markdown(text)
    assert time.process_time() - started < 1.5, pattern
    started = time.process_time()
    render_markdown(text)  # the second view comes from the cache
    assert time.process_time() - started < 0.01


def test_an_overlong_text_is_cut_with_a_remark():
    html = str(render_markdown("Wort " * 20_000))
    assert "[Der Text ist hier gekürzt.]" in html
    assert len(html) < 60_000
