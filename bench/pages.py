"""The pages measured by ``make bench``. Each issue appends its pages here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select

from planner.extensions import db


@dataclass(frozen=True)
class BenchPage:
    name: str
    url: str | Callable[[], str]  # a callable runs in an app context and finds an id
    role: str | None = "admin"  # None: anonymous
    budget_ms: dict[str, float] | None = None  # p95 per scale, where the issue sets its own
    bearer: bool = False  # an API request: the role's access key instead of its session
    # a download of a whole list: its own budget, and its statements grow with the rows in
    # batches of 500 (the relations' IN lists), which the equal-count check leaves aside
    download: bool = False

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


def _area_url(code: str | None) -> Callable[[], str]:
    def url() -> str:
        from planner.monitoring.models import Area

        stmt = (
            select(Area.id).where(Area.code == code)
            if code
            else select(Area.id).where(Area.parent_id.is_(None))
        )
        return f"/raeume/{db.session.scalar(stmt.limit(1))}"

    return url


def _conference(suffix: str) -> Callable[[], str]:
    """The newest conference (10 items, 20 invitations, areas and indicators discussed)."""

    def url() -> str:
        from planner.meetings.models import Meeting

        stmt = (
            select(Meeting.id)
            .where(Meeting.kind == "fpk_ueberregional")
            .order_by(Meeting.id.desc())
        )
        return f"/sitzungen/{db.session.scalar(stmt.limit(1))}{suffix}"

    return url


def _justified_measure(suffix: str = "") -> Callable[[], str]:
    """The newest measure with two justifications (two charts) and a parent."""

    def url() -> str:
        from planner.measures.models import Measure

        stmt = select(Measure.id).where(
            Measure.justification_count == 2, Measure.parent_id.is_not(None)
        )
        return f"/massnahmen/{db.session.scalar(stmt.order_by(Measure.id.desc()).limit(1))}{suffix}"

    return url


def _pages() -> list[BenchPage]:
    from bench.deadlines import TODAY
    from planner.accounts.models import User
    from planner.deadlines.models import Deadline
    from planner.monitoring.models import Delivery, IndexRun
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
        # monitoring (issue 8)
        BenchPage("indicators", "/indikatoren/"),
        BenchPage("indicator sheet", "/indikatoren/1"),
        BenchPage("indicator table", "/indikatoren/1/tabelle"),
        BenchPage(
            "indicator table (viewer, sorted)",
            "/indikatoren/2/tabelle?sortierung=wert&absteigend=y",
            "viewer",
        ),
        BenchPage("indicator map", "/indikatoren/1/karte"),
        BenchPage(
            "indicator map (std. dev.)",
            "/indikatoren/3/karte?methode=stdabw&klassen=4",
            "participant",
        ),
        BenchPage(
            "time series (3 areas)", "/indikatoren/1/verlauf?raeume=SR000001,SR000002,SR000003"
        ),
        BenchPage("area profile (Sozialraum)", _area_url("SR000001")),
        BenchPage("area profile (top)", _area_url(None)),
        BenchPage("areas", "/raeume/"),
        BenchPage("areas, level", "/raeume/?ebene=Sozialraum"),
        BenchPage("index runs", "/index/"),
        BenchPage("index page", _first(IndexRun, "/index/")),
        BenchPage("deliveries (planner)", "/lieferungen/", "planner"),
        BenchPage("Meine Lieferungen (supplier)", "/meine-lieferungen", "supplier"),
        BenchPage("delivery page", _first(Delivery, "/lieferungen/")),
        BenchPage("lookup, areas", "/suche/raeume?q=sozialraum+0001", "planner"),
        # meetings and measures (issue 9)
        BenchPage("meetings", "/sitzungen/"),
        BenchPage(
            "meetings, filtered", "/sitzungen/?kind=fpk_kommunal&state=durchgefuehrt&q=sitzung"
        ),
        BenchPage("meetings, mine (participant)", "/sitzungen/?mine=y", "participant"),
        BenchPage("meeting page", _conference("")),
        BenchPage("meeting page (viewer)", _conference(""), "viewer"),
        BenchPage("agenda (print)", _conference("/tagesordnung")),
        BenchPage("minutes (print)", _conference("/protokoll")),
        BenchPage("measures", "/massnahmen/"),
        BenchPage("measures (viewer)", "/massnahmen/", "viewer"),
        BenchPage(
            "measures, status+indicator", "/massnahmen/?status=in_umsetzung&indicator=IND001"
        ),
        BenchPage("measures, area", "/massnahmen/?area=SR000001"),
        BenchPage("measures, organisation", "/massnahmen/?organisation=Organisation+00002"),
        BenchPage("measures, without justification", "/massnahmen/?unjustified=y&q=massnahme"),
        BenchPage("measure page", _justified_measure()),
        BenchPage("measure page (participant)", _justified_measure(), "participant"),
        BenchPage("measure form", _justified_measure("/bearbeiten")),
        BenchPage("lookup, measures", "/suche/massnahmen?q=ma%C3%9Fnahme+0001", "planner"),
        # funding (issue 10)
        BenchPage("funding overview", "/foerderung/"),
        BenchPage("funding overview (viewer)", "/foerderung/", "viewer"),
        BenchPage("funding overview, years", "/foerderung/?von=2022&bis=2025"),
        BenchPage("programme page", _busiest_programme()),
        BenchPage("applications", "/foerderung/antraege/"),
        BenchPage(
            "applications, filtered", "/foerderung/antraege/?status=bewilligt&year=2024&q=antrag"
        ),
        BenchPage("application page", _granted_application()),
        BenchPage("application page (viewer)", _granted_application(), "viewer"),
        BenchPage("application form", _granted_application("/bearbeiten")),
        BenchPage("budget lines", "/foerderung/haushalt/"),
        BenchPage("budget lines, blocked", "/foerderung/haushalt/?state=gesperrt&year=2024"),
        BenchPage("budget line page", _blocked_line()),
        BenchPage("measures without funding", "/foerderung/massnahmen-ohne-finanzierung"),
        BenchPage("lookup, applications", "/suche/foerderantraege?q=antrag+0001", "planner"),
        # the social report (issue 11): the whole 40-section edition has the 1 s
        BenchPage("report editions", "/berichte/"),
        BenchPage("report edition page (frozen)", _edition(FROZEN_TITLE)),
        BenchPage("report edition page (participant)", _edition(FROZEN_TITLE), "participant"),
        BenchPage("report section (frozen, map)", _edition(FROZEN_TITLE, "/abschnitte/", 2)),
        BenchPage("report section (live, map)", _edition(DRAFT_TITLE, "/abschnitte/", 2)),
        BenchPage("report section editor", _edition(DRAFT_TITLE, "/abschnitte/", 2, "/bearbeiten")),
        BenchPage(
            "report edition, whole (frozen)",
            _edition(FROZEN_TITLE, "/druckfassung"),
            budget_ms=WHOLE_EDITION,
        ),
        BenchPage(
            "report edition, whole (live)",
            _edition(DRAFT_TITLE, "/druckfassung"),
            budget_ms=WHOLE_EDITION,
        ),
        BenchPage("report changes since freeze", _edition(FROZEN_TITLE, "/aenderungen")),
        *_interfaces(),
    ]


# a list's whole export (up to 50,000 rows) is a download, not a page: seconds, set here
DOWNLOAD = {"small": 10_000.0, "kreis": 10_000.0, "land": 60_000.0}
# the budgets: a page of 100 in at most 100 ms (p95) at kreis, 150 ms at land
API_BUDGET = {"small": 100.0, "kreis": 100.0, "land": 150.0}
API_LISTS = ["organisationen", "personen", "gremien", "vorlagen", "beschluesse",
             "prozessschritte", "sitzungen", "tagesordnungspunkte", "fristen", "gebiete",
             "indikatoren", "werte", "indexlaeufe", "indexergebnisse", "massnahmen",
             "foerderantraege", "sozialberichte"]  # fmt: skip
OPARL_LISTS = ["organisationen", "personen", "sitzungen", "vorlagen", "tagesordnungspunkte",
               "beratungen", "mitgliedschaften", "dateien", "orte"]  # fmt: skip


def _api_filtered(path: str, column: str, argument: str) -> Callable[[], str]:
    """An API list filtered by the most frequent value of ``column`` (the biggest result)."""

    def url() -> str:
        from planner.api.registry import RESOURCES

        model = RESOURCES[path].model
        value = db.session.scalar(
            select(getattr(model, column)).group_by(getattr(model, column))
            .order_by(func.count().desc()).limit(1)
        )  # fmt: skip
        return f"/api/v1/{path}?limit=100&{argument}={value}"

    return url


def _api_page_two(path: str) -> Callable[[], str]:
    """The second page of an API list (through the cursor of the first)."""

    def url() -> str:
        from planner.api.services import encode_cursor

        return f"/api/v1/{path}?limit=100&cursor={encode_cursor(100)}"

    return url


def _interfaces() -> list[BenchPage]:
    pages = [
        BenchPage(f"API {name}", f"/api/v1/{name}?limit=100", budget_ms=API_BUDGET, bearer=True)
        for name in API_LISTS
    ]
    pages += [
        BenchPage("API werte of an indicator", _api_filtered("werte", "indicator_id", "indicator"),
                  budget_ms=API_BUDGET, bearer=True),
        BenchPage("API werte, page 2", _api_page_two("werte"), budget_ms=API_BUDGET, bearer=True),
        BenchPage("API massnahmen modified since", "/api/v1/massnahmen?limit=100&modified_since=2000-01-01",
                  budget_ms=API_BUDGET, bearer=True),
        BenchPage("API personen (participant)", "/api/v1/personen?limit=100", "participant",
                  budget_ms=API_BUDGET, bearer=True),
        BenchPage("API fristen (participant)", "/api/v1/fristen?limit=100", "participant",
                  budget_ms=API_BUDGET, bearer=True),
        BenchPage("API openapi.json", "/api/v1/openapi.json", None),
        BenchPage("OParl system", "/oparl/v1/system", None),
    ]  # fmt: skip
    pages += [
        BenchPage(f"OParl {name}", f"/oparl/v1/koerperschaft/{name}", None, budget_ms=API_BUDGET)
        for name in OPARL_LISTS
    ]
    pages += [
        BenchPage("export persons (CSV)", "/personen/export.csv", budget_ms=DOWNLOAD, download=True),
        BenchPage("export deadlines (XLSX)", "/fristen/export.xlsx", budget_ms=DOWNLOAD, download=True),
        BenchPage("export areas (CSV)", "/raeume/export.csv", budget_ms=DOWNLOAD, download=True),
    ]  # fmt: skip
    return pages


DRAFT_TITLE = "Bench-Sozialbericht (Entwurf)"
FROZEN_TITLE = "Bench-Sozialbericht (Abstimmung)"
# the budget is 1 s at kreis; at land (set here, the issue names none) the edition's
# three index runs list 500 of the Land's 1,000 municipalities each
WHOLE_EDITION = {"small": 1000.0, "kreis": 1000.0, "land": 2000.0}


def _edition(
    title: str, suffix: str = "", section: int | None = None, after: str = ""
) -> Callable[[], str]:
    """The bench edition's page (``suffix``), or the page of its ``section``-th section."""

    def url() -> str:
        from planner.reports.models import ReportEdition, ReportSection

        edition_id = db.session.scalar(select(ReportEdition.id).where(ReportEdition.title == title))
        if section is None:
            return f"/berichte/{edition_id}{suffix}"
        section_id = db.session.scalar(
            select(ReportSection.id).where(ReportSection.edition_id == edition_id)
            .order_by(ReportSection.position).offset(section - 1).limit(1)
        )  # fmt: skip
        return f"/berichte/{edition_id}{suffix}{section_id}{after}"

    return url


