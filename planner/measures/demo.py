"""Demo measures from the past cross-municipal conference: a family centre in Troisdorf with
two sub-measures, justified by child poverty in two Sozialräume; a neighbourhood office in Sankt
Augustin in progress; an idea for Windeck without any justification yet (flagged)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from planner.accounts.models import Organisation
from planner.deadlines.services import today_in_berlin
from planner.extensions import db
from planner.measures import services
from planner.measures.models import Measure, MeasureStatus
from planner.meetings.demo import area_ids, indicator_ids
from planner.meetings.models import AgendaItem, Meeting
from planner.stakeholders.models import Person


def _org(name: str) -> list[int]:
    oid = db.session.scalar(select(Organisation.id).where(Organisation.name == name))
    return [oid] if oid else []


def _indicator(code):
    ids = indicator_ids([code])
    return ids[0] if ids else None


def _walk(measure, *statuses):
    for status in statuses:
        services.set_status(measure, status, None)


def load() -> None:
    if db.session.scalar(select(Measure.id).limit(1)) is not None:
        return
    conference = db.session.scalar(
        select(Meeting).where(Meeting.title.like("Überregionale Fachplanerkonferenz%"))
    )
    if conference is None or _indicator("KIARM") is None:
        return
    item = db.session.scalar(select(AgendaItem.id).where(AgendaItem.meeting_id == conference.id,
                                                         AgendaItem.position == 2))  # fmt: skip
    contact = db.session.scalar(
        select(Person.id).where(Person.name == "Fachplanung Stadt Troisdorf")
    )
    today = today_in_berlin()

    def measure(title, **kw):
        data = services.MeasureData(
            title=title, meeting_id=conference.id, agenda_item_id=item, **kw
        )
        m = Measure(status=MeasureStatus.IDEE, justification_count=0)
        services._apply(m, data)  # noqa: SLF001 - the demo writes as the planner would, without a user
        db.session.add(m)
        db.session.flush()
        services._set_links(m, data)  # noqa: SLF001
        return m

    family = measure(
        "Familienzentrum Troisdorf-Nord ausbauen",
        problem="Die Kinderarmut in Troisdorf-Zentrum und -Nord liegt deutlich über dem Kreiswert.",
        goal="Die SGB-II-Quote der unter 15-Jährigen sinkt in beiden Sozialräumen um zwei Punkte.",
        description="Ausbau des Familienzentrums mit **Sprechstunden** des Jobcenters und einer "
        "Lotsin für Alleinerziehende.",
        target_groups="Familien mit Kindern unter 15 Jahren, Alleinerziehende",
        start_date=date(today.year - 1, 3, 1), end_date=date(today.year + 2, 12, 31),
        budget=Decimal("85000.00"), organisation_ids=_org("Stadt Troisdorf") + _org("Jobcenter Rhein-Sieg"),
        contact_id=contact, area_ids=area_ids(["05382068-01", "05382068-02"]),
    )  # fmt: skip
    _walk(family, MeasureStatus.GEPLANT, MeasureStatus.BESCHLOSSEN, MeasureStatus.IN_UMSETZUNG)
    services.add_justification(family, services.JustificationData(
        indicator_id=_indicator("KIARM"), area_ids=area_ids(["05382068-01", "05382068-02"]), period="2021",
        target=None, note="Befund der Konferenz"), None)  # fmt: skip
    for j in db.session.scalars(
        select(services.Justification).where(services.Justification.measure_id == family.id)
    ):
        services.update_target(j, j.snapshot_value, round(j.snapshot_value - 2.0, 1), None)
    services.add_milestone(family, "Lotsin eingestellt", today + timedelta(days=30), None)
    services.add_milestone(
        family, "Zwischenbericht an den Sozialausschuss", today + timedelta(days=120), None
    )
    services.add_progress(
        family,
        today - timedelta(days=40),
        "Räume angemietet, Kooperationsvertrag mit dem Jobcenter unterschrieben.",
        35,
        None,
    )

    for title, status in (("Sprechstunde des Jobcenters im Familienzentrum", MeasureStatus.ABGESCHLOSSEN),
                          ("Lotsin für Alleinerziehende", MeasureStatus.IN_UMSETZUNG)):  # fmt: skip
        child = measure(title, parent_id=family.id, organisation_ids=_org("Stadt Troisdorf"),
                        area_ids=area_ids(["05382068-01"]))  # fmt: skip
        _walk(child, MeasureStatus.GEPLANT, MeasureStatus.BESCHLOSSEN, MeasureStatus.IN_UMSETZUNG)
        if status == MeasureStatus.ABGESCHLOSSEN:
            _walk(child, MeasureStatus.ABGESCHLOSSEN)
        services.add_justification(child, services.JustificationData(
            indicator_id=_indicator("ALLEIN"), area_ids=area_ids(["05382068-01"]), period="2021"), None)  # fmt: skip

    office = measure(
        "Quartiersbüro Sankt Augustin-Zentrum",
        problem="Hohe SGB-II-Quote und viele Wohngeldhaushalte im Zentrum.",
        goal="Beratung im Quartier; die SGB-II-Quote sinkt.",
        start_date=date(today.year - 2, 1, 1), budget=Decimal("42000.00"),
        organisation_ids=_org("Caritasverband für den Rhein-Sieg-Kreis"), area_ids=area_ids(["05382056-01"]),
    )  # fmt: skip
    _walk(office, MeasureStatus.GEPLANT, MeasureStatus.BESCHLOSSEN, MeasureStatus.IN_UMSETZUNG)
    services.add_justification(office, services.JustificationData(
        indicator_id=_indicator("SGB2"), area_ids=area_ids(["05382056-01"]), period="2020"), None)  # fmt: skip
    services.add_progress(
        office,
        today - timedelta(days=10),
        "Büro eröffnet, 120 Beratungen im ersten Quartal.",
        60,
        None,
    )

    measure("Mobile Seniorenberatung Windeck", problem="Altersarmut auf dem Land, weite Wege.",
            organisation_ids=_org("Caritasverband für den Rhein-Sieg-Kreis"), area_ids=area_ids(["05382076"]))  # fmt: skip
    db.session.flush()
