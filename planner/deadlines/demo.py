"""Demo deadlines: the seed's story (2016/2017) and a few due around today."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from planner.accounts.models import Organisation, User
from planner.core.models import utcnow
from planner.deadlines import services
from planner.deadlines.models import Deadline, DeadlineKind, DeadlineState
from planner.extensions import db

RSK = "Rhein-Sieg-Kreis, Kreisverwaltung"

# (title, kind, due date, time, organisation, responsible e-mails, state, notes)
STORY = [
    ("Kreistag: Beschluss zur strategischen Sozialplanung", DeadlineKind.SITZUNG, date(2016, 12, 19), time(15, 0),
     RSK, [], DeadlineState.ERLEDIGT,
     "Auftrag an die Verwaltung: 2017 mit Kommunen, Akteuren und Politik und mit Beratung der FSA eine "
     "konzeptionelle Ausrichtung erarbeiten; 70.000 € für 2018 mit Sperrvermerk."),
    ("Ausschuss für Soziales: Einladung der FSA (Antrag CDU/GRÜNE)", DeadlineKind.SITZUNG, date(2017, 3, 27),
     time(17, 0), RSK, [], DeadlineState.ERLEDIGT, "Einstimmig beschlossen."),
    ("Ausschuss für Soziales, Gleichstellung und Integration: Vortrag der FSA", DeadlineKind.SITZUNG,
     date(2017, 6, 19), time(17, 0), RSK, ["planung@demo.example"], DeadlineState.ERLEDIGT,
     "Mitteilungsvorlage zur strategischen Sozialplanung; Vortrag von Herrn Stelmaszyk (FSA)."),
    ("Förderantrag „NRW hält zusammen“ stellen", DeadlineKind.FOERDERFRIST, date(2017, 10, 31), None,
     RSK, ["planung@demo.example"], DeadlineState.VERSAEUMT,
     "Der Fördertopf 2017 war deutlich überzeichnet; Aufrufe für 2018–2020 sind vorgesehen."),
    ("Sozialbericht 2017 des Rheinisch-Bergischen Kreises (Vorbild) auswerten", DeadlineKind.BERICHT,
     date(2017, 12, 15), None, RSK, ["planung@demo.example"], DeadlineState.ERLEDIGT, None),
    ("Sperrvermerk 70.000 € (Haushalt 2018): Aufhebung im Sozialausschuss", DeadlineKind.FOERDERFRIST,
     date(2018, 3, 1), None, RSK, [], DeadlineState.ERLEDIGT, None),
]  # fmt: skip

# (title, kind, days from today, time, organisation, responsible e-mails, notes)
CURRENT = [
    ("Datenlieferung Stadt Siegburg: SGB-II-Quoten, Stichtag 31.12.", DeadlineKind.LIEFERUNG, 3, None,
     "Stadt Siegburg", ["daten@demo.example"], "Lieferung als CSV nach Indikatorenblatt."),
    ("Datenlieferung Gemeinde Much: Einwohner nach Sozialräumen", DeadlineKind.LIEFERUNG, -2, None,
     "Gemeinde Much", [], None),
    ("Dienstbesprechung der Sozialdezernentinnen und -dezernenten", DeadlineKind.SITZUNG, 0, time(10, 0),
     RSK, ["planung@demo.example"], "Gast: Sozialdezernent des Rheinisch-Bergischen Kreises."),
    ("Kommunale Fachplanerkonferenz Troisdorf", DeadlineKind.SITZUNG, 10, time(9, 30),
     "Stadt Troisdorf", ["fachplanung@demo.example"], None),
    ("Entwurf Sozialbericht: Kapitel Kinderarmut abstimmen", DeadlineKind.BERICHT, 20, None,
     RSK, ["planung@demo.example"], None),
    ("Jobcenter Rhein-Sieg: Bedarfsgemeinschaften je Sozialraum", DeadlineKind.LIEFERUNG, 14, None,
     "Jobcenter Rhein-Sieg", [], None),
    ("Meilenstein: Sozialräume mit allen Kommunen abgestimmt", DeadlineKind.MEILENSTEIN, 35, None,
     RSK, ["planung@demo.example", "admin@demo.example"], None),
]  # fmt: skip


def _org(name: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def _users(emails: list[str]) -> list[User]:
    if not emails:
        return []
    return list(db.session.scalars(select(User).where(User.email.in_(emails))))


def load() -> None:
    existing = set(db.session.scalars(select(Deadline.title)))
    today = services.today_in_berlin()
    entries = [(t, k, d, tm, o, r, s, n) for t, k, d, tm, o, r, s, n in STORY]
    entries += [
        (t, k, today + timedelta(days=days), tm, o, r, DeadlineState.OFFEN, n)
        for t, k, days, tm, o, r, n in CURRENT
    ]
    for title, kind, due, at, org, emails, state, notes in entries:
        if title in existing:
            continue
        deadline = services.create_deadline(
            services.DeadlineData(
                title=title,
                kind=kind,
                due_date=due,
                due_time=at,
                organisation=_org(org),
                responsible_users=_users(emails),
                notes=notes,
            )  # fmt: skip
        )
        if state == DeadlineState.ERLEDIGT:
            services.mark_done(deadline, None, utcnow())
        elif state == DeadlineState.VERSAEUMT:
            services.mark_missed(deadline, None, utcnow())
