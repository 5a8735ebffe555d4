"""Commands for statistics offices that automate: areas, indicators and observations import,
the index run and the planning of expected deliveries. Each writes all or nothing and exits
non-zero with the German error report on bad input."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import func, or_, select

from planner.extensions import db

areas_cli = AppGroup("areas", help="Räume (Raumbaum mit Geometrie).")
indicators_cli = AppGroup("indicators", help="Indikatorenkatalog.")
observations_cli = AppGroup("observations", help="Werte (Beobachtungen) der Indikatoren.")
index_cli = AppGroup("index", help="Zusammengesetzter Index und Gebietstypen.")
deliveries_cli = AppGroup("deliveries", help="Lieferpläne und erwartete Lieferungen.")

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _fail(exc) -> None:
    db.session.rollback()
    problems = getattr(exc, "problems", None) or []
    click.echo(f"Fehler: {exc}", err=True)
    for p in problems:
        where = f"Zeile {p.row}" if p.row else "Datei"
        if p.column:
            where += f", Spalte {p.column}"
        click.echo(f"  {where}: {p.message}", err=True)
    count = getattr(exc, "count", len(problems))
    if count > len(problems):
        click.echo(f"  … und {count - len(problems)} weitere Probleme.", err=True)
    click.echo("Es wurde nichts geschrieben.", err=True)
    sys.exit(1)


@areas_cli.command("import")
@click.argument("file", type=FILE)
@click.option(
    "--key-property",
    default=None,
    help="GeoJSON: die Eigenschaft, die den Raumschlüssel enthält (z. B. AGS).",
)
def areas_import(file: Path, key_property: str | None) -> None:
    """Räume aus CSV (Kopfzeile code;name;parent;level;population) oder GeoJSON importieren.

    Vorhandene Räume (gleicher Schlüssel) werden aktualisiert. GeoJSON braucht --key-property;
    die Geometrie wird wie geliefert gespeichert, dazu eine vereinfachte Kopie für Karten.
    """
    from planner.core.transaction import DomainError
    from planner.monitoring import areas

    try:
        result = areas.import_areas_file(file, key_property or "code")
        db.session.commit()
    except DomainError as exc:
        _fail(exc)
    click.echo(
        f"Räume: {result.created} neu, {result.updated} aktualisiert, {result.geometries} Geometrien."
    )


@indicators_cli.command("import")
@click.argument("file", type=FILE)
def indicators_import(file: Path) -> None:
    """Indikatoren aus CSV importieren (Kopfzeile mindestens code;name;unit;polarity).

    polarity: higher_is_worse oder higher_is_better. Weitere Spalten: topic, factor,
    numerator, denominator, computed (ja/nein), periodicity (jaehrlich, halbjaehrlich,
    quartalsweise, monatlich), decimals, source, supplier, notes. Vorhandene Kürzel werden
    aktualisiert.
    """
    from planner.core.transaction import DomainError
    from planner.monitoring import catalogue

    try:
        created, updated = catalogue.import_indicators_csv(file)
        db.session.commit()
    except DomainError as exc:
        _fail(exc)
    click.echo(f"Indikatoren: {created} neu, {updated} aktualisiert.")


def _organisation(name: str) -> int:
    from planner.accounts.models import Organisation

    text = name.strip().lower()
    org_id = db.session.scalar(
        select(Organisation.id)
        .where(
            or_(func.lower(Organisation.name) == text, func.lower(Organisation.short_name) == text)
        )
        .limit(1)
    )
    if org_id is None and text.isdigit():
        org_id = db.session.get(Organisation, int(text)) and int(text)
    if not org_id:
        click.echo(
            f"Fehler: Organisation „{name}“ unbekannt. Es wurde nichts geschrieben.", err=True
        )
        sys.exit(1)
    return org_id


@observations_cli.command("import")
@click.argument("file", type=FILE)
@click.option(
    "--supplier",
    default=None,
    help="Name, Kurzname oder Nummer der liefernden Organisation: nur was sie laut Lieferplan schuldet, wird angenommen.",
)
@click.option(
    "--layout",
    type=click.Choice(["long", "wide"]),
    default="long",
    show_default=True,
    help="long: indikator;raum;zeitraum;wert[;zaehler;nenner]; wide: eine Spalte je Indikator.",
)
@click.option(
    "--period",
    default=None,
    help="Der Zeitraum einer Datei im breiten Aufbau (2020, 2020-H2, 2020-Q4, 2020-12).",
)
@click.option("--provisional", is_flag=True, help="Die Werte als vorläufig kennzeichnen.")
def observations_import(
    file: Path, supplier: str | None, layout: str, period: str | None, provisional: bool
) -> None:
    """Werte aus CSV oder XLSX importieren (alles oder nichts).

    Langer Aufbau mit der Kopfzeile indicator;area;period;value[;numerator;denominator]
    (auch deutsch: indikator;raum;zeitraum;wert;zaehler;nenner). Zeiträume: 2020, 2020-H2,
    2020-Q4, 2020-12. Trennzeichen ; oder , und Dezimalkomma werden erkannt; - oder . für
    fehlend, x oder * für geheim gehalten. Ein geänderter Wert ersetzt den alten, der in der
    Historie bleibt.
    """
    from planner.core.transaction import DomainError
    from planner.monitoring import deliveries, imports, jobs
    from planner.monitoring.models import ImportJob, JobState
    from planner.monitoring.periods import PeriodError, parse_period

    if layout == "wide":
        try:
            period = parse_period(period).code
        except PeriodError as exc:
            _fail(exc)
    org_id = _organisation(supplier) if supplier else None
    job = ImportJob(filename=file.name[:255], layout=layout, period=period, organisation_id=org_id,
                    state=JobState.RUNNING, provisional=provisional)  # fmt: skip
    db.session.add(job)
    db.session.commit()
    settings = imports.Settings(
        layout=layout, period=period, provisional=provisional, job_id=job.id,
        scope=deliveries.scope_of_organisation(org_id) if org_id else None,
    )  # fmt: skip
    try:
        result = imports.import_file(file, settings)
        jobs.finish(db.session.get(ImportJob, job.id), result)
        db.session.commit()
    except DomainError as exc:
        jobs.mark_failed(job.id, str(exc), getattr(exc, "problems", None), getattr(exc, "count", 1))
        db.session.commit()
        _fail(exc)
    click.echo(
        f"Werte: {result.rows} gelesen, {result.inserted} neu, {result.corrected} korrigiert, "
        f"{result.unchanged} unverändert, {result.derived} für übergeordnete Räume berechnet."
    )


@index_cli.command("run")
@click.option(
    "--indicators", required=True, help="Kürzel durch Komma getrennt, z. B. SGB2,KINDERARMUT,ALO"
)
@click.option("--level", required=True, help="Die Ebene der Räume, z. B. Sozialraum")
@click.option("--period", required=True, help="Zeitraum des Status, z. B. 2020")
@click.option("--from-period", default=None, help="Vergleichszeitraum für den Dynamikindex")
@click.option(
    "--min-population", type=click.IntRange(0, 10_000_000), default=300, show_default=True
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Zieldatei (CSV)",
)
@click.option("--name", default=None, help="Bezeichnung des gespeicherten Laufs")
def index_run(
    indicators: str,
    level: str,
    period: str,
    from_period: str | None,
    min_population: int,
    out: Path,
    name: str | None,
) -> None:
    """Status- (und Dynamik-)index berechnen, als Lauf speichern und als CSV schreiben.

    Spalten: area, name, z_<Kürzel> je Indikator, sum, index, class; mit --from-period
    zusätzlich dz_<Kürzel>, dyn_sum, dyn_index, dyn_class, type; zuletzt reason (warum ein Raum
    nicht bewertet wurde: zu wenige Einwohner oder fehlende Werte).
    """
    from planner.core.transaction import DomainError
    from planner.monitoring import index
    from planner.monitoring.periods import PeriodError, parse_period
    from planner.monitoring.tabular import write_csv

    try:
        period = parse_period(period).code
        from_period = parse_period(from_period).code if from_period else None
        spec = index.IndexSpec(codes=[c.strip() for c in indicators.split(",") if c.strip()], level=level,
                               period=period, from_period=from_period, min_population=min_population)  # fmt: skip
        run = index.run_index(spec, name or f"Index {period} ({level})")
    except (DomainError, PeriodError) as exc:
        _fail(exc)
    header, lines = index.run_table(run)
    buffer = io.StringIO()
    write_csv(header, lines, buffer)
    out.write_text(buffer.getvalue(), encoding="utf-8")
    db.session.commit()
    rated = sum(1 for r in run.results if r.status_class)
    click.echo(
        f"Index: {rated} Räume bewertet, {len(run.results) - rated} ohne Bewertung; geschrieben nach {out}."
    )


@deliveries_cli.command("plan")
def deliveries_plan() -> None:
    """Erwartete Lieferungen der aktiven Lieferpläne bis ein Jahr voraus anlegen (für cron)."""
    from planner.deadlines.services import today_in_berlin
    from planner.monitoring.deliveries import plan_all

    created = plan_all(today_in_berlin())
    db.session.commit()
    click.echo(f"Lieferungen: {created} neu erwartet.")


COMMANDS = (areas_cli, indicators_cli, observations_cli, index_cli, deliveries_cli)
