"""Demo meetings: the committee session of 19.06.2017 with the FSA's talk (held, minutes
approved), the Dienstbesprechung der Sozialdezernent*innen, a past cross-municipal specialist
planner conference and an upcoming municipal one in Troisdorf (the demo participant is invited).
No mail is sent: the invitations are recorded as sent before."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from planner.accounts.models import Organisation
from planner.deadlines.services import today_in_berlin
from planner.extensions import db
from planner.meetings import services
from planner.meetings.models import MailState, Meeting, MeetingKind, MeetingMail, MeetingState
from planner.stakeholders.models import Person

AUSSCHUSS = "Ausschuss für Soziales, Gleichstellung und Integration"
DIENSTBESPRECHUNG = "Dienstbesprechung der Sozialdezernent*innen"
FPK_TROISDORF = "Fachplanerkonferenz Troisdorf"
FPK_KREIS = "Überregionale Fachplanerkonferenz Kinderarmut"


def _id(model, column, value):
    return db.session.scalar(select(model.id).where(column == value))


def area_ids(codes: list[str]) -> list[int]:
    from planner.monitoring.lookups import resolve_area

    return [rows[0][0] for code in codes if (rows := resolve_area(code))]


def indicator_ids(codes: list[str]) -> list[int]:
    from planner.monitoring.lookups import resolve_indicator

    return [rows[0][0] for code in codes if (rows := resolve_indicator(code))]


def _meeting(kind, title, start: datetime, hours: float, place: str, body=None, municipality=None):
    data = services.MeetingData(kind=kind, title=title, starts_at=start,
                                ends_at=start + timedelta(hours=hours), place=place,
                                body_id=body, municipality_id=municipality)  # fmt: skip
    return services.save_meeting(None, data)


def _items(meeting, items) -> None:
    for title, minutes, presenter, public, areas, indicators, paper in items:
        services.add_item(meeting, services.ItemData(
            title=title, duration=minutes, presenter=presenter, public=public,
            area_ids=area_ids(areas), indicator_ids=indicator_ids(indicators),
            paper_id=_paper(paper),
        ))  # fmt: skip


def _paper(reference):
    if reference is None:
        return None
    from planner.governance.models import Paper

    return _id(Paper, Paper.reference, reference)


def _invite(meeting, persons=(), organisations=()) -> None:
    services.invite(
        meeting,
        [pid for name in persons if (pid := _id(Person, Person.name, name))],
        [oid for name in organisations if (oid := _id(Organisation, Organisation.name, name))],
    )


def _sent(meeting) -> None:
    """The demo's invitations count as sent (the demo sends no mail)."""
    from planner.meetings.models import Invitation

    for mail in db.session.scalars(
        select(MeetingMail).join(Invitation).where(Invitation.meeting_id == meeting.id)
    ):
        mail.state = MailState.SENT


