"""Bench data and jobs of the deadlines domain: 20,000 deadlines at kreis scale (200,000 at
land), ~500 of them due for a reminder at the bench's reference time, and the sweep as a job."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select

from planner.accounts.models import Organisation, User
from planner.deadlines.models import Deadline, DeadlineKind, DeadlineState, deadline_responsibles
from planner.extensions import db

# The bench's "now": 10.03.2030 07:30 Berlin; deadlines due on 13.03. get their -3 reminder.
SWEEP_NOW = datetime(2030, 3, 10, 6, 30, tzinfo=UTC)
TODAY = date(2030, 3, 10)
CHUNK = 5000


def generate_deadlines(total: int, due_now: int, seed: int = 7) -> dict[str, int]:
    """``total`` deadlines over 40 quarters around TODAY; ``due_now`` of them due in 3 days
    with one responsible person each (so the sweep sends ~``due_now`` mails)."""
    rnd = random.Random(seed)
    org_ids = list(db.session.scalars(select(Organisation.id)))
    user_ids = list(db.session.scalars(select(User.id).where(User.active.is_(True))))
    kinds = list(DeadlineKind)
    now = datetime.now(UTC)
    rows, links = [], []
    start_id = (db.session.scalar(select(db.func.max(Deadline.id))) or 0) + 1
    for i in range(total):
        if i < due_now:
            due, state = TODAY + timedelta(days=3), DeadlineState.OFFEN
            kind = DeadlineKind.LIEFERUNG
        else:
            due = TODAY + timedelta(days=rnd.randint(-3650 // 2, 3650 // 2))
            state = (
                DeadlineState.ERLEDIGT
                if due < TODAY and rnd.random() < 0.9
                else DeadlineState.OFFEN
            )
            kind = rnd.choice(kinds)
        deadline_id = start_id + i
        rows.append(
            {
                "id": deadline_id,
                "uid": uuid.uuid4().hex,
                "title": f"{kind.label} {i}: synthetische Frist",
                "kind": kind,
                "due_date": due,
                "state": state,
                "organisation_id": rnd.choice(org_ids) if org_ids else None,
                "visible_to_all": rnd.random() < 0.8,
                "sequence": 0,
                "created_at": now,
                "updated_at": now,
            }
        )
        if user_ids and (i < due_now or rnd.random() < 0.5):
            links.append({"deadline_id": deadline_id, "user_id": rnd.choice(user_ids)})
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(Deadline.__table__), rows[start : start + CHUNK])
    for start in range(0, len(links), CHUNK):
        db.session.execute(insert(deadline_responsibles), links[start : start + CHUNK])
    return {"deadlines": len(rows), "deadline responsibles": len(links)}


class NullMailer:
    """Accepts every message without sending: the sweep is measured without SMTP time."""

    def __init__(self) -> None:
        self.count = 0

    def send(self, msg) -> None:
        self.count += 1

    def close(self) -> None:
        pass


def sweep_job(app, now: datetime = SWEEP_NOW) -> dict[str, int]:
    """One reminder sweep at ``now``; returns what it did."""
    from planner.deadlines.reminders import send_due_reminders

    with app.app_context():
        mailer = NullMailer()
        result = send_due_reminders(now, mailer=mailer)
        return {"sent": result.sent, "failed": result.failed, "mails": mailer.count}
