"""The registration API other domains use, and the audit of deadline changes."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from planner.core.audit import AuditEntry
from planner.deadlines import reminders, services
from planner.deadlines.models import Deadline, Reminder, ReminderState
from tests.factories import UserFactory


def test_register_creates_updates_and_unregister_removes(db):
    person = UserFactory()
    first = services.register(
        "funding_application", 12, slot="verwendungsnachweis", title="Verwendungsnachweis",
        kind="foerderfrist", due_date=date(2030, 6, 30), responsible_users=[person],
    )  # fmt: skip
    db.session.commit()
    again = services.register(
        "funding_application", 12, slot="verwendungsnachweis", title="Verwendungsnachweis",
        kind="foerderfrist", due_date=date(2030, 9, 30), responsible_users=[person],
    )  # fmt: skip
    db.session.commit()
    assert again.id == first.id
    assert again.due_date == date(2030, 9, 30) and again.sequence == 1
    services.register(
        "funding_application",
        12,
        slot="antrag",
        title="Antrag",
        kind="foerderfrist",
        due_date=date(2030, 1, 31),
    )
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Deadline)) == 2
    assert services.unregister("funding_application", 12) == 2
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Deadline)) == 0


def test_moving_the_owner_cancels_reminders_of_the_old_date(db, smtp):
    person = UserFactory()
    services.register(
        "meeting",
        1,
        title="Konferenz",
        kind="sitzung",
        due_date=date(2030, 3, 17),
        responsible_users=[person],
    )
    db.session.commit()
    smtp.stop()
    reminders.send_due_reminders(datetime(2030, 3, 10, 6, 30, tzinfo=UTC))  # -7 step fails
    services.register(
        "meeting",
        1,
        title="Konferenz",
        kind="sitzung",
        due_date=date(2030, 4, 17),
        responsible_users=[person],
    )
    db.session.commit()
    assert db.session.scalars(select(Reminder.state)).all() == [ReminderState.CANCELLED]


def test_completed_owned_deadline_stays_completed_when_the_owner_is_saved(db):
    deadline = services.register(
        "step", 3, title="Schritt", kind="prozessschritt", due_date=date(2030, 2, 1)
    )
    services.mark_done(deadline, None)
    db.session.commit()
    services.register(
        "step", 3, title="Schritt (neu)", kind="prozessschritt", due_date=date(2030, 2, 1)
    )
    db.session.commit()
    assert deadline.state.value == "erledigt" and deadline.title == "Schritt (neu)"


def test_deadline_changes_are_audited(db):
    deadline = services.create_deadline(
        services.DeadlineData(title="Prüfen", kind="sonstiges", due_date=date(2030, 1, 1))
    )
    db.session.commit()
    services.mark_done(deadline, None)
    db.session.commit()
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "Deadline").order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].changes["state"] == ["offen", "erledigt"]


def test_offsets_are_parsed_and_checked():
    assert services.parse_offsets("-14; -3, 0, +1,7") == (-14, -3, 0, 1, 7)
    assert services.parse_offsets("  ") is None
    for bad in ("morgen", "-400"):
        try:
            services.parse_offsets(bad)
        except services.DeadlineError:
            continue
        raise AssertionError(f"{bad!r} accepted")