def load() -> None:
    if db.session.scalar(select(Meeting.id).limit(1)) is not None:
        return
    from planner.governance.models import Body

    today = today_in_berlin()
    ausschuss = _id(Body, Body.name, AUSSCHUSS)
    # the committee session of 19.06.2017: held, minutes approved
    session = _meeting(MeetingKind.GREMIUM, "Sitzung des Ausschusses für Soziales, Gleichstellung und Integration",
                       datetime(2017, 6, 19, 17, 0), 2.5, "Kreishaus Siegburg, Raum 1.100", ausschuss)  # fmt: skip
    _items(session, [
        ("Eröffnung, Feststellung der Beschlussfähigkeit", 5, "Vorsitz", True, [], [], None),
        ("Strategische Sozialplanung: Vortrag der FSA", 40, "Stellvertretende Leitung der FSA", True, [], [], "2017/0207"),
        ("Mitteilung der Verwaltung: Sachstand und weitere Planung", 20, "Sozialplanung", True, [], [], "2017/0207"),
        ("Personalangelegenheiten", 10, "Verwaltung", False, [], [], None),
    ])  # fmt: skip
    _invite(session, ["Vorsitz des Sozialausschusses", "Stellvertretende Leitung der FSA",
                      "Sozialdezernat Rhein-Sieg-Kreis", "Sozialplanung Rhein-Sieg-Kreis"])  # fmt: skip
    services.set_state(session, MeetingState.EINGELADEN)
    _sent(session)
    services.set_state(session, MeetingState.DURCHGEFUEHRT)
    services.save_minutes(session, "Die FSA stellt Nutzen und Ziele einer integrierten Sozialplanung "
                          "vor. Der Ausschuss nimmt den Sachstand zur Kenntnis.\n\n"
                          "- Förderaufruf „NRW hält zusammen“ 2018 beobachten\n"
                          "- Dienstbesprechung der Sozialdezernent*innen vorbereiten", None)  # fmt: skip
    from planner.meetings.models import Invitation

    for invitation in db.session.scalars(
        select(Invitation).where(Invitation.meeting_id == session.id)
    ):
        invitation.attended = invitation.person.name != "Sozialdezernat Rhein-Sieg-Kreis"
    services.approve_minutes(session)

    # the Dienstbesprechung, invited
    dienst = _meeting(MeetingKind.DIENSTBESPRECHUNG, DIENSTBESPRECHUNG,
                      datetime.combine(today + timedelta(days=20), time(10, 0)), 2,
                      "Kreishaus Siegburg, Raum 2.010", _id(Body, Body.name, DIENSTBESPRECHUNG))  # fmt: skip
    _items(dienst, [
        ("Strategische Sozialplanung: Bericht aus dem Rheinisch-Bergischen Kreis", 45, "Sozialdezernat Rheinisch-Bergischer Kreis", True, [], [], None),
        ("Datenlieferungen der Kommunen: Stichtage", 30, "Sozialplanung", True, [], ["SGB2"], None),
    ])  # fmt: skip
    _invite(dienst, ["Sozialdezernat Rhein-Sieg-Kreis", "Sozialdezernat Stadt Siegburg",
                     "Sozialdezernat Rheinisch-Bergischer Kreis"])  # fmt: skip
    services.set_state(dienst, MeetingState.EINGELADEN)
    _sent(dienst)

    # a past cross-municipal conference, held
    past = _meeting(MeetingKind.FPK_UEBERREGIONAL, FPK_KREIS,
                    datetime.combine(today - timedelta(days=60), time(9, 30)), 4, "Kreishaus Siegburg, Foyer")  # fmt: skip
    _items(past, [
        ("Befunde des Sozialmonitorings: Kinderarmut", 45, "Sozialplanung", True,
         ["05382068-01", "05382068-02", "05382056-01"], ["KIARM", "SGB2"], None),
        ("Arbeitsgruppen: Maßnahmen ableiten", 120, None, True, [], ["KIARM", "ALLEIN"], None),
    ])  # fmt: skip
    _invite(past, ["Fachplanung Stadt Troisdorf", "Sozialplanung Rhein-Sieg-Kreis"],
            ["Jobcenter Rhein-Sieg", "Caritasverband für den Rhein-Sieg-Kreis"])  # fmt: skip
    services.set_state(past, MeetingState.EINGELADEN)
    _sent(past)
    services.set_state(past, MeetingState.DURCHGEFUEHRT)

    # the upcoming municipal conference in Troisdorf: the demo participant is invited
    troisdorf = _id(Organisation, Organisation.name, "Stadt Troisdorf")
    upcoming = _meeting(MeetingKind.FPK_KOMMUNAL, FPK_TROISDORF,
                        datetime.combine(today + timedelta(days=14), time(14, 0)), 3,
                        "Rathaus Troisdorf, Sitzungssaal", municipality=troisdorf)  # fmt: skip
    _items(upcoming, [
        ("Begrüßung und Ziele der Konferenz", 10, "Sozialplanung", True, [], [], None),
        ("Sozialräume in Troisdorf: SGB-II-Quote und Kinderarmut", 40, "Sozialplanung", True,
         ["05382068-01", "05382068-02", "05382068-03"], ["SGB2", "KIARM"], None),
        ("Alleinerziehende und Hilfen zur Erziehung", 30, "Jugendamt", True, ["05382068-01"], ["ALLEIN", "HZE"], None),
        ("Maßnahmen: Ideen sammeln und festhalten", 60, None, True, [], [], None),
    ])  # fmt: skip
    _invite(upcoming, ["Fachplanung Stadt Troisdorf", "Sozialplanung Rhein-Sieg-Kreis"],
            ["Stadt Troisdorf", "Jobcenter Rhein-Sieg"])  # fmt: skip
    services.set_state(upcoming, MeetingState.EINGELADEN)
    _sent(upcoming)
    db.session.flush()
