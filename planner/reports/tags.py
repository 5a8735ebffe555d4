"""The short tags that embed live blocks in a section's Markdown, one per line:

    {{tabelle indikator=SGB2 ebene=Kommune zeitraum=2016}}
    {{karte indikator=KIARM ebene=Sozialraum zeitraum=2016 klassen=5}}
    {{diagramm indikator=GSIA gebiete=05382,05382060 von=2016}}
    {{index lauf=1}}
    {{profil gebiet=05382060}}
    {{massnahmen indikator=SGB2}}

Values with spaces are quoted: ``ebene="Wohnplatz der Sozialplanung"``. Parsing only checks the
form; whether the indicator, area or run exists is the block's business (blocks.py)."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from planner.core.transaction import DomainError

LINE = re.compile(r"^\{\{(.{1,480})\}\}$", re.DOTALL)
KEY = re.compile(r"^[a-z]{1,20}$")


class TagError(DomainError):
    pass


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    figure: bool  # numbered as a figure (Abbildung), else as a table (Tabelle)
    required: tuple[str, ...]
    optional: tuple[str, ...]
    example: str


KINDS = {
    k.name: k
    for k in (
        Kind("tabelle", _l("Tabelle eines Indikators"), False,
             ("indikator", "ebene", "zeitraum"), ("in", "sortierung", "titel"),
             "{{tabelle indikator=SGB2 ebene=Kommune zeitraum=2016}}"),
        Kind("karte", _l("Karte eines Indikators"), True,
             ("indikator", "ebene", "zeitraum"), ("in", "methode", "klassen", "titel"),
             "{{karte indikator=SGB2 ebene=Sozialraum zeitraum=2016}}"),
        Kind("diagramm", _l("Verlauf eines Indikators"), True,
             ("indikator",), ("gebiete", "von", "bis", "titel"),
             "{{diagramm indikator=SGB2 gebiete=05382 von=2016}}"),
        Kind("index", _l("Ergebnis eines Indexlaufs"), False,
             ("lauf",), ("darstellung", "titel"),
             "{{index lauf=1}}"),
        Kind("profil", _l("Profil eines Raums"), False,
             ("gebiet",), ("zeitraum", "titel"),
             "{{profil gebiet=05382060 zeitraum=2016}}"),
        Kind("massnahmen", _l("Liste von Maßnahmen"), False,
             (), ("indikator", "gebiet", "status", "titel"),
             "{{massnahmen indikator=SGB2}}"),
    )
}  # fmt: skip


@dataclass(frozen=True)
class Tag:
    kind: str
    params: tuple[tuple[str, str], ...]  # sorted by key

    def get(self, key: str, default: str | None = None) -> str | None:
        return dict(self.params).get(key, default)

    @property
    def key(self) -> str:
        """The normal form: the same block however the tag was spelled."""
        return build(self.kind, dict(self.params))

    @property
    def figure(self) -> bool:
        """Numbered as a figure: maps and charts (an index run drawn as a map, too)."""
        return KINDS[self.kind].figure or (
            self.kind == "index" and self.get("darstellung") == "karte"
        )


def is_tag_line(text: str) -> bool:
    return bool(LINE.match(text.strip()))


def parse(text: str) -> Tag:
    """``{{kind key=value ...}}`` -> Tag, or a TagError saying what is wrong in German."""
    match = LINE.match(text.strip())
    if not match:
        raise TagError(_("Ein Baustein steht allein in einer Zeile zwischen {{ und }}."))
    try:
        words = shlex.split(match.group(1).replace("\n", " "))
    except ValueError:
        raise TagError(_("Ein Anführungszeichen ist nicht geschlossen.")) from None
    if not words:
        raise TagError(_("Der Baustein ist leer."))
    kind = KINDS.get(words[0].lower())
    if kind is None:
        raise TagError(
            _("Unbekannter Baustein „%(name)s“. Möglich sind: %(kinds)s.",
              name=words[0][:40], kinds=", ".join(KINDS))
        )  # fmt: skip
    params: dict[str, str] = {}
    for word in words[1:]:
        key, sep, value = word.partition("=")
        key = key.strip().lower()
        if not sep or not KEY.match(key):
            raise TagError(_("„%(w)s“: bitte als name=wert angeben.", w=word[:60]))
        if key not in kind.required and key not in kind.optional:
            raise TagError(
                _("„%(key)s“ gibt es bei „%(kind)s“ nicht. Möglich sind: %(keys)s.",
                  key=key, kind=kind.name, keys=", ".join((*kind.required, *kind.optional)))
            )  # fmt: skip
        if key in params:
            raise TagError(_("„%(key)s“ steht zweimal im Baustein.", key=key))
        value = " ".join(value.split())
        if not value:
            raise TagError(_("„%(key)s“ hat keinen Wert.", key=key))
        if len(value) > 200:
            raise TagError(_("Der Wert von „%(key)s“ ist zu lang.", key=key))
        params[key] = value
    missing = [k for k in kind.required if k not in params]
    if missing:
        raise TagError(
            _("Bei „%(kind)s“ fehlt: %(keys)s (z. B. %(example)s).",
              kind=kind.name, keys=", ".join(missing), example=kind.example)
        )  # fmt: skip
    return Tag(kind.name, tuple(sorted(params.items())))


def _quoted(value: str) -> str:
    if re.fullmatch(r"[\w.,\-äöüÄÖÜß]+", value):
        return value
    return '"' + value.replace('"', "'") + '"'


def build(kind: str, params: dict[str, str]) -> str:
    """The tag's text, keys in a fixed order (the picker inserts it, the snapshot keys on it)."""
    spec = KINDS[kind]
    order = [*spec.required, *spec.optional]
    parts = [kind] + [
        f"{k}={_quoted(params[k])}" for k in sorted(params, key=order.index) if params[k]
    ]
    return "{{" + " ".join(parts) + "}}"
