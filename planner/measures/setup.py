"""Wires measures into the shell: navigation; the measures justified by an indicator or aimed at
an area on the monitoring's pages, those logged at a meeting on its page, those of an
organisation or person on theirs; references that block deletion; the deadline source
"milestone"; the person export's part."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from planner.core.panels import add_panel
from planner.core.permissions import Permission, can
from planner.core.shell import add_navigation
from planner.deadlines.services import DeadlineSource, register_source
from planner.measures import api as _api  # noqa: F401  (registers its REST API resources)
from planner.monitoring import areas as monitoring_areas
from planner.monitoring import catalogue as monitoring_catalogue
from planner.stakeholders import privacy as stakeholder_privacy
from planner.stakeholders import services as stakeholders

PANEL = 20


def _panel(measures, title, anchor, empty, more_url=None, add_url=None):
    return {"measures": measures[:PANEL], "title": title, "anchor": anchor, "empty": empty,
            "more_url": more_url if len(measures) > PANEL else None, "add_url": add_url}  # fmt: skip


def _indicator(indicator):
    if not can(Permission.MEASURES_VIEW):
        return None
    from planner.measures import services

    return _panel(services.measures_for_indicator(indicator.id, PANEL + 1),
                  _l("Maßnahmen, die dieser Indikator begründet"), "indicator-measures",
                  _l("Dieser Indikator begründet noch keine Maßnahme."),
                  url_for("measures.measure_list", indicator=f"{indicator.code}"))  # fmt: skip


def _area(area):
    if not can(Permission.MEASURES_VIEW):
        return None
    from planner.measures import services

    return _panel(services.measures_for_area(area.id, PANEL + 1),
                  _l("Maßnahmen für diesen Raum"), "area-measures",
                  _l("Für diesen Raum ist noch keine Maßnahme erfasst."),
                  url_for("measures.measure_list", area=f"{area.name} ({area.code})"))  # fmt: skip


def _meeting(meeting):
    if not can(Permission.MEASURES_VIEW):
        return None
    from planner.measures import services

    add = (url_for("measures.measure_form", sitzung=meeting.id)
           if services.may_log_at(current_user, meeting) else None)  # fmt: skip
    measures = services.measures_of_meeting(meeting.id, PANEL + 1)
    if not meeting.conference and not measures:
        return None  # measures are logged at conferences
    return _panel(measures,
                  _l("Hier erfasste Maßnahmen"), "meeting-measures",
                  _l("Auf dieser Sitzung wurde noch keine Maßnahme erfasst."),
                  url_for("measures.measure_list", sitzung=meeting.id), add)  # fmt: skip


def _organisation(org):
    if not can(Permission.MEASURES_VIEW):
        return None
    from planner.measures import services

    return _panel(services.measures_of_organisation(org.id, PANEL + 1),
                  _l("Maßnahmen in Verantwortung"), "org-measures",
                  _l("Keine Maßnahmen."), url_for("measures.measure_list", organisation=org.name))  # fmt: skip


def _person(person):
    if not can(Permission.MEASURES_VIEW):
        return None
    from planner.measures import services

    return _panel(services.measures_of_person(person.id, PANEL + 1),
                  _l("Erfasste und betreute Maßnahmen"), "person-measures", _l("Keine Maßnahmen."))  # fmt: skip


def _export(person):
    from planner.measures import services

    return [{"massnahme": m.title, "status": str(m.status.label)}
            for m in services.measures_of_person(person.id, 10_000)]  # fmt: skip


def _justifications_with(column):
    def build(object_id):
        from planner.measures.models import Justification

        return select(Justification.id).where(getattr(Justification, column) == object_id)

    return build


def _target_areas(area_id):
    from planner.measures.models import measure_areas

    return select(measure_areas.c.measure_id).where(measure_areas.c.area_id == area_id)


def _person_refs(person_id: int) -> int:
    from planner.measures.models import Measure

    return stakeholders.count_references(select(Measure.id).where(Measure.contact_id == person_id))


def _org_refs(org_id: int) -> int:
    from planner.measures.models import measure_organisations as mo

    return stakeholders.count_references(
        select(mo.c.measure_id).where(mo.c.organisation_id == org_id)
    )


add_navigation("measures.measure_list", _l("Maßnahmen"), Permission.MEASURES_VIEW)
add_panel("indicator", "measures/_panel.html", _indicator, order=20)
add_panel("area", "measures/_panel.html", _area, order=20)
add_panel("meeting", "measures/_panel.html", _meeting, order=10)
add_panel("organisation", "measures/_panel.html", _organisation, order=70)
add_panel("person", "measures/_panel.html", _person, order=40)
stakeholder_privacy.PERSON_EXPORTS.append(("massnahmen", _export))
stakeholders.PERSON_REFERENCES.append(("Maßnahmen (Ansprechperson)", _person_refs))
stakeholders.ORGANISATION_REFERENCES.append(("Maßnahmen", _org_refs))
monitoring_areas.AREA_REFERENCES += [(_l("Begründungen von Maßnahmen"), _justifications_with("area_id")),
                                     (_l("Zielräume von Maßnahmen"), _target_areas)]  # fmt: skip
monitoring_catalogue.INDICATOR_REFERENCES.append(
    (_l("Begründungen von Maßnahmen"), _justifications_with("indicator_id"))
)
register_source(
    DeadlineSource(key="milestone", label="Meilenstein einer Maßnahme",
                   endpoint="measures.milestone_detail", id_arg="milestone_id",
                   permission=Permission.MEASURES_VIEW)
)  # fmt: skip


def init_app(app) -> None:
    pass
