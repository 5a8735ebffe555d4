"""Property-based fuzzing (Hypothesis): hostile values into every query parameter of every
route and every field of every form, as every role and anonymously. No answer may be a
server error. Routes and forms are found at run time (the URL map, the subclasses of the
base form), so a route or form added later is fuzzed without touching this file.

Coverage and duration are printed at the end of the run (see the closing note of issue 6).
"""

from __future__ import annotations

import os
import re
import time
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.core.forms import Form
from planner.core.permissions import Role
from planner.extensions import db as _db
from planner.process import services as process_services
from tests.factories import (
    PASSWORD,
    DeadlineFactory,
    MembershipFactory,
    OrganisationFactory,
    PaperFactory,
    PersonFactory,
    ResolutionFactory,
    UserFactory,
)
from tests.funding import world as funding_world
from tests.meetings import world as meetings_world
from tests.monitoring import world as monitoring_world
from tests.reports import world as reports_world
from tests.routes import route_value

EXAMPLES = 4  # random examples per route and role, after the systematic pass

HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "Zeile\nZeile",
    "\r\n\r\n",
    "\t",
    "\u2028",
    "\x1b[31m",
    "x" * 5000,
    "[(" * 3000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
    "ü" * 300,
    "🙂" * 100,
    "endpoint",
    "_method",
]
HOSTILE_NUMBERS = [
    "0",
    "-1",
    "1",
    "2147483647",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "1,5",
    "1.000.000",
]
HOSTILE_DATES = [
    "0001-01-01",
    "0202-12-10",
    "1899-12-31",
    "9999-12-31",
    "10000-01-01",
    "2026-02-30",
    "31.12.9999",
    "2026-13-01",
    "-2026-01-01",
    "2026-1-1",
]
SAMPLE = ["", "\x00", "Zeile\nZeile", "x" * 5000, "[(" * 3000, "<script>alert(1)</script>",
          "2147483648", "1e309", "9999-12-31", "2026-02-30"]  # fmt: skip
HOSTILE = st.one_of(
    st.sampled_from(HOSTILE_TEXT + HOSTILE_NUMBERS + HOSTILE_DATES),
    st.text(max_size=40),
    st.integers().map(str),
)

# valid values for known field names, so that hostile values reach beyond "required"
BASELINE = {
    "title": "Fuzz-Frist",
    "kind": "lieferung",
    "due_date": "2027-03-01",
    "due_time": "",
    "notes": "Notiz",
    "reminder_offsets": "-3, 0",
    "visible_to_all": "y",
    "state": "offen",
    "mode": "sofort",
    "name": "Fuzz Person",
    "email": "fuzz@example.org",
    "role": "viewer",
    "active": "y",
    "password": "Gartenzaun-Leuchtturm-4",
    "new": "Gartenzaun-Leuchtturm-4",
    "confirm": "Gartenzaun-Leuchtturm-4",
    "current": PASSWORD,
    "legal_basis": "aufgabe",
    "reference": "F/2024/1",
    "date": "2024-01-01",
    "start_date": "2024-01-01",
    "end_date": "2024-12-31",
    "template": "standard",
    "phase": "1",
    "code": "F-1",
    "level": "Sozialraum",
    "indicators": "SGB2",
    "period": "2020",
    "first_period": "2024",
    "period_from": "2019",
    "period_to": "2020",
    "unit": "%",
    "factor": "100",
    "polarity": "higher_is_worse",
    "periodicity": "jaehrlich",
    "layout": "auto",
    "file_format": "csv",
    "starts_at": "2027-03-01T10:00",
    "ends_at": "2027-03-01T12:00",
    "reply": "zusage",
    "status": "geplant",
    "position": "1",
    "order": "1,2",
    "areas": "K1-0",
    "day": "2026-01-01",
    "text": "Fuzz-Text",
    "percent": "50",
    "duration": "30",
    "total_costs": "100.000,00",
    "requested": "75.000,00",
    "granted": "",
    "amount": "1.000,00",
    "purpose": "Fuzz-Zweck",
    "year": "2027",
    "on": "2026-06-01",
    "closes_on": "2027-01-31",
    "lifted_on": "2026-01-01",
    "planned": "10",
    "spent": "0",
    "own_share_percent": "20",
    "max_amount": "75000",
    "heading": "Fuzz-Abschnitt",
    "summary": "Fuzz-Bericht",
    "due": "2030-01-31",
    "comment": "Fuzz-Stellungnahme",
    "answer": "Fuzz-Antwort",
    "richtung": "hoch",
}
EXTRA_KEYS = ["page", "q", "jahr", "monat", "art", "datum", "next", "endpoint", "_method",
              "_external", "_anchor", "revoke", "format"]  # fmt: skip