def _busiest_programme() -> Callable[[], str]:
    def url() -> str:
        from planner.funding.models import FundingApplication

        stmt = (select(FundingApplication.programme_id).group_by(FundingApplication.programme_id)
                .order_by(func.count().desc(), FundingApplication.programme_id))  # fmt: skip
        return f"/foerderung/programme/{db.session.scalar(stmt.limit(1))}"

    return url


def _granted_application(suffix: str = "") -> Callable[[], str]:
    """The newest granted application with its duties, measures and a budget line."""

    def url() -> str:
        from planner.funding.models import BudgetLine, FundingApplication

        stmt = (select(FundingApplication.id)
                .join(BudgetLine, BudgetLine.application_id == FundingApplication.id)
                .where(FundingApplication.status == "bewilligt")
                .order_by(FundingApplication.id.desc()))  # fmt: skip
        return f"/foerderung/antraege/{db.session.scalar(stmt.limit(1))}{suffix}"

    return url


def _blocked_line() -> Callable[[], str]:
    def url() -> str:
        from planner.funding.models import BudgetLine

        stmt = (
            select(BudgetLine.id).where(BudgetLine.blocked.is_(True)).order_by(BudgetLine.id.desc())
        )
        return f"/foerderung/haushalt/{db.session.scalar(stmt.limit(1))}"

    return url


PAGES = _pages
