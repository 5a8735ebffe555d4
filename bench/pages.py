"""The pages measured by ``make bench``. Each issue appends its pages here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from planner.extensions import db


@dataclass(frozen=True)
class BenchPage:
    name: str
    url: str | Callable[[], str]  # a callable runs in an app context and finds an id
    role: str | None = "admin"  # None: anonymous

    def resolve(self) -> str:
        return self.url() if callable(self.url) else self.url


def _first(model, prefix: str, suffix: str = "") -> Callable[[], str]:
    def url() -> str:
        return f"{prefix}{db.session.scalar(select(model.id).order_by(model.id.desc()).limit(1))}{suffix}"

    return url


def _feed_url(role: str) -> Callable[[], str]:
    def url() -> str:
        from bench.generate import bench_email
        from planner.accounts.models import User
        from planner.deadlines.services import renew_feed_token

        user = db.session.scalar(select(User).where(User.email == bench_email(role)))
        token = renew_feed_token(user)
        db.session.commit()
        return f"/kalender/{token}.ics"

    return url


def _pages() -> list[BenchPage]:
    from bench.deadlines import TODAY
    from planner.accounts.models import User
    from planner.deadlines.models import Deadline
    from planner.process.models import Process, Step

    return [
        BenchPage("login", "/anmelden", None),
        BenchPage("dashboard (admin)", "/"),
        BenchPage("dashboard (participant)", "/", "participant"),
        BenchPage("users", "/admin/benutzer"),
        BenchPage("users, page 3", "/admin/benutzer?page=3"),
        BenchPage("users, search", "/admin/benutzer?q=person00&role=planner"),
        BenchPage("user edit", _first(User, "/admin/benutzer/")),
        BenchPage("audit log", "/admin/protokoll"),
        BenchPage("audit log, filtered", "/admin/protokoll?object_type=User&date_from=2020-01-01"),
        # deadlines
        BenchPage("deadlines", "/fristen/"),
        BenchPage("deadlines (viewer)", "/fristen/", "viewer"),
        BenchPage("deadlines, all states p5", "/fristen/?state=&page=5"),
        BenchPage("deadlines, kind filter", "/fristen/?kind=lieferung&mine=y"),
        BenchPage("deadlines, search", "/fristen/?q=lieferung&state="),
        BenchPage("deadlines, organisation filter", "/fristen/?organisation=Gemeinde&state="),
        BenchPage("lookup, organisations", "/suche/organisationen?q=gem"),
        BenchPage("lookup, persons", "/suche/personen?q=person", "planner"),
        BenchPage("lookup, responsible (supplier)", "/suche/verantwortliche?q=p", "supplier"),
        BenchPage("month view", f"/fristen/monat?jahr={TODAY.year}&monat={TODAY.month}"),
        BenchPage(
            "month view (supplier)",
            f"/fristen/monat?jahr={TODAY.year}&monat={TODAY.month}",
            "supplier",
        ),
        BenchPage("deadline detail", _first(Deadline, "/fristen/")),
        BenchPage("deadline form", "/fristen/neu"),
        BenchPage("deadline .ics", _first(Deadline, "/fristen/", ".ics")),
        BenchPage("iCal feed (planner)", _feed_url("planner"), None),
        BenchPage("iCal feed (supplier)", _feed_url("supplier"), None),
        BenchPage("reminder settings", "/fristen/einstellungen", "planner"),
        BenchPage("outbox (admin)", "/admin/erinnerungen"),
        # stakeholders, governance, process (issue 7)
        BenchPage("organisations", "/organisationen/"),
        BenchPage("organisations, page 5", "/organisationen/?page=5"),
        BenchPage("organisations, search+kind", "/organisationen/?q=organisation+00&kind=kommune"),
        BenchPage("organisations (supplier)", "/organisationen/", "supplier"),
        BenchPage("organisation detail", "/organisationen/1"),
        BenchPage("organisation detail (viewer)", "/organisationen/2", "viewer"),
        BenchPage("organisation form", "/organisationen/1/bearbeiten"),
        BenchPage("persons", "/personen/"),
        BenchPage("persons, search", "/personen/?q=person+0001&organisation=organisation"),
        BenchPage("person detail", "/personen/1"),
        BenchPage("lookup, contact persons", "/suche/ansprechpersonen?q=ansprech", "planner"),
        BenchPage("bodies", "/gremien/"),
        BenchPage("body detail", "/gremien/1"),
        BenchPage("papers", "/vorlagen/"),
        BenchPage("resolutions", "/beschluesse/"),
        BenchPage("resolution detail", "/beschluesse/1"),
        BenchPage("processes", "/prozesse/"),
        BenchPage("process overview", _first(Process, "/prozesse/")),
        BenchPage("process timeline", _first(Process, "/prozesse/", "/zeitplan")),
        BenchPage("step page", _first(Step, "/prozessschritte/")),
        BenchPage("step form", _first(Step, "/prozessschritte/", "/bearbeiten")),
        BenchPage("dashboard (planner, tasks)", "/", "planner"),
    ]


PAGES = _pages
