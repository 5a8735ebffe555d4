"""Bench data of the social report issue: a 40-section edition with 30 embedded blocks (ten
indicator tables, five of every Sozialraum and five by municipality; ten maps of the
Sozialräume; five charts; three index runs; two area profiles) as a live draft and the same
text frozen in agreement, with a comment per section.
At land scale the tables and maps take the Sozialräume of one Kreis (``in=``), as a Kreis's
report does."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bench.scales import Scale
from planner.accounts.models import User
from planner.deadlines.services import today_in_berlin
from planner.extensions import db
from planner.monitoring.models import Area, IndexRun, Indicator
from planner.reports import services

SECTIONS = 40
DRAFT = "Bench-Sozialbericht (Entwurf)"
FROZEN = "Bench-Sozialbericht (Abstimmung)"


def _blocks(
    codes: list[str], period: str, within: str | None, towns: list[str], profile: str, run_id: int
) -> list[str]:
    where = f" in={within}" if within else ""
    out = []
    for k in range(10):
        # as a Kreis's report: half the tables by municipality, half of every Sozialraum
        level = "Sozialraum" if k % 2 else "Kommune"
        out.append(f"{{{{tabelle indikator={codes[k]} ebene={level} zeitraum={period}{where}}}}}")
        out.append(f"{{{{karte indikator={codes[k]} ebene=Sozialraum zeitraum={period}{where}}}}}")
    for k in range(5):
        out.append(f"{{{{diagramm indikator={codes[k]} gebiete={','.join(towns)}}}}}")
    out += [f"{{{{index lauf={run_id}}}}}"] * 2 + [f"{{{{index lauf={run_id} darstellung=karte}}}}"]
    out += [f"{{{{profil gebiet={profile}}}}}"] * 2
    return out


def _text(n: int, block: str | None) -> str:
    para = ("Die soziale Lage in den Sozialräumen unterscheidet sich deutlich; die Befunde "
            "werden in den Fachplanerkonferenzen mit den Kommunen besprochen. ")  # fmt: skip
    body = f"{para * 3}\n\n# Befund {n}\n\n{para * 2}\n\n- erstens\n- zweitens\n"
    return body + (f"\n{block}\n\n{para}\n" if block else "")


def generate(scale: Scale) -> dict[str, int]:
    from bench.generate import sync_sequences

    # the report is written through its services (the ORM): ids from the sequences
    sync_sequences(("deadlines", "audit_entries", "users", "organisations"))
    codes = list(db.session.scalars(select(Indicator.code).order_by(Indicator.code).limit(10)))
    period = db.session.scalar(select(Indicator.periods).order_by(Indicator.code).limit(1))[-1]
    within = None
    if scale.name == "land":
        within = db.session.scalar(
            select(Area.code).where(Area.level == "Kreis").order_by(Area.id).limit(1)
        )
    towns = list(db.session.scalars(select(Area.code).where(Area.level == "Kommune")
                                    .order_by(Area.id).limit(3)))  # fmt: skip
    profile = db.session.scalar(
        select(Area.code).where(Area.level == "Sozialraum").order_by(Area.id).limit(1)
    )
    run_id = db.session.scalar(select(IndexRun.id).order_by(IndexRun.id).limit(1))
    blocks = _blocks(codes, period, within, towns, profile, run_id)
    planner = db.session.scalar(select(User).where(User.role == "planner").limit(1))
    today = today_in_berlin()
    editions = []
    for title in (DRAFT, FROZEN):
        edition = services.save_edition(None, services.EditionData(title, 2026, "Bench"), planner)
        for n in range(SECTIONS):
            block = blocks[n] if n < len(blocks) else None
            services.save_section(edition, None, f"Abschnitt {n + 1}", _text(n + 1, block))
        editions.append(edition)
    frozen = editions[1]
    services.send_to_agreement(frozen, today + timedelta(days=30), None, planner, today)
    for section in services.sections_of(frozen.id):
        services.add_comment(frozen, section, "Bitte prüfen.", planner)
    db.session.flush()
    return {"report sections": 2 * SECTIONS, "report blocks": 2 * len(blocks)}
