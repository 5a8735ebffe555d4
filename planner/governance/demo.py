"""Demo bodies, papers and resolutions of the seed's story (2016/2017)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from planner.accounts.models import Organisation
from planner.extensions import db
from planner.governance.models import (
    Body,
    BodyKind,
    Membership,
    MembershipRole,
    Paper,
    PaperKind,
    Resolution,
    Vote,
)
from planner.stakeholders.models import Person

RSK = "Rhein-Sieg-Kreis, Kreisverwaltung"
KREISTAG = "Kreistag des Rhein-Sieg-Kreises"
AUSSCHUSS = "Ausschuss für Soziales, Gleichstellung und Integration"
DIENSTBESPRECHUNG = "Dienstbesprechung der Sozialdezernent*innen"
LENKUNG = "Lenkungsgruppe Sozialplanung"

BODIES = [
    (KREISTAG, "Kreistag", BodyKind.KREISTAG),
    (AUSSCHUSS, "Sozialausschuss", BodyKind.AUSSCHUSS),
    (DIENSTBESPRECHUNG, "Dienstbesprechung", BodyKind.DIENSTBESPRECHUNG),
    (LENKUNG, "Lenkungsgruppe", BodyKind.LENKUNGSGRUPPE),
]

MEMBERSHIPS = [
    (AUSSCHUSS, "Vorsitz des Sozialausschusses", MembershipRole.VORSITZ, date(2014, 6, 1)),
    (AUSSCHUSS, "Sozialdezernat Rhein-Sieg-Kreis", MembershipRole.BERATEND, date(2014, 6, 1)),
    (
        DIENSTBESPRECHUNG,
        "Sozialdezernat Rhein-Sieg-Kreis",
        MembershipRole.VORSITZ,
        date(2015, 1, 1),
    ),
    (DIENSTBESPRECHUNG, "Sozialdezernat Stadt Siegburg", MembershipRole.MITGLIED, date(2015, 1, 1)),
    (LENKUNG, "Sozialplanung Rhein-Sieg-Kreis", MembershipRole.VORSITZ, date(2018, 1, 1)),
    (LENKUNG, "Fachplanung Stadt Troisdorf", MembershipRole.MITGLIED, date(2018, 1, 1)),
    (LENKUNG, "Geschäftsführung Jobcenter Rhein-Sieg", MembershipRole.MITGLIED, date(2018, 1, 1)),
    (LENKUNG, "Ansprechperson Caritasverband", MembershipRole.MITGLIED, date(2018, 1, 1)),
    (LENKUNG, "Leitung der FSA", MembershipRole.BERATEND, date(2018, 1, 1)),
]

PAPERS = [
    ("2016/0412", "Strategische Sozialplanung im Rhein-Sieg-Kreis", PaperKind.VORLAGE, RSK, date(2016, 11, 2),
     "Die Verwaltung schlägt vor, 2017 mit den Kommunen, den Akteuren und der Politik und mit "
     "kostenloser Beratung der FSA eine konzeptionelle Ausrichtung der strategischen Sozialplanung "
     "zu erarbeiten und für 2018 Mittel bereitzustellen."),
    ("A/2017/0031", "Einladung der FSA zu einem Vortrag über strategische Sozialplanung", PaperKind.ANTRAG,
     "CDU-Kreistagsfraktion", date(2017, 3, 10),
     "Antrag der Fraktionen von CDU und BÜNDNIS 90/DIE GRÜNEN: Die Fachstelle für "
     "sozialraumorientierte Armutsbekämpfung (FSA) wird zu einem Vortrag in den Ausschuss eingeladen."),
    ("2017/0207", "Strategische Sozialplanung: Sachstand und weitere Planung", PaperKind.MITTEILUNG, RSK,
     date(2017, 6, 1),
     "Zur Sitzung des Ausschusses für Soziales, Gleichstellung und Integration am 19.06.2017.\n\n"
     "- Vortrag der FSA: Nutzen und Ziele einer integrierten Sozialplanung, Möglichkeiten der "
     "Landesförderung, Unterstützung des Planungsprozesses\n"
     "- Der Fördertopf „NRW hält zusammen …“ ist für 2017 deutlich überzeichnet; Aufrufe 2018 bis "
     "2020 sind vorgesehen.\n"
     "- Vorbild Rheinisch-Bergischer Kreis: Prozess von Ende 2013 bis 09/2015, 80 Wohnplätze, "
     "Sozialbericht 2017, Fachplanerkonferenzen.\n"
     "- Der Sozialdezernent des Rheinisch-Bergischen Kreises ist zur Dienstbesprechung der "
     "Sozialdezernent*innen eingeladen.\n\nUm Kenntnisnahme wird gebeten."),
]  # fmt: skip

# (key, body, date, title, vote, paper reference, text)
RESOLUTIONS = [
    ("empfehlung", AUSSCHUSS, date(2016, 11, 16), "Empfehlung an den Kreistag: strategische Sozialplanung",
     None, "2016/0412", "Der Ausschuss empfiehlt dem Kreistag, die Verwaltung mit der Erarbeitung einer "
     "konzeptionellen Ausrichtung der strategischen Sozialplanung zu beauftragen."),
    ("kreistag", KREISTAG, date(2016, 12, 19), "Strategische Sozialplanung: Auftrag und Mittel für 2018",
     None, "2016/0412",
     "*Die Verwaltung wird beauftragt, zusammen mit den Akteuren, den Kommunen und der Politik in 2017 "
     "vorbereitend durch kostenlose Beratungsleistungen der FSA eine konzeptionelle Ausrichtung für den "
     "Rhein-Sieg-Kreis zu erarbeiten.*\n\n*Der Kreistag beschließt, im Jahr 2018 einen Betrag von "
     "70.000,- € für eine Erarbeitung einer Zielsetzung und Definition der strategischen Sozialplanung "
     "zur Verfügung zu stellen. Insoweit das bestehende Förderprogramm „NRW hält zusammen“ wie geplant "
     "bis 2020 fortgeführt werden sollte, soll in 2017 ein entsprechender Förderantrag gestellt werden. "
     "Die Mittel sind mit einem Sperrvermerk für den Sozialausschuss vorbehaltlich einer Förderung durch "
     "das Land NRW oder den Bund zu versehen.*"),
    ("fsa", AUSSCHUSS, date(2017, 3, 27), "Einladung der FSA zu einem Vortrag über strategische Sozialplanung",
     Vote.EINSTIMMIG, "A/2017/0031", "Die FSA wird zu einem Vortrag über strategische Sozialplanung eingeladen."),
]  # fmt: skip


def _by_name(model, column, value):
    return db.session.scalar(select(model).where(column == value)) if value else None


def resolution(key: str) -> Resolution | None:
    """A demo resolution by its key (used by the process demo)."""
    for k, _body, day, title, *_rest in RESOLUTIONS:
        if k == key:
            return db.session.scalar(
                select(Resolution).where(Resolution.title == title, Resolution.date == day)
            )
    return None


def load() -> None:
    rsk = _by_name(Organisation, Organisation.name, RSK)
    for name, short, kind in BODIES:
        if _by_name(Body, Body.name, name) is None:
            db.session.add(
                Body(
                    name=name, short_name=short, kind=kind, organisation_id=rsk.id if rsk else None
                )
            )
    db.session.flush()
    for body_name, person_name, role, start in MEMBERSHIPS:
        body = _by_name(Body, Body.name, body_name)
        person = _by_name(Person, Person.name, person_name)
        if body is None or person is None:
            continue
        exists = db.session.scalar(
            select(Membership.id).where(
                Membership.body_id == body.id, Membership.person_id == person.id
            )
        )
        if not exists:
            db.session.add(
                Membership(body_id=body.id, person_id=person.id, role=role, start_date=start)
            )
    for ref, title, kind, originator, day, text in PAPERS:
        if _by_name(Paper, Paper.reference, ref) is None:
            org = _by_name(Organisation, Organisation.name, originator)
            db.session.add(Paper(reference=ref, title=title, kind=kind, date=day, text=text,
                                 originator_id=org.id if org else None))  # fmt: skip
    db.session.flush()
    for key, body_name, day, title, vote, ref, text in RESOLUTIONS:
        if resolution(key) is None:
            body = _by_name(Body, Body.name, body_name)
            paper = _by_name(Paper, Paper.reference, ref)
            db.session.add(Resolution(body_id=body.id, date=day, title=title, vote=vote, text=text,
                                      paper_id=paper.id if paper else None))  # fmt: skip
    db.session.flush()
