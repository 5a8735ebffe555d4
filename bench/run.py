"""``make bench``: for every registered page, server time p50/p95 over 30 requests and the
number of SQL statements, at the scales small and kreis (SQLite); for every job, its time.
Writes bench/results.md and exits non-zero when a budget is broken.

    python -m bench.run                      # small and kreis
    python -m bench.run --scale small --page deadlines
    python -m bench.run --scale land --database-url postgresql+psycopg://…/bench_land
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import event, select, text

from config import TestConfig
from planner import create_app
from planner.extensions import db

ROOT = Path(__file__).resolve().parent
DATA = ROOT / ".data"
REQUESTS, WARMUP = 30, 3
PAGE_BUDGET_MS = {"kreis": 100.0, "land": 150.0}  # p95 per scale (land: on PostgreSQL)
PEAK_MB = 400  # a job's process of its own (the import) stays below this


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable  # (app) -> dict, timed as a whole
    reset: Callable  # (app) -> None, untimed, before each run
    budget_s: dict[str, float]
    cleanup: Callable | None = None  # (app) -> None, untimed, after the run


def _sweep_reset(app) -> None:
    from sqlalchemy import delete

    from planner.deadlines.models import Reminder, SweepRun

    with app.app_context():
        db.session.execute(delete(Reminder))
        db.session.execute(delete(SweepRun))
        db.session.commit()


def _sweep(app) -> dict:
    from bench.deadlines import sweep_job

    return sweep_job(app)


def _feed_reset(app) -> None:
    from planner.deadlines.ical import feed_cache

    feed_cache._entries.clear()


def _feed_cold(app) -> dict:
    """The planner's personal feed rendered from scratch (cache empty)."""
    from bench.pages import _feed_url

    with app.app_context():
        url = _feed_url("planner")()
    response = app.test_client().get(url)
    return {"status": response.status_code, "events": response.data.count(b"BEGIN:VEVENT")}


def _import_reset(app) -> None:
    from bench.monitoring import import_reset

    import_reset(app)


def _import_run(app) -> dict:
    from bench.monitoring import import_run

    return import_run(app)


def _import_cleanup(app) -> None:
    from bench.monitoring import import_cleanup

    import_cleanup(app)


JOBS = [
    Job("reminder sweep", _sweep, _sweep_reset, {"small": 2.0, "kreis": 2.0, "land": 10.0}),
    Job(
        "iCal feed, cold (planner)",
        _feed_cold,
        _feed_reset,
        {"small": 1.0, "kreis": 3.0, "land": 5.0},
    ),
    # one million observations from a CSV through the CLI; the outcome holds the peak memory
    # (budget 400 MB) and the ratio to the plain bulk insert of the same rows
    Job(
        "import 1 M observations (CLI)",
        _import_run,
        _import_reset,
        {"kreis": 20.0, "land": 20.0},
        _import_cleanup,
    ),
]


def _report_pdf(app) -> dict:
    from bench.reports import FROZEN
    from planner.reports import output, services
    from planner.reports.models import ReportEdition

    with app.test_request_context():
        edition = db.session.scalar(select(ReportEdition).where(ReportEdition.title == FROZEN))
        body = output.pdf(edition, services.document(edition))
    return {"bytes": len(body)}


def _report_docx(app) -> dict:
    from bench.reports import FROZEN
    from planner.reports import output, services
    from planner.reports.models import ReportEdition

    with app.test_request_context():
        edition = db.session.scalar(select(ReportEdition).where(ReportEdition.title == FROZEN))
        sections = services.sections_of(edition.id)
        body = output.docx(edition, sections, services.document(edition, sections))
    return {"bytes": len(body)}


def _nothing(app) -> None:
    return None


JOBS += [
    # the budget: the 40-section edition with 30 blocks as PDF in under 15 s at kreis
    # (land: set here, the issue names none; its index runs list 500 municipalities each)
    Job("report PDF (40 sections, 30 blocks)", _report_pdf, _nothing,
        {"small": 15.0, "kreis": 15.0, "land": 30.0}),
    Job("report DOCX (40 sections, 30 blocks)", _report_docx, _nothing,
        {"small": 15.0, "kreis": 15.0, "land": 30.0}),
]  # fmt: skip


def _backup_export(app) -> dict:
    from bench.backup import export_run

    return export_run(app)


def _backup_import(app) -> dict:
    from bench.backup import import_run

    return import_run(app)


def _backup_import_reset(app) -> None:
    from bench.backup import import_reset

    import_reset(app)


def _backup_cleanup(app) -> None:
    from bench.backup import cleanup

    cleanup(app)


