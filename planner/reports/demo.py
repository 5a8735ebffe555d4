"""The demo's social report: "Sozialbericht 2017" with sections on poverty, children, old age
and the Sozialräume, embedding live blocks from the monitoring demo (synthetic values), sent to
agreement with the municipalities (its data frozen) and one open comment of Stadt Troisdorf."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from planner.accounts import services as accounts
from planner.deadlines.services import today_in_berlin
from planner.extensions import db
from planner.monitoring import index as index_runs
from planner.process.models import Step
from planner.reports import services
from planner.reports.models import ReportEdition

TITLE = "Sozialbericht 2017"


def _sections(run_id: int | None) -> list[tuple[str, str]]:
    index_block = f"{{{{index lauf={run_id} darstellung=karte}}}}" if run_id else ""
    return [
        (
            "Einleitung",
            (
                "Der erste Sozialbericht des Rhein-Sieg-Kreises beschreibt die soziale Lage in den "
                "19 Städten und Gemeinden und ihren Sozialräumen. Er beruht auf dem kleinräumigen "
                "Sozialmonitoring (Stichtag 31.12.2016) und ist die Grundlage der "
                "Fachplanerkonferenzen, die aus seinen Befunden Maßnahmen ableiten.\n\n"
                "*Hinweis: Die Werte der Demo sind synthetisch, keine amtlichen Zahlen.*\n\n"
                "# Datengrundlage\n\n"
                "Die Daten liefern die Städte und Gemeinden, das Jobcenter Rhein-Sieg und die "
                "Wohlfahrtsverbände zu festen Terminen. Werte auf kleinen Fallzahlen werden aus "
                "Datenschutzgründen nicht ausgewiesen (x)."
            ),
        ),
        (
            "Armut",
            (
                "Die SGB-II-Quote ist der zentrale Indikator für Armut. Sie streut zwischen den "
                "Kommunen deutlich.\n\n"
                "{{tabelle indikator=SGB2 ebene=Kommune zeitraum=2016 sortierung=wert}}\n\n"
                "# Armut in den Sozialräumen\n\n"
                "Innerhalb der Städte konzentriert sich Armut auf einzelne Sozialräume.\n\n"
                "{{karte indikator=SGB2 ebene=Sozialraum zeitraum=2016}}"
            ),
        ),
        (
            "Kinder und Familien",
            (
                "Kinderarmut ist höher als die Armut der Bevölkerung insgesamt.\n\n"
                "{{karte indikator=KIARM ebene=Sozialraum zeitraum=2016 klassen=4}}\n\n"
                "{{diagramm indikator=KIARM gebiete=05382,05382068,05382060}}\n\n"
                "Maßnahmen, die mit der Kinderarmut begründet sind:\n\n"
                "{{massnahmen indikator=KIARM}}"
            ),
        ),
        (
            "Alter",
            (
                "Der Anteil älterer Menschen wächst, die Grundsicherung im Alter ebenso.\n\n"
                "{{tabelle indikator=GSIA ebene=Kommune zeitraum=2016}}\n\n"
                "{{diagramm indikator=UE65 gebiete=05382}}"
            ),
        ),
        (
            "Die Sozialräume",
            (
                "Der Sozialindex fasst die Indikatoren zu einer Einordnung jedes Sozialraums "
                "zusammen.\n\n"
                f"{index_block}\n\n"
                "# Beispiel: Siegburg\n\n"
                "{{profil gebiet=05382060 zeitraum=2016}}"
            ),
        ),
    ]


def load() -> None:
    if db.session.scalar(select(ReportEdition.id).where(ReportEdition.title == TITLE)):
        return
    planner = accounts.get_user_by_email("planung@demo.example")
    participant = accounts.get_user_by_email("fachplanung@demo.example")
    # the report's own index run: the Sozialräume at the report's reference date
    run = index_runs.run_index(
        index_runs.IndexSpec(codes=["SGB2", "KIARM", "ALO", "ALLEIN", "GSIA"], level="Sozialraum",
                             period="2016"),
        "Sozialindex 2016 (Sozialbericht 2017)", planner,
    )  # fmt: skip
    edition = services.save_edition(
        None,
        services.EditionData(TITLE, 2017, "Erster Sozialbericht des Rhein-Sieg-Kreises: soziale "
                             "Lage in den Kommunen und Sozialräumen, Stichtag 31.12.2016."),
        planner,
    )  # fmt: skip
    for title, body in _sections(run.id):
        services.save_section(edition, None, title, body)
    step = db.session.scalar(select(Step).where(Step.template_step == "sozialbericht")
                             .order_by(Step.id.desc()).limit(1))  # fmt: skip
    today = today_in_berlin()
    services.send_to_agreement(edition, today + timedelta(days=21),
                               step.id if step else None, planner, today)  # fmt: skip
    armut = services.sections_of(edition.id)[1]
    if participant is not None:
        services.add_comment(
            edition, armut,
            "Für Troisdorf bitte ergänzen, dass die hohen Werte in Troisdorf-Nord mit dem "
            "Zuzug in die neuen Sozialwohnungen 2016 zusammenhängen.", participant,
        )  # fmt: skip
    db.session.flush()
