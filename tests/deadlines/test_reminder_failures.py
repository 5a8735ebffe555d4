"""Issue 6: one bad message never stops the others; internationalised addresses; a bounded
claim; a sweep that outlives its lease cannot send what is no longer its own; a digest
re-checks visibility when it is sent."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from planner.core.mail import Mailer
from planner.deadlines import reminders
from planner.deadlines.models import Reminder, ReminderPreference, ReminderState
from tests.conftest import Inbox, _free_port
from tests.deadlines.test_reminders import IN_3_DAYS, NOW
from tests.factories import PASSWORD, DeadlineFactory, OrganisationFactory, UserFactory


def _states(db) -> dict[str, str]:
    db.session.expire_all()
    rows = db.session.execute(select(Reminder.recipient_id, Reminder.state, Reminder.last_error))
    return {rid: (state, error) for rid, state, error in rows}


def _serve(app, smtputf8: bool):
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, enable_SMTPUTF8=smtputf8)
    controller.start()
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{port}"
    return controller, inbox


def _three_recipients():
    utf8 = UserFactory(email="üser@tëst.example", name="Ülrike Übel")
    idn = UserFactory(email="idn@tëst.example")
    plain = UserFactory(email="plain@example.org")
    for user in (utf8, idn, plain):
        DeadlineFactory(
            title=f"Frist für {user.name}", due_date=IN_3_DAYS, responsible_users=[user]
        )
    return utf8, idn, plain


def test_without_smtputf8_only_the_utf8_address_fails_and_health_shows_it(app, db, client):
    old = app.config.get("MAIL_URL")
    controller, inbox = _serve(app, smtputf8=False)
    try:
        utf8, idn, plain = _three_recipients()
        result = reminders.send_due_reminders(NOW)
    finally:
        controller.stop()
        app.config["MAIL_URL"] = old

    assert result.sent == 2 and result.failed == 1
    # the domain goes out in its ASCII form (IDNA), so any server takes it
    assert sorted(r[0] for r, _m in inbox.messages) == [
        "idn@xn--tst-jma.example",
        "plain@example.org",
    ]
    states = _states(db)
    assert states[utf8.id][0] == ReminderState.FAILED
    assert "SMTPUTF8" in states[utf8.id][1]
    assert states[idn.id][0] == states[plain.id][0] == ReminderState.SENT
    # given up, not retried: the next sweep leaves it alone
    assert reminders.send_due_reminders(NOW + timedelta(hours=9)).failed == 0
    health = client.get("/health").json["reminders"]
    assert health["failed"] == 1

    admin = UserFactory(role="admin")
    client.post("/anmelden", data={"email": admin.email, "password": PASSWORD})
    page = client.get("/admin/erinnerungen").get_data(as_text=True)
    assert "üser@tëst.example" in page and "aufgegeben" in page and "SMTPUTF8" in page
    assert "plain@example.org" in page  # "Zuletzt gesendet" says who got what


def test_with_smtputf8_every_address_is_delivered(app, db):
    old = app.config.get("MAIL_URL")
    controller, inbox = _serve(app, smtputf8=True)
    try:
        _three_recipients()
        result = reminders.send_due_reminders(NOW)
    finally:
        controller.stop()
        app.config["MAIL_URL"] = old

    assert result.sent == 3 and result.failed == 0
    recipients = sorted(r[0] for r, _m in inbox.messages)
    assert recipients == [
        "idn@xn--tst-jma.example",
        "plain@example.org",
        "üser@xn--tst-jma.example",
    ]


def test_a_message_that_cannot_be_built_fails_alone(db, smtp):
    broken = UserFactory(email="x@bad..exämple")  # no valid IDNA form
    ok = [UserFactory(email=f"ok{i}@example.org") for i in range(3)]
    for user in [ok[0], broken, *ok[1:]]:
        DeadlineFactory(due_date=IN_3_DAYS, responsible_users=[user])

    result = reminders.send_due_reminders(NOW)

    assert result.sent == 3 and result.failed == 1
    assert sorted(r[0] for r, _m in smtp.inbox.messages) == [u.email for u in ok]
    state, error = _states(db)[broken.id]
    assert state == ReminderState.FAILED and "Domain" in error


def test_a_failing_digest_does_not_stop_the_other_digests(db, smtp):
    broken = UserFactory(email="y@bad..exämple")
    fine = UserFactory(email="fine@example.org")
    for user in (broken, fine):
        db.session.add(ReminderPreference(user_id=user.id, mode="taeglich"))
        DeadlineFactory(due_date=IN_3_DAYS, responsible_users=[user])
    db.session.commit()

    result = reminders.send_due_reminders(NOW)

    assert result.sent == 1 and result.failed == 1
    assert [r[0] for r, _m in smtp.inbox.messages] == ["fine@example.org"]


def test_the_claim_never_takes_more_than_its_batch(app, db):
    user = UserFactory()
    for _ in range(40):
        DeadlineFactory(due_date=IN_3_DAYS, responsible_users=[user])
    reminders.materialise(NOW)
    db.session.commit()
    with db.engine.connect() as conn:
        outbox = reminders.Outbox(conn, "t" * 32)
        ids = outbox.claim(NOW, limit=7)
    assert len(ids) == 7
    held = db.session.scalar(
        select(func.count()).select_from(Reminder).where(Reminder.claim_token == "t" * 32)
    )
    assert held == 7


class SlowMailer(Mailer):
    """A real SMTP connection to a slow server: every message takes ``delay`` seconds."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    def send(self, msg) -> None:
        time.sleep(self.delay)
        super().send(msg)