def _form_classes(cls=Form):
    for sub in cls.__subclasses__():
        yield sub
        yield from _form_classes(sub)


KILLERS = ["\x00", "a\nb", "2147483648", "-9223372036854775809", "0001-01-01", "9999-12-31",
           "x" * 5000, "[(" * 3000]  # fmt: skip


def form_field_names() -> list[str]:
    names: set[str] = set()
    for form_cls in _form_classes():
        for base in form_cls.__mro__:
            names |= {n for n, v in vars(base).items() if hasattr(v, "field_class")}
    return sorted(names)


def field_names() -> list[str]:
    return sorted(set(EXTRA_KEYS) | set(form_field_names()))


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.redirect_to is not None:
            continue
        yield rule


STATS = {"requests": 0, "routes": set(), "roles": set(), "seconds": 0.0, "statuses": {}}


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    print(
        f"\nFuzz: {STATS['requests']} requests over {len(STATS['routes'])} routes, "
        f"{len(field_names())} field and parameter names, roles {sorted(STATS['roles'])}, "
        f"{STATS['seconds']:.1f} s; answers {dict(sorted(STATS['statuses'].items()))}"
    )


@pytest.mark.parametrize("role", [None, *[r.value for r in Role]])
def test_no_input_gives_a_server_error(app, db, client, role):
    started = time.monotonic()
    org = OrganisationFactory()
    own = DeadlineFactory(due_date=date(2027, 1, 15), organisation=org)
    # id 1 of every kind of object exists, so that pages and forms of the domains are reached
    membership = MembershipFactory(person=PersonFactory(organisation=org))
    ResolutionFactory(body=membership.body, paper=PaperFactory())
    process_services.create_process(
        process_services.ProcessData(title="Fuzz-Prozess", start_date=date(2024, 1, 1)), "standard"
    )
    monitoring = monitoring_world.build(org)
    monitoring.update(meetings_world.build(org, monitoring))
    monitoring.update(funding_world.build(org))
    monitoring.update(reports_world.build(org=org, monitoring=monitoring))
    _db.session.commit()
    names = field_names()
    ids = {"deadline_id": own.id, "user_id": None, "token": "x", "action": "erledigt", **monitoring}

    def login():
        if role is None:
            return None
        user = UserFactory(role=role, organisation=org)
        client.post("/abmelden")
        response = client.post("/anmelden", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        assert client.get("/konto/passwort").status_code == 200
        return user

    checked = 0
    form_names = form_field_names()

    def send(method, url, query=None, data=None):
        response = client.open(url, method=method, query_string=query, data=data)
        STATS["requests"] += 1
        STATS["statuses"][response.status_code] = STATS["statuses"].get(response.status_code, 0) + 1
        assert response.status_code < 500, (method, url, query, data and {
            k: v[:80] for k, v in data.items() if BASELINE.get(k) != v
        })  # fmt: skip

    for rule in _routes(app):
        # OParl ignores the session: its answers are the same for every role (fuzzed once)
        if rule.endpoint.startswith("oparl.") and role is not None:
            continue
        rule_started = time.monotonic()
        user = login()
        ids["user_id"] = user.id if user else 1
        methods = sorted(rule.methods & {"GET", "POST"})
        url = _build(rule, {arg: route_value(rule, arg, ids) for arg in rule.arguments})
        # a route this role may not use is refused before any view reads its input (the
        # permission check, the login redirect): one hostile request proves it, the rest of the
        # budget goes to the routes the role reaches
        if "GET" in methods:
            first = client.get(url)
            reachable = _reachable(first)
            first.close()
        else:
            reachable = _reachable(client.post(url, data=BASELINE))
        if not reachable:
            method = "GET" if "GET" in methods else "POST"
            hostile = dict.fromkeys(names, "\x00")
            send(method, url, query=hostile if method == "GET" else None,
                 data={**BASELINE, **hostile} if method == "POST" else None)  # fmt: skip
            checked += 1
            STATS["routes"].add(rule.endpoint)
            continue
        # every parameter name at once with each hostile value
        if "GET" in methods:
            # admin and anonymous (public pages) get every value; the other roles reach a
            # subset of the same views and get one of each kind
            values = HOSTILE_TEXT + HOSTILE_NUMBERS + HOSTILE_DATES
            # a long value goes into the parameters the page's forms name and the common ones
            # (into all 145 names at once it made a query of megabytes, and half the run)
            page_names = (_fields_on_page(client, url) | set(EXTRA_KEYS)) & set(names)
            # a list's export reads its filters as the list page does (which gets every
            # value): one value of each kind
            full = role in ("admin", None) and not rule.endpoint.endswith("_export")
            for value in values if full else SAMPLE:
                targets = names if len(value) < 100 else sorted(page_names)
                send("GET", url, query={name: value for name in targets})
        # each field of the route's form alone with each killer value, the others valid; the
        # form's fields are read from its page (a POST-only route, e.g. a status button, and
        # roles other than admin, who reach a subset of the same forms, send each killer into
        # every field at once)
        if "POST" in methods and _reachable(client.post(url, data=BASELINE)):
            on_page = _fields_on_page(client, url) & set(form_names) if "GET" in methods else set()
            fields = on_page if role == "admin" else set()
            for value in KILLERS:
                # a long killer goes into the fields of the route's form (where its page shows
                # them), not into all names at once (bodies of megabytes, most of the run)
                targets = on_page if on_page and len(value) >= 100 else form_names
                send("POST", url, data={**BASELINE, **dict.fromkeys(targets, value)})
                for name in sorted(fields):
                    send("POST", url, data={**BASELINE, name: value})
            if user is not None and client.get("/").status_code != 200:
                user = login()  # a POST ended the session (logout, reset): go on signed in

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
        @given(
            method=st.sampled_from(methods),
            path_args=st.fixed_dictionaries(
                {
                    arg: st.one_of(
                        st.just(ids.get(arg, 1)),
                        st.sampled_from([0, 2**31, 2**63, "x", "\x00", "ä" * 50]),
                    )
                    for arg in rule.arguments
                }
            ),
            query=st.dictionaries(st.sampled_from(names), HOSTILE, max_size=6),
            overrides=st.dictionaries(st.sampled_from(names), HOSTILE, max_size=4),
        )
        def probe(method, path_args, query, overrides):
            data = {**BASELINE, **overrides} if method == "POST" else None
            send(method, _build(rule, path_args), query=query, data=data)  # noqa: B023 - run at once

        probe()
        checked += 1
        if os.environ.get("FUZZ_TIMING"):
            print(f"{role} {rule.rule} {time.monotonic() - rule_started:.1f}", flush=True)
        STATS["routes"].add(rule.endpoint)
    STATS["roles"].add(role or "anonym")
    STATS["seconds"] += time.monotonic() - started
    assert checked >= 15


def _fields_on_page(client, url) -> set[str]:
    page = client.get(url).get_data(as_text=True)
    return set(re.findall(r'name="([a-z_]+)"', page)) - {"csrf_token"}


def _reachable(response) -> bool:
    """The role may use this route (not refused, not sent to the login)."""
    location = response.headers.get("Location", "")
    return response.status_code not in (403, 404, 405) and "/anmelden" not in location


def _build(rule, args) -> str:
    """The path with the drawn arguments put in as text, even where the converter would not
    build them (an id beyond 32 bits, letters for a number): the server must cope."""
    path = rule.rule
    for name, value in args.items():
        path = path.replace(f"<{name}>", str(value))
        for converter in ("int", "id", "string", "path"):
            path = path.replace(f"<{converter}:{name}>", str(value))
        if "<any(" in path:
            start = path.index("<any(")
            path = path[:start] + str(value) + path[path.index(">", start) + 1 :]
    return path.replace("\x00", "%00")
