"""Type-ahead instead of long <select> lists.

A Land installation has 20,000 persons and thousands of organisations: a page that lists
them all as options weighs megabytes and takes most of its time rendering them. A lookup
field is a plain text field: without JavaScript it is a search field (filters match what
was typed; forms resolve an exact name or e-mail address and say so at the field when it is
unknown or ambiguous). With JavaScript (static/js/lookup.js) it becomes an accessible
combobox (WAI-ARIA 1.2) that asks ``/suche/<name>?q=`` for at most ``LIMIT`` suggestions.

Domains register their lookups in ``LOOKUPS`` (see accounts/lookups.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import StringField
from wtforms.validators import Length

from planner.core.permissions import Permission

LIMIT = 20
MAX_QUERY = 100


@dataclass(frozen=True)
class Lookup:
    """``search(q, user)`` -> up to LIMIT (id, label) pairs whose label contains ``q``;
    ``resolve(text, user)`` -> the (id, label) pairs a typed entry exactly means."""

    permission: Permission
    search: Callable[[str, object], list[tuple[int, str]]]
    resolve: Callable[[str, object], list[tuple[int, str]]]


LOOKUPS: dict[str, Lookup] = {}


def like_pattern(text: str) -> str:
    """``%text%`` for LIKE with the wildcards of the text itself escaped (use escape="\\")."""
    text = text.strip()[:MAX_QUERY].lower()
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def starts_first(column, text: str):
    """An ORDER BY term: entries that begin with what was typed come before those that only
    contain it ("Rhein-Sieg-Kreis" before "Caritasverband für den Rhein-Sieg-Kreis")."""
    from sqlalchemy import case, func

    return case((func.lower(column).like(like_pattern(text)[1:], escape="\\"), 0), else_=1)


class LookupWidget:
    """A text input that lookup.js turns into a combobox; the list of suggestions is filled
    from the server. Without JavaScript nothing but the text input is there."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        kwargs.setdefault("type", "text")
        kwargs.setdefault("autocomplete", "off")
        attrs = {
            "name": field.name,
            "value": field._value(),
            "data-lookup": field.lookup_url,
            "data-multiple": "true" if field.multiple else None,
            **kwargs,
        }
        html = " ".join(
            f'{escape(k)}="{escape(v)}"' if v is not True else escape(k)
            for k, v in attrs.items()
            if v is not None and v is not False
        )
        return Markup(f"<input {html}>")


class LookupField(StringField):
    """Text with type-ahead; ``multiple``: several entries separated by commas or semicolons."""

    widget = LookupWidget()

    def __init__(
        self,
        label=None,
        validators=None,
        *,
        lookup: str,
        multiple: bool = False,
        resolve: bool = True,
        **kw,
    ):
        validators = [*(validators or []), Length(max=2000 if multiple else 300)]
        kw.setdefault(
            "description",
            _l("Tippen Sie einen Teil des Namens; passende Einträge werden vorgeschlagen.")
            if not multiple
            else _l(
                "Mehrere Einträge durch Komma trennen. Tippen Sie einen Teil des Namens oder "
                "der E-Mail-Adresse; passende Einträge werden vorgeschlagen."
            ),
        )
        super().__init__(label, validators, **kw)
        self.lookup = lookup
        self.multiple = multiple
        self.resolve = resolve
        self.ids: list[int] = []

    def process_data(self, value):
        """From an object (``obj=`` of the form): its label, e.g. an organisation's name."""
        super().process_data(value if value is None or isinstance(value, str) else str(value))

    def post_validate(self, form, validation_stopped):
        """A form field (``resolve``) turns each entry into exactly one id, or says at the
        field which entry is unknown or ambiguous. A filter field keeps the text."""
        if not self.resolve or self.errors:
            return
        from flask_login import current_user

        lookup = LOOKUPS[self.lookup]
        ids, labels = [], []
        for entry in self.entries():
            matches = lookup.resolve(entry, current_user)
            if not matches:
                self.errors.append(
                    _(
                        "„%(entry)s“ wurde nicht gefunden. Bitte wählen Sie einen Vorschlag.",
                        entry=entry,
                    )
                )
            elif len(matches) > 1:
                self.errors.append(
                    _(
                        "„%(entry)s“ ist nicht eindeutig. Bitte wählen Sie einen Vorschlag "
                        "(mit E-Mail-Adresse).",
                        entry=entry,
                    )
                )
            elif matches[0][0] not in ids:
                ids.append(matches[0][0])
                labels.append(matches[0][1])
        if not self.errors:
            self.ids = ids
            self.data = ", ".join(labels)

    @property
    def chosen_id(self) -> int | None:
        """The one id of a single lookup (None when the field was left empty)."""
        return self.ids[0] if self.ids else None

    @property
    def lookup_url(self) -> str:
        from flask import url_for

        return url_for("core.lookup", name=self.lookup)

    def entries(self) -> list[str]:
        text = self.data or ""
        if not self.multiple:
            return [text.strip()] if text.strip() else []
        return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
