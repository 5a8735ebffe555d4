"""The reminder sweep against a real SMTP server: content, recipients, exactly once,
concurrency, outages, moved dates, crashed sweeps."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from planner.deadlines import reminders, services
from planner.deadlines.models import Reminder, ReminderPreference, ReminderState
from tests.factories import DeadlineFactory, OrganisationFactory, UserFactory

# 10.03.2030, 07:30 in Berlin (CET): the reminders of that day are due
NOW = datetime(2030, 3, 10, 6, 30, tzinfo=UTC)
IN_3_DAYS = date(2030, 3, 13)


def _sent_count(db) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Reminder).where(Reminder.state == ReminderState.SENT)
    )


def test_reminder_mail_arrives_with_recipient_subject_and_link(app, db, smtp):
    org = OrganisationFactory(name="Stadt Siegburg")
    user = UserFactory(email="daten@siegburg.example", organisation=org)
    deadline = DeadlineFactory(
        title="SGB-II-Quoten liefern",
        due_date=IN_3_DAYS,
        organisation=org,
        responsible_users=[user],
    )

    result = reminders.send_due_reminders(NOW)

    assert result.sent == 1 and result.failed == 0
    [msg] = smtp.inbox.to("daten@siegburg.example")
    assert msg["Subject"] == "Erinnerung: SGB-II-Quoten liefern – in 3 Tagen fällig (13.03.2030)"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    link = f"{app.config['BASE_URL']}/fristen/{deadline.id}"
    assert link in text and f'href="{link}"' in html
    assert "Stadt Siegburg" in text
    # a second sweep at the same time sends nothing again
    assert reminders.send_due_reminders(NOW).sent == 0
    assert len(smtp.inbox.messages) == 1


def test_without_named_people_the_active_users_of_the_organisation_are_reminded(db, smtp):
    org = OrganisationFactory()
    UserFactory(email="a@kommune.example", organisation=org)
    UserFactory(email="b@kommune.example", organisation=org)
    UserFactory(email="inaktiv@kommune.example", organisation=org, active=False)
    quiet = UserFactory(email="ruhe@kommune.example", organisation=org)
    db.session.add(ReminderPreference(user_id=quiet.id, mode="aus"))
    db.session.commit()
    DeadlineFactory(due_date=IN_3_DAYS, organisation=org)

    reminders.send_due_reminders(NOW)

    assert sorted(r[0] for r, _m in smtp.inbox.messages) == [
        "a@kommune.example",
        "b@kommune.example",
    ]


def test_daily_digest_bundles_the_reminders_of_a_user(db, smtp):
    user = UserFactory(email="sammel@example.org")
    db.session.add(ReminderPreference(user_id=user.id, mode="taeglich"))
    db.session.commit()
    DeadlineFactory(title="Erste Frist", due_date=IN_3_DAYS, responsible_users=[user])
    DeadlineFactory(title="Zweite Frist", due_date=NOW.date(), responsible_users=[user])

    result = reminders.send_due_reminders(NOW)

    assert result.sent == 2
    [msg] = smtp.inbox.to("sammel@example.org")
    assert msg["Subject"] == "Ihre Fristen am 10.03.2030: 2 Erinnerungen"
    text = msg.get_body(("plain",)).get_content()
    assert "Erste Frist – in 3 Tagen fällig" in text
    assert "Zweite Frist – heute fällig" in text


def test_overdue_and_long_past_deadlines(db, smtp):
    user = UserFactory(email="x@example.org")
    DeadlineFactory(title="Gestern fällig", due_date=date(2030, 3, 9), responsible_users=[user])
    DeadlineFactory(title="Uralt", due_date=date(2017, 6, 19), responsible_users=[user])
    DeadlineFactory(
        title="Erledigt", due_date=IN_3_DAYS, responsible_users=[user], state="erledigt"
    )

    reminders.send_due_reminders(NOW)

    subjects = [m["Subject"] for _r, m in smtp.inbox.messages]
    assert subjects == ["Erinnerung: Gestern fällig – seit 1 Tag überfällig (09.03.2030)"]


def test_two_concurrent_sweeps_send_every_reminder_exactly_once(app, db, smtp):
    users = [UserFactory(email=f"p{i}@example.org") for i in range(30)]
    for i in range(60):
        DeadlineFactory(title=f"Frist {i}", due_date=IN_3_DAYS, responsible_users=[users[i % 30]])
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sweep():
        try:
            with app.app_context():
                barrier.wait()
                results.append(reminders.send_due_reminders(NOW, batch=5))
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    assert len(results) == 2
    assert sum(r.sent for r in results) == 60
    subjects = [m["Subject"] for _r, m in smtp.inbox.messages]
    assert len(subjects) == 60
    assert len(set(subjects)) == 60
    db.session.expire_all()
    assert _sent_count(db) == 60


def test_smtp_outage_keeps_reminders_due_and_delivers_them_once_later(app, db, smtp):
    users = [UserFactory(email=f"o{i}@example.org") for i in range(3)]
    for u in users:
        DeadlineFactory(due_date=IN_3_DAYS, responsible_users=[u])
    smtp.stop()

    result = reminders.send_due_reminders(NOW)

    assert result.sent == 0 and result.failed == 3
    assert _sent_count(db) == 0
    pending = db.session.scalars(select(Reminder)).all()
    assert all(r.state == ReminderState.PENDING and r.attempts == 1 for r in pending)
    assert all("SMTP-Verbindung" in r.last_error for r in pending)
    assert app.test_client().get("/health").json["reminders"]["failing"] == 3

    smtp.start()
    # within the back-off nothing is retried
    assert reminders.send_due_reminders(NOW + timedelta(minutes=2)).sent == 0
    later = NOW + timedelta(minutes=6)
    assert reminders.send_due_reminders(later).sent == 3
    assert reminders.send_due_reminders(later + timedelta(minutes=5)).sent == 0
    assert sorted(r[0] for r, _m in smtp.inbox.messages) == [u.email for u in users]
    assert app.test_client().get("/health").json["reminders"]["failing"] == 0


def test_a_sweep_killed_after_claiming_loses_nothing(db, smtp):
    user = UserFactory(email="k@example.org")
    DeadlineFactory(due_date=IN_3_DAYS, responsible_users=[user])
    reminders.materialise(NOW)
    db.session.commit()
    with db.engine.connect() as connection:  # a sweep that dies right after claiming
        claimed = reminders.Outbox(connection, "crashed-sweep").claim(NOW)
    assert len(claimed) == 1

    assert reminders.send_due_reminders(NOW + timedelta(minutes=5)).sent == 0  # lease still held
    assert reminders.send_due_reminders(NOW + reminders.LEASE + timedelta(minutes=1)).sent == 1
    assert len(smtp.inbox.messages) == 1


def test_moved_due_date_moves_pending_reminders_and_never_repeats_a_sent_one(db, smtp):
    user = UserFactory(email="m@example.org")
    deadline = DeadlineFactory(due_date=IN_3_DAYS, responsible_users=[user], title="Bericht")
    assert reminders.send_due_reminders(NOW).sent == 1

    def move(day: date) -> None:
        data = services.DeadlineData(title=deadline.title, kind=deadline.kind, due_date=day)
        services.update_deadline(deadline, data)
        db.session.commit()

    move(IN_3_DAYS + timedelta(days=7))
    assert reminders.send_due_reminders(NOW).sent == 0  # nothing due for the new date yet
    assert reminders.send_due_reminders(NOW + timedelta(days=7)).sent == 1  # its -3 step
    move(IN_3_DAYS)  # back to the first date: that reminder went out already
    assert reminders.send_due_reminders(NOW).sent == 0
    assert len(smtp.inbox.messages) == 2


def test_failed_reminder_of_an_old_date_is_dropped_when_the_date_moves(db, smtp):
    user = UserFactory(email="f@example.org")
    deadline = DeadlineFactory(due_date=IN_3_DAYS, responsible_users=[user])
    smtp.stop()
    reminders.send_due_reminders(NOW)
    smtp.start()
    services.update_deadline(
        deadline,
        services.DeadlineData(
            title=deadline.title, kind=deadline.kind, due_date=IN_3_DAYS + timedelta(days=30)
        ),
    )
    db.session.commit()

    assert reminders.send_due_reminders(NOW + timedelta(hours=1)).sent == 0
    assert smtp.inbox.messages == []
    states = db.session.scalars(select(Reminder.state)).all()
    assert states == [ReminderState.CANCELLED]


def test_health_reports_the_last_sweep(client, db, smtp):
    assert client.get("/health").json["reminders"] == {
        "last_sweep": None,
        "failing": 0,
        "failed": 0,
    }
    reminders.send_due_reminders(NOW)
    assert client.get("/health").json["reminders"]["last_sweep"].startswith("2030-03-10T06:30")


def test_two_scheduler_processes_deliver_each_reminder_once_across_an_outage(
    app, db, smtp, tmp_path
):
    """Two ``flask reminders send-due`` processes on the same database and SMTP server: first
    while the server is down (nothing is lost), then, restarted, after it is back."""
    import os
    import subprocess
    import sys

    for i in range(40):
        DeadlineFactory(
            due_date=IN_3_DAYS, responsible_users=[UserFactory(email=f"proc{i}@example.org")]
        )
    env = dict(
        os.environ,
        PLANNER_ENV="production",
        PLANNER_SECRET_KEY="x" * 32,
        PLANNER_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        PLANNER_MAIL_URL=smtp.url,
        PLANNER_SCHEDULER="off",
    )

    def two_processes(now: datetime) -> list:
        command = [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "planner",
            "reminders",
            "send-due",
            "--now",
            now.isoformat(),
        ]
        procs = [
            subprocess.Popen(
                command,
                env=env,
                cwd=tmp_path,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        return [(p.communicate(timeout=120), p.returncode) for p in procs]

    smtp.stop()
    down = two_processes(NOW)
    # whoever claimed reminders reports the SMTP error (exit 1); none is marked sent
    assert sorted(rc for _out, rc in down) in ([0, 1], [1, 1]), down
    assert smtp.inbox.messages == [] and _sent_count(db) == 0

    smtp.start()
    up = two_processes(NOW + timedelta(minutes=6))
    assert [rc for _out, rc in up] == [0, 0], up
    recipients = sorted(r[0] for r, _m in smtp.inbox.messages)
    assert recipients == sorted(f"proc{i}@example.org" for i in range(40))


def test_a_late_found_reminder_waits_for_the_next_digest_and_tells_the_truth(db, smtp):
    user = UserFactory(email="digest@example.org")
    db.session.add(ReminderPreference(user_id=user.id, mode="taeglich"))
    db.session.commit()
    reminders.send_due_reminders(NOW)  # the 07:30 digest run: nothing for this user yet
    DeadlineFactory(title="Spät angelegt", due_date=IN_3_DAYS, responsible_users=[user])

    afternoon = NOW + timedelta(hours=7)  # 14:30: its -3 step is due, but the digest went out
    assert reminders.send_due_reminders(afternoon).sent == 0
    next_morning = NOW + timedelta(days=1, minutes=5)
    assert reminders.send_due_reminders(next_morning).sent == 1
    [msg] = smtp.inbox.to("digest@example.org")
    assert "Spät angelegt – in 2 Tagen fällig" in msg.get_body(("plain",)).get_content()


def test_immediate_mail_sent_late_counts_from_the_day_it_goes_out(db, smtp):
    user = UserFactory(email="spaet@example.org")
    DeadlineFactory(title="Nachzügler", due_date=IN_3_DAYS, responsible_users=[user])
    reminders.send_due_reminders(NOW + timedelta(days=1))  # the scheduler was down a day
    [msg] = smtp.inbox.to("spaet@example.org")
    assert "in 2 Tagen fällig" in msg["Subject"]
