"""A small report world on the monitoring world (a Kreis with four Sozialräume, SGB2 for 2019
and 2020, an index run): a measure aimed at the first Sozialraum, a body's resolution, a process
step of the agreement; a draft with a section for each kind of block, an edition in agreement
(frozen) with an open comment, a published edition."""

from __future__ import annotations

from datetime import date

from planner.extensions import db as _db
from planner.measures import services as measures
from planner.process import services as process
from planner.reports import services
from tests.factories import BodyFactory, OrganisationFactory, ResolutionFactory, UserFactory
from tests.meetings.world import _planner
from tests.monitoring import world as monitoring_world

ALL_KINDS = (
    "Einleitung mit **fett**.\n\n"
    "# Werte\n\n"
    "{{tabelle indikator=SGB2 ebene=Sozialraum zeitraum=2020}}\n\n"
    "{{karte indikator=SGB2 ebene=Sozialraum zeitraum=2020 klassen=3}}\n\n"
    "{{diagramm indikator=SGB2 gebiete=K1-0}}\n\n"
    "{{index lauf=RUN}}\n\n"
    "{{profil gebiet=K1-0}}\n\n"
    "{{massnahmen gebiet=K1-0}}\n"
)


def build(long_names: bool = False, org=None, monitoring: dict | None = None) -> dict[str, int]:
    """``monitoring``: the ids of a monitoring world already built (the fuzz builds them all)."""
    word = "Sozialberichterstattungsabschnitt" * 3 if long_names else "Armut"
    org = org or OrganisationFactory(name="Kreis Beispiel")
    ids = dict(monitoring) if monitoring else monitoring_world.build(org, long_names)
    planner = _planner()
    measure = measures.save_measure(None, measures.MeasureData(
        title=f"Familienzentrum {word} im Bericht", area_ids=[ids["area_id"]]), planner)  # fmt: skip
    body = BodyFactory(name=f"Kreistag {word}")
    resolution = ResolutionFactory(
        body=body, date=date(2026, 3, 1), title="Sozialbericht beschlossen"
    )
    plan = process.create_process(process.ProcessData(title=f"Prozess {word}",
                                                      start_date=date(2026, 1, 1)), "standard")  # fmt: skip
    step = process.get_step(process.steps_for_choice(plan.id)[0][0])
    text = ALL_KINDS.replace("RUN", str(ids["run_id"]))

    draft = services.save_edition(None, services.EditionData(f"Entwurf {word}", 2026), planner)
    section = services.save_section(draft, None, f"Alle Bausteine {word}", text)
    services.save_section(draft, None, "Zweiter Abschnitt", "Nur Text.")

    agreed = services.save_edition(
        None, services.EditionData(f"Sozialbericht 2025 {word}", 2025), planner
    )
    agreed_section = services.save_section(agreed, None, word, text)
    services.send_to_agreement(agreed, date(2026, 12, 31), step.id, planner,
                               date(2026, 1, 1))  # fmt: skip
    commenter = UserFactory(name=f"Frida Fachplanung {word}", role="participant", organisation=org)
    comment = services.add_comment(agreed, agreed_section, "Bitte ergänzen.", commenter)

    published = services.save_edition(
        None, services.EditionData(f"Sozialbericht 2022 {word}", 2022), planner
    )
    published_section = services.save_section(
        published, None, "Rückblick", "{{tabelle indikator=SGB2 ebene=Sozialraum zeitraum=2019}}"
    )
    services.send_to_agreement(published, date(2026, 12, 31), None, planner, date(2026, 1, 1))
    services.decide(published, resolution.id, planner)
    services.publish(published, date(2026, 4, 1))
    _db.session.commit()
    out = {**ids, "draft_id": draft.id, "edition_id": draft.id, "section_id": section.id, "agreed_id": agreed.id,
            "agreed_section_id": agreed_section.id, "comment_id": comment.id,
            "published_id": published.id, "published_section_id": published_section.id,
            "resolution_id": resolution.id, "measure_id": measure.id,
            "step_id": step.id}  # fmt: skip
    out["measure_id"] = (monitoring or {}).get("measure_id", measure.id)
    return out
