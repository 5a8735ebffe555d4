"""Flask commands: users, demo data, bench data."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from planner.extensions import db

users_cli = AppGroup("users", help="Benutzerkonten verwalten.")
demo_cli = AppGroup("demo", help="Demo-Daten des Rhein-Sieg-Kreises.")
bench_cli = AppGroup("bench", help="Synthetische Daten für Messungen.")


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Passwort", hide_input=True, confirmation_prompt="Passwort wiederholen")
    return sys.stdin.readline().rstrip("\n")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role",
    required=True,
    type=click.Choice(["admin", "planner", "participant", "supplier", "viewer"]),
)
@click.option("--organisation", default=None, help="Name einer vorhandenen Organisation")
def users_create(email: str, name: str, role: str, organisation: str | None) -> None:
    """Konto anlegen; das Passwort kommt aus der Eingabeaufforderung oder von stdin."""
    from sqlalchemy import select

    from planner.accounts import services
    from planner.accounts.models import Organisation

    org = None
    if organisation:
        org = db.session.scalar(select(Organisation).where(Organisation.name == organisation))
        if org is None:
            raise click.ClickException(f"Organisation „{organisation}“ gibt es nicht.")
    password = _read_password()
    try:
        user = services.create_user(
            email=email, name=name, role=role, password=password, organisation=org
        )
    except services.AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Konto angelegt: {user.email} ({user.role_label})")


@demo_cli.command("load")
def demo_load() -> None:
    """Demo-Daten laden (mehrfach aufrufbar, legt nichts doppelt an)."""
    from planner.demo import DEMO_PASSWORD, DEMO_USERS, load_demo

    load_demo()
    db.session.commit()
    click.echo(f"Demo-Daten geladen. Anmeldungen (Passwort jeweils „{DEMO_PASSWORD}“):")
    for email, _name, role, _org in DEMO_USERS:
        click.echo(f"  {email:28} {role.label}")


@demo_cli.command("load-if-empty")
def demo_load_if_empty() -> None:
    """Demo-Daten nur in eine leere Datenbank laden (für make run)."""
    from sqlalchemy import func, select

    from planner.accounts.models import User

    if db.session.scalar(select(func.count()).select_from(User)):
        click.echo("Datenbank enthält bereits Konten; Demo-Daten werden nicht geladen.")
        return
    demo_load.callback()


@bench_cli.command("generate")
@click.option("--scale", type=click.Choice(["small", "kreis", "land"]), default="kreis")
def bench_generate(scale: str) -> None:
    """Datenbank mit synthetischen Daten der gewählten Größe füllen."""
    try:
        from bench.generate import generate
    except ImportError as exc:  # bench/ lives beside the package, in the repository
        raise click.ClickException(
            "bench/ nicht gefunden; im Repository-Verzeichnis aufrufen."
        ) from exc
    counts = generate(scale)
    db.session.commit()
    for name, count in counts.items():
        click.echo(f"{name:24} {count:>10,}".replace(",", "."))


reminders_cli = AppGroup("reminders", help="Erinnerungen zu Fristen.")
scheduler_cli = AppGroup("scheduler", help="Zeitgesteuerte Aufgaben.")


@reminders_cli.command("send-due")
@click.option("--now", "now_text", default=None, help="Zeitpunkt (ISO 8601), Standard: jetzt")
def reminders_send_due(now_text: str | None) -> None:
    """Einen Durchlauf senden (für cron)."""
    from datetime import UTC, datetime

    from planner.core.models import utcnow
    from planner.deadlines.reminders import send_due_reminders

    now = utcnow()
    if now_text:
        now = datetime.fromisoformat(now_text)
        now = now if now.tzinfo else now.replace(tzinfo=UTC)
    result = send_due_reminders(now)
    click.echo(
        f"Erinnerungen: {result.sent} gesendet, {result.failed} fehlgeschlagen, "
        f"{result.cancelled} verworfen"
    )
    from flask import current_app

    from planner.deadlines.scheduler import SWEEP_JOBS

    for _job_id, job in SWEEP_JOBS:  # the other outboxes (invitation mails) go with the sweep
        job(current_app._get_current_object())
    if result.errors:
        click.echo("Fehler: " + "; ".join(result.errors), err=True)
        sys.exit(1)


@scheduler_cli.command("run")
def scheduler_run() -> None:
    """Den Scheduler als eigenen Prozess starten (Produktion)."""
    from flask import current_app

    from planner.deadlines.scheduler import SWEEP_MINUTES, run_blocking

    click.echo(f"Scheduler läuft: Erinnerungen alle {SWEEP_MINUTES} Minuten. Beenden mit Strg+C.")
    run_blocking(current_app._get_current_object())


audit_cli = AppGroup("audit", help="Änderungsprotokoll (Aufbewahrung nach DSGVO).")


def retention_cutoff(years: int, now=None):
    """The moment ``years`` years before ``now``: entries older than it lose their values."""
    from planner.core.models import utcnow

    now = now or utcnow()
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


@audit_cli.command("thin")
@click.option(
    "--years", type=click.IntRange(1, 100), default=None,
    help="Aufbewahrungsfrist in Jahren (Standard: PLANNER_AUDIT_RETENTION_YEARS, sonst 10)",
)  # fmt: skip
def audit_thin(years: int | None) -> None:
    """Einträge älter als die Aufbewahrungsfrist verlieren ihre alten und neuen Werte (für cron).

    Die Einträge selbst bleiben (wer hat wann was an welchem Objekt geändert); nur die Inhalte
    der Änderungen werden entfernt. Läuft in Stapeln zu 1.000 Einträgen.
    """
    from flask import current_app

    from planner.core.audit import remove_old_values

    years = years or current_app.config.get("AUDIT_RETENTION_YEARS", 10)
    if not 1 <= years <= 100:
        raise click.ClickException(
            "Die Aufbewahrungsfrist muss zwischen 1 und 100 Jahren liegen "
            "(PLANNER_AUDIT_RETENTION_YEARS)."
        )
    cutoff = retention_cutoff(years)
    count = remove_old_values(db.session, cutoff)
    click.echo(
        f"Änderungsprotokoll: {count} Einträge vor dem {cutoff:%d.%m.%Y} ohne alte/neue Werte."
    )


export_cli = AppGroup("export", help="Daten ausgeben.")
import_cli = AppGroup("import", help="Daten einlesen.")


def _backup(action, directory: Path, done: str) -> None:
    from planner.backup import BackupError

    try:
        manifest = action(directory)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(t["rows"] for t in manifest["tables"].values())
    click.echo(done.format(tables=len(manifest["tables"]), rows=rows, files=len(manifest["files"])))  # fmt: skip


@export_cli.command("all")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def export_all(directory: Path) -> None:
    """Die ganze Installation in einen neuen Ordner sichern (Tabellen, Dateien, Prüfsummen)."""
    from planner import backup

    _backup(backup.export_all, directory,
            f"Gesichert: {{tables}} Tabellen, {{rows}} Zeilen, {{files}} Dateien in {directory}.")  # fmt: skip


@import_cli.command("all")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def import_all(directory: Path) -> None:
    """Eine Sicherung in die leere Datenbank einlesen (alles oder nichts)."""
    from planner import backup

    _backup(backup.import_all, directory, "Eingelesen: {tables} Tabellen, {rows} Zeilen, {files} Dateien.")  # fmt: skip


def register(app: Flask) -> None:
    from planner.monitoring.cli import COMMANDS as monitoring_commands

    for group in (users_cli, demo_cli, bench_cli, reminders_cli, scheduler_cli, audit_cli, export_cli, import_cli,
                  *monitoring_commands):  # fmt: skip
        app.cli.add_command(group)