JOBS += [
    # the budget: a full export and a full import at kreis in under 60 s each
    Job("backup export all", _backup_export, _backup_cleanup,
        {"small": 60.0, "kreis": 60.0, "land": 600.0}),
    Job("backup import all (into an empty database)", _backup_import, _backup_import_reset,
        {"small": 60.0, "kreis": 60.0, "land": 600.0}, _backup_cleanup),
]  # fmt: skip


class BenchConfig(TestConfig):
    TESTING = False  # measure the app as it runs, not in test mode
    API_RATE_LIMIT = "1000000 per minute"  # the bench measures the API, not its limit
    OPARL_RATE_LIMIT = "1000000 per minute"


def make_app(url: str):
    return create_app(BenchConfig, SQLALCHEMY_DATABASE_URI=url)


def prepare(scale: str, url: str | None) -> str:
    """A migrated database filled at ``scale``; SQLite files are kept in bench/.data/."""
    from bench.generate import generate

    if url is None:
        DATA.mkdir(exist_ok=True)
        path = DATA / f"{scale}.db"
        stamp = DATA / f"{scale}.stamp"
        version = _source_version()
        if path.exists() and stamp.exists() and stamp.read_text() == version:
            return f"sqlite:///{path}"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        stamp, version = None, None
    app = make_app(url)
    with app.app_context():
        upgrade(directory=str(ROOT.parent / "migrations"))
        if stamp is None and _already_filled():
            print(f"{scale}: using the data already in {db.engine.url.database}", flush=True)
        else:
            started = time.perf_counter()
            counts = generate(scale)
            db.session.commit()
            took = time.perf_counter() - started
            print(f"{scale}: generated {counts} in {took:.1f} s", flush=True)
        _analyze()
    if stamp is not None:
        stamp.write_text(version)
    return url


def _already_filled() -> bool:
    from bench.generate import bench_email
    from planner.accounts.models import User

    return db.session.scalar(select(User.id).where(User.email == bench_email("admin"))) is not None


def _analyze() -> None:
    """Fresh planner statistics, as autovacuum would have them in production: without them
    PostgreSQL plans the first runs on an empty table's estimates."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def _source_version() -> str:
    """Data are rebuilt when the schema or a generator changes."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(
        [*(ROOT.parent / "migrations" / "versions").glob("*.py"), *ROOT.glob("*.py")]
    ):
        digest.update(path.read_bytes())
    return digest.hexdigest()


class StatementCounter:
    def __init__(self, engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *args) -> None:
        self.count += 1