def test_a_sweep_past_its_lease_beside_a_second_sweep_sends_nothing_twice(app, db, smtp):
    """The slow sweep needs 3 s for its batch, its lease is 0.6 s; a second sweep starts
    after 1 s. The old code sent every row the second sweep took over twice."""
    users = [UserFactory(email=f"l{i}@example.org") for i in range(12)]
    for i, user in enumerate(users):
        DeadlineFactory(title=f"Frist {i:02d}", due_date=IN_3_DAYS, responsible_users=[user])
    lease = timedelta(seconds=0.6)
    results, errors = {}, []
    started = time.monotonic()

    def slow():
        try:
            with app.app_context():
                mailer = SlowMailer(delay=0.25)
                results["slow"] = reminders.send_due_reminders(NOW, mailer=mailer, lease=lease)
                mailer.close()
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def second():
        try:
            time.sleep(1.0)  # well past the slow sweep's first lease
            with app.app_context():
                now = NOW + timedelta(seconds=time.monotonic() - started)
                results["second"] = reminders.send_due_reminders(now, lease=lease)
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=slow), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    subjects = [m["Subject"] for _r, m in smtp.inbox.messages]
    assert len(subjects) == 12 and len(set(subjects)) == 12, "a reminder went out twice"
    assert results["slow"].sent + results["second"].sent == 12
    assert _sent_count(db) == 12


def test_a_sweep_whose_lease_was_taken_over_does_not_send_those_rows(app, db):
    user = UserFactory()
    for _ in range(5):
        DeadlineFactory(due_date=IN_3_DAYS, responsible_users=[user])
    reminders.materialise(NOW)
    db.session.commit()
    lease = timedelta(minutes=30)
    with db.engine.connect() as conn_a, db.engine.connect() as conn_b:
        stalled = reminders.Outbox(conn_a, "a" * 32, lease)
        ids = stalled.claim(NOW, limit=5)
        assert stalled.still_mine(ids, NOW + timedelta(minutes=5)) == set(ids)
        # the stalled sweep wakes up 40 minutes later; meanwhile a second sweep took over
        other = reminders.Outbox(conn_b, "b" * 32, lease)
        taken = other.claim(NOW + timedelta(minutes=31), limit=3)
        assert len(taken) == 3
        left = stalled.still_mine(ids, NOW + timedelta(minutes=40))
        assert left == set(ids) - set(taken)
        # and what it confirmed is all it may send until the next check
        assert stalled.still_mine(ids, NOW + timedelta(minutes=41)) == left


def _sent_count(db) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count()).select_from(Reminder).where(Reminder.state == ReminderState.SENT)
    )


def test_a_queued_digest_rechecks_visibility_when_it_is_sent(db, smtp):
    own, other = OrganisationFactory(), OrganisationFactory()
    user = UserFactory(email="umzug@example.org", organisation=own, role="supplier")
    db.session.add(ReminderPreference(user_id=user.id, mode="taeglich"))
    DeadlineFactory(
        title="Interne Frist", due_date=IN_3_DAYS, organisation=own, visible_to_all=False
    )
    db.session.commit()
    reminders.materialise(NOW)  # queued for the morning digest
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Reminder)) == 1
    user.organisation = other  # moved before the digest goes out
    db.session.commit()

    result = reminders.send_due_reminders(NOW)

    assert smtp.inbox.messages == [] and result.sent == 0
    assert _states(db)[user.id][0] == ReminderState.CANCELLED
