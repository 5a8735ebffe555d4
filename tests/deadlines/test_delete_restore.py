"""Issue 6: deleting asks first, works without JavaScript, and can be undone by a planner."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from planner.deadlines import reminders
from planner.deadlines.models import Reminder, ReminderState
from tests.factories import DeadlineFactory, UserFactory


def test_delete_asks_first_then_hides_everywhere_and_can_be_undone(client, db, login_as, smtp):
    login_as("planner")
    person = UserFactory(email="erinnert@example.org")
    deadline = DeadlineFactory(
        title="Zu löschen", due_date=date(2030, 3, 13), responsible_users=[person]
    )

    confirm = client.get(f"/fristen/{deadline.id}/loeschen")
    assert confirm.status_code == 200
    assert "Ja, Frist löschen" in confirm.get_data(as_text=True)
    assert client.get(f"/fristen/{deadline.id}").status_code == 200  # nothing happened yet

    response = client.post(f"/fristen/{deadline.id}/loeschen")
    assert response.headers["Location"] == f"/fristen/{deadline.id}/geloescht"
    assert "Rückgängig machen" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get(f"/fristen/{deadline.id}").status_code == 404
    assert client.get(f"/fristen/{deadline.id}/bearbeiten").status_code == 404
    assert "Zu löschen" not in client.get("/fristen/?state=").get_data(as_text=True)
    assert "Zu löschen" in client.get("/fristen/papierkorb").get_data(as_text=True)
    # no reminder for a deleted deadline
    now = datetime(2030, 3, 10, 6, 30, tzinfo=UTC)
    assert reminders.send_due_reminders(now).sent == 0

    restored = client.post(f"/fristen/{deadline.id}/wiederherstellen")
    assert restored.headers["Location"] == f"/fristen/{deadline.id}"
    assert "ist wiederhergestellt" in client.get(restored.headers["Location"]).get_data(
        as_text=True
    )
    assert "Zu löschen" in client.get("/fristen/?state=").get_data(as_text=True)
    assert reminders.send_due_reminders(now).sent == 1
    assert len(smtp.inbox.to("erinnert@example.org")) == 1


def test_only_planners_delete_and_restore(client, db, login_as):
    deadline = DeadlineFactory()
    login_as("participant")
    assert client.get(f"/fristen/{deadline.id}/loeschen").status_code == 403
    assert client.post(f"/fristen/{deadline.id}/loeschen").status_code == 403
    assert client.get("/fristen/papierkorb").status_code == 403
    assert client.post(f"/fristen/{deadline.id}/wiederherstellen").status_code == 403


def test_the_audit_log_keeps_who_deleted_and_restored(client, db, login_as):
    planner = login_as("planner", name="Petra Planung")
    deadline = DeadlineFactory()
    client.post(f"/fristen/{deadline.id}/loeschen")
    db.session.expire_all()
    assert db.session.get(type(deadline), deadline.id).deleted_by_id == planner.id
    pending = (
        select(func.count()).select_from(Reminder).where(Reminder.state == ReminderState.PENDING)
    )
    assert db.session.scalar(pending) == 0