def _login(app, role: str):
    from bench.generate import BENCH_PASSWORD, bench_email

    client = app.test_client()
    client.get("/anmelden")
    with client.session_transaction() as session:
        raw = session.get("csrf_token")
    token = _signed_csrf(app, raw)
    response = client.post(
        "/anmelden",
        data={"email": bench_email(role), "password": BENCH_PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302, f"bench login as {role} failed"
    return client


def _api_key(role: str) -> str:
    """A fresh API access key of the role's bench account (app context)."""
    from datetime import date, timedelta

    from bench.generate import bench_email
    from planner.accounts.models import User
    from planner.api import tokens

    user = db.session.scalar(select(User).where(User.email == bench_email(role)))
    tokens.revoke_all(user)  # the keys of earlier runs (an account holds at most 20)
    _token, plain = tokens.create_token(user, f"Bench {time.time_ns()}", date.today() + timedelta(days=1))  # fmt: skip
    db.session.commit()
    return plain


def _signed_csrf(app, raw: str) -> str:
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)


def measure_pages(app, scale: str, only: list[str] | None) -> list[dict]:
    from bench.pages import PAGES

    with app.app_context():
        counter = StatementCounter(db.engine)
        pages = [p for p in PAGES() if not only or any(o in p.name for o in only)]
        urls = {p.name: p.resolve() for p in pages}
        budgets = {p.name: p.budget_ms for p in pages if p.budget_ms}
        downloads = {p.name for p in pages if p.download}
        keys = {p.role: _api_key(p.role) for p in pages if p.bearer}
    clients: dict[str | None, object] = {}
    rows = []
    for page in pages:
        headers = {"Authorization": f"Bearer {keys[page.role]}"} if page.bearer else {}
        who = ("api", page.role) if page.bearer else page.role
        if who not in clients:
            clients[who] = (app.test_client(use_cookies=False) if page.bearer or page.role is None
                            else _login(app, page.role))  # fmt: skip
        client = clients[who]
        url = urls[page.name]
        times, counts = [], set()
        for i in range(WARMUP + REQUESTS):
            counter.count = 0
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{page.name} ({url}) answered {response.status_code} at {scale}")
            if i >= WARMUP:
                times.append(elapsed)
                counts.add(counter.count)
        times.sort()
        rows.append(
            {
                "page": page.name,
                "url": url,
                "scale": scale,
                "p50": statistics.median(times),
                "p95": times[int(round(0.95 * (len(times) - 1)))],
                "statements": max(counts),
                "stable": len(counts) == 1,
                "budget": budgets.get(page.name, {}).get(scale),
                "download": page.name in downloads,
            }
        )
        print(
            f"{scale:6} {page.name:32} p50 {rows[-1]['p50']:7.1f} ms  p95 {rows[-1]['p95']:7.1f} ms  {max(counts):3} SQL",
            flush=True,
        )
    return rows


def measure_jobs(app, scale: str, only: list[str] | None = None) -> list[dict]:
    rows = []
    for job in [j for j in JOBS if not only or any(o in j.name for o in only)]:
        job.reset(app)
        started = time.perf_counter()
        outcome = job.run(app)
        seconds = time.perf_counter() - started
        if job.cleanup is not None:
            job.cleanup(app)
        rows.append(
            {
                "job": job.name,
                "scale": scale,
                "seconds": seconds,
                "budget": job.budget_s.get(scale),
                "outcome": outcome,
            }
        )
        print(f"{scale:6} {job.name:32} {seconds:6.2f} s  {outcome}", flush=True)
    return rows


def report(pages: list[dict], jobs: list[dict]) -> tuple[str, list[str]]:
    broken = []
    lines = [
        "# Bench results",
        "",
        "Server time over 30 requests (after 3 warm-up), Flask test client, SQLite unless noted.",
        "",
    ]
    lines += ["| page | scale | p50 ms | p95 ms | SQL statements |", "|---|---|--:|--:|--:|"]
    for r in pages:
        lines.append(
            f"| {r['page']} | {r['scale']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['statements']}{'' if r['stable'] else ' (varies)'} |"
        )
    by_page: dict[str, dict[str, dict]] = {}
    for r in pages:
        by_page.setdefault(r["page"], {})[r["scale"]] = r
        budget = r.get("budget") or PAGE_BUDGET_MS.get(r["scale"])
        if budget is not None and r["p95"] > budget:
            broken.append(f"{r['page']}: p95 {r['p95']:.1f} ms > {budget:.0f} ms at {r['scale']}")
        if not r["stable"]:
            broken.append(f"{r['page']}: statement count varies between requests at {r['scale']}")
    for name, scales in by_page.items():
        if (
            "small" in scales
            and "kreis" in scales
            and not scales["kreis"].get("download")
            and scales["small"]["statements"] != scales["kreis"]["statements"]
        ):
            broken.append(
                f"{name}: {scales['small']['statements']} statements at small, {scales['kreis']['statements']} at kreis"
            )
    if jobs:
        lines += ["", "| job | scale | seconds | budget | outcome |", "|---|---|--:|--:|---|"]
        for j in jobs:
            lines.append(
                f"| {j['job']} | {j['scale']} | {j['seconds']:.2f} | {j['budget'] or '–'} | {j['outcome']} |"
            )
            if j["budget"] is not None and j["seconds"] > j["budget"]:
                broken.append(f"{j['job']}: {j['seconds']:.2f} s > {j['budget']} s at {j['scale']}")
            peak = j["outcome"].get("peak_mb") if isinstance(j["outcome"], dict) else None
            if peak is not None and peak > PEAK_MB:
                broken.append(f"{j['job']}: peak memory {peak} MB > {PEAK_MB} MB at {j['scale']}")
    lines += ["", "## Budgets", ""]
    lines += [f"- BROKEN: {b}" for b in broken] or [
        "- all pages p95 <= 100 ms at kreis and <= 150 ms at land (the report's whole edition: "
        "1 s), statement counts equal at small and kreis, jobs within budget"
    ]
    return "\n".join(lines) + "\n", broken


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scale",
        action="append",
        choices=["small", "kreis", "land"],
        help="default: small and kreis",
    )
    parser.add_argument("--page", action="append", help="only pages whose name contains this")
    parser.add_argument(
        "--database-url", help="use (and fill, if empty) this database instead of bench/.data/"
    )
    parser.add_argument("--job", action="append", help="only jobs whose name contains this")
    parser.add_argument("--no-jobs", action="store_true")
    parser.add_argument("--output", default=str(ROOT / "results.md"))
    args = parser.parse_args(argv)
    scales = args.scale or ["small", "kreis"]
    pages, jobs = [], []
    for scale in scales:
        url = args.database_url
        if url is not None:
            app = make_app(url)
            with app.app_context():
                from sqlalchemy import inspect

                empty = "users" not in inspect(db.engine).get_table_names()
            if empty:
                prepare(scale, url)
        else:
            url = prepare(scale, None)
        app = make_app(url)
        pages += measure_pages(app, scale, args.page)
        if not args.no_jobs and (args.job or not args.page):
            jobs += measure_jobs(app, scale, args.job)
    text, broken = report(pages, jobs)
    Path(args.output).write_text(text)
    print("\n" + text)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
