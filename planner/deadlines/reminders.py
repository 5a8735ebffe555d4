"""The reminder sweep: materialise due reminders into the outbox, claim them, send them.

Exactly once: every reminder is an outbox row with a unique key (deadline, recipient, step,
due date). Rows are inserted with ON CONFLICT DO NOTHING and claimed with a lease in one
atomic UPDATE (on PostgreSQL over ``FOR UPDATE SKIP LOCKED``), so concurrent sweeps never
take the same row. A row is marked sent in its own commit right after the SMTP server
accepted it; when SMTP fails the row stays pending and is retried with back-off. A process
killed mid-sweep leaves claimed rows whose lease simply runs out.
"""

from __future__ import annotations

import secrets
import time as _time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Connection, and_, delete, func, or_, select, update
from sqlalchemy.orm import joinedload

from planner.accounts.models import User
from planner.core.i18n import BERLIN
from planner.core.mail import MailConnectionError, Mailer, MailError, build_message
from planner.core.urls import external_url
from planner.deadlines.models import (
    Deadline,
    DeadlineState,
    Reminder,
    ReminderChannel,
    ReminderPreference,
    ReminderState,
    SweepRun,
    deadline_responsibles,
)
from planner.deadlines.services import (
    DEADLINE_SOURCES,
    MAX_OFFSET_DAYS,
    offsets_for,
)
from planner.extensions import db

REMINDER_HOUR = time(7, 0)  # reminders of a day go out from 07:00 Europe/Berlin
CATCH_UP = timedelta(days=2)  # a step missed longer ago than this is skipped, not sent late
DIGEST_GRACE = timedelta(minutes=30)  # later than this after 07:00: into tomorrow's digest
LEASE = timedelta(minutes=30)
BATCH = 100
BACKOFF = [timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1), timedelta(hours=4)]
MAX_BACKOFF = timedelta(hours=8)
SWEEP_HISTORY = timedelta(days=7)


@dataclass
class SweepResult:
    created: int = 0
    sent: int = 0
    failed: int = 0
    cancelled: int = 0
    errors: list[str] = field(default_factory=list)


def step_time(due: date, step: int) -> datetime:
    return datetime.combine(due + timedelta(days=step), REMINDER_HOUR, tzinfo=BERLIN)


def backoff(attempts: int) -> timedelta:
    return BACKOFF[attempts - 1] if 0 < attempts <= len(BACKOFF) else MAX_BACKOFF


def _next_morning(now: datetime) -> datetime:
    local = now.astimezone(BERLIN)
    day = local.date() if local.time() < REMINDER_HOUR else local.date() + timedelta(days=1)
    return datetime.combine(day, REMINDER_HOUR, tzinfo=BERLIN)


def _insert_ignoring_duplicates(rows: list[dict]) -> None:
    if not rows:
        return
    table = Reminder.__table__
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table).on_conflict_do_nothing(
        index_elements=["deadline_id", "recipient_id", "step", "due_date"]
    )
    for start in range(0, len(rows), 500):
        db.session.execute(stmt, rows[start : start + 500])


def materialise(now: datetime) -> int:
    """Put every reminder that is due now into the outbox (idempotent). Returns the number of
    (deadline, recipient, step) candidates considered."""
    today = now.astimezone(BERLIN).date()
    window_start = today - timedelta(days=MAX_OFFSET_DAYS + CATCH_UP.days + 1)
    window_end = today + timedelta(days=MAX_OFFSET_DAYS)
    candidates = db.session.execute(
        select(
            Deadline.id,
            Deadline.kind,
            Deadline.due_date,
            Deadline.reminder_offsets,
            Deadline.organisation_id,
        ).where(
            Deadline.state == DeadlineState.OFFEN,
            Deadline.due_date >= window_start,
            Deadline.due_date <= window_end,
        )
    ).all()
    due: dict[int, tuple[int, date, int | None]] = {}
    for deadline_id, kind, due_date, override, organisation_id in candidates:
        passed = [
            s for s in offsets_for(kind, override)
            if step_time(due_date, s) <= now < step_time(due_date, s) + CATCH_UP
        ]  # fmt: skip
        if passed:
            due[deadline_id] = (max(passed), due_date, organisation_id)
    if not due:
        return 0

    recipients = _recipients(due)
    rows = []
    for deadline_id, (step, due_date, _org) in due.items():
        send_at = step_time(due_date, step)
        # a digest goes out once a day: a step found late waits for the next morning's digest
        digest_at = send_at if now - send_at <= DIGEST_GRACE else _next_morning(now)
        for user_id, channel in recipients.get(deadline_id, ()):
            rows.append(
                {
                    "deadline_id": deadline_id,
                    "recipient_id": user_id,
                    "step": step,
                    "due_date": due_date,
                    "channel": channel,
                    "state": ReminderState.PENDING,
                    "send_at": digest_at if channel == ReminderChannel.DIGEST else send_at,
                    "next_attempt_at": digest_at if channel == ReminderChannel.DIGEST else send_at,
                    "attempts": 0,
                    "created_at": now,
                }
            )
    _insert_ignoring_duplicates(rows)
    return len(rows)


def _recipients(due: dict[int, tuple[int, date, int | None]]) -> dict[int, list[tuple[int, str]]]:
    """Responsible users of each deadline; where none are named, the active users of the
    responsible organisation. Users who switched reminders off get none."""
    ids = list(due)
    named: dict[int, list[int]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for deadline_id, user_id in db.session.execute(
            select(deadline_responsibles.c.deadline_id, deadline_responsibles.c.user_id).where(
                deadline_responsibles.c.deadline_id.in_(chunk)
            )
        ):
            named[deadline_id].append(user_id)
    orgs = {org for did, (_s, _d, org) in due.items() if org and not named.get(did)}
    by_org: dict[int, list[int]] = defaultdict(list)
    users: dict[int, str] = {}
    org_list = list(orgs)
    for start in range(0, len(org_list), 500):
        for user_id, org_id in db.session.execute(
            select(User.id, User.organisation_id).where(
                User.organisation_id.in_(org_list[start : start + 500]), User.active.is_(True)
            )
        ):
            by_org[org_id].append(user_id)
    wanted = {u for us in named.values() for u in us} | {u for us in by_org.values() for u in us}
    wanted_list = list(wanted)
    for start in range(0, len(wanted_list), 500):
        for user_id, active, mode in db.session.execute(
            select(User.id, User.active, ReminderPreference.mode)
            .outerjoin(ReminderPreference, ReminderPreference.user_id == User.id)
            .where(User.id.in_(wanted_list[start : start + 500]))
        ):
            if active and mode != "aus":
                users[user_id] = (
                    ReminderChannel.DIGEST if mode == "taeglich" else ReminderChannel.IMMEDIATE
                )
    result: dict[int, list[tuple[int, str]]] = {}
    for deadline_id, (_s, _d, org) in due.items():
        people = named.get(deadline_id) or by_org.get(org, [])
        result[deadline_id] = [(u, users[u]) for u in dict.fromkeys(people) if u in users]
    return result


# --- claiming -----------------------------------------------------------------------------


def _claimable(now: datetime):
    return and_(
        Reminder.state == ReminderState.PENDING,
        Reminder.next_attempt_at <= now,
        or_(Reminder.claimed_until.is_(None), Reminder.claimed_until < now),
    )


class Outbox:
    """Claims and settles outbox rows on one connection of its own, committing each step at
    once (the ORM session only reads). ``token`` marks this sweep's claims."""

    def __init__(self, connection: Connection, token: str) -> None:
        self.conn = connection
        self.token = token
        self.table = Reminder.__table__

    def claim(self, now: datetime, *, extra=None, limit: int = BATCH) -> list[int]:
        """Atomically take up to ``limit`` due rows (on PostgreSQL skipping rows another
        sweep has locked); the claim is committed before anything is sent."""
        condition = _claimable(now) if extra is None else and_(_claimable(now), extra)
        pick = (
            select(Reminder.id)
            .where(condition)
            .order_by(Reminder.next_attempt_at, Reminder.id)
            .limit(limit)
        )
        if self.conn.dialect.name == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        stmt = (
            update(self.table)
            .where(self.table.c.id.in_(pick.scalar_subquery()), condition)
            .values(claim_token=self.token, claimed_until=now + LEASE)
            .returning(self.table.c.id)
        )
        ids = [row[0] for row in self.conn.execute(stmt)]
        self.conn.commit()
        return ids

    def finish(self, ids: list[int], **values) -> None:
        self.conn.execute(
            update(self.table)
            .where(self.table.c.id.in_(ids), self.table.c.claim_token == self.token)
            .values(claim_token=None, claimed_until=None, **values)
        )
        self.conn.commit()

    def fail(self, ids: list[int], now: datetime, error: str) -> None:
        """Back to pending with one more attempt, the error, and a later next attempt."""
        t = self.table
        rows = self.conn.execute(select(t.c.id, t.c.attempts).where(t.c.id.in_(ids))).all()
        for row_id, attempts in rows:
            self.conn.execute(
                update(t)
                .where(t.c.id == row_id, t.c.claim_token == self.token)
                .values(
                    claim_token=None,
                    claimed_until=None,
                    attempts=attempts + 1,
                    last_error=error[:2000],
                    next_attempt_at=now + backoff(attempts + 1),
                )
            )
        self.conn.commit()


# --- mails --------------------------------------------------------------------------------


def relative_text(step: int) -> str:
    if step < -1:
        return _("in %(n)s Tagen fällig", n=-step)
    if step == -1:
        return _("morgen fällig")
    if step == 0:
        return _("heute fällig")
    if step == 1:
        return _("seit 1 Tag überfällig")
    return _("seit %(n)s Tagen überfällig", n=step)


def object_url(deadline: Deadline) -> str:
    source = DEADLINE_SOURCES.get(deadline.owner_type or "")
    if source is not None:
        return external_url(source.endpoint, **{source.id_arg: deadline.owner_id})
    return external_url("deadlines.detail", deadline_id=deadline.id)


def _reminder_context(reminder: Reminder, today: date) -> dict:
    """What a mail says is measured from the day it goes out, not from the step it was
    planned for (a retried or caught-up reminder still tells the truth)."""
    deadline = reminder.deadline
    return {
        "deadline": deadline,
        "step": reminder.step,
        "relative": relative_text((today - deadline.due_date).days),
        "kind": deadline.kind.label,
        "url": object_url(deadline),
    }


def _single_message(reminder: Reminder, today: date):
    ctx = _reminder_context(reminder, today)
    ctx["recipient"] = reminder.recipient
    ctx["settings_url"] = external_url("deadlines.settings")
    subject = _(
        "Erinnerung: %(title)s – %(relative)s (%(day)s)",
        title=reminder.deadline.title,
        relative=ctx["relative"],
        day=f"{reminder.deadline.due_date:%d.%m.%Y}",
    )
    return build_message(
        to=reminder.recipient.email,
        subject=subject,
        text=render_template("emails/reminder.txt", **ctx),
        html=render_template("emails/reminder.html", **ctx),
    )


def _digest_message(recipient: User, reminders: list[Reminder], today: date):
    items = sorted(
        (_reminder_context(r, today) for r in reminders), key=lambda c: c["deadline"].due_date
    )
    ctx = {
        "recipient": recipient,
        "items": items,
        "today": today,
        "settings_url": external_url("deadlines.settings"),
        "list_url": external_url("deadlines.index"),
    }
    subject = ngettext(
        "Ihre Fristen am %(day)s: %(num)s Erinnerung",
        "Ihre Fristen am %(day)s: %(num)s Erinnerungen",
        len(items),
        day=f"{today:%d.%m.%Y}",
    )
    return build_message(
        to=recipient.email,
        subject=subject,
        text=render_template("emails/digest.txt", **ctx),
        html=render_template("emails/digest.html", **ctx),
    )


def _load(ids: list[int]) -> list[Reminder]:
    return list(
        db.session.scalars(
            select(Reminder)
            .where(Reminder.id.in_(ids))
            .options(
                joinedload(Reminder.deadline).joinedload(Deadline.organisation),
                joinedload(Reminder.recipient),
            )
            .order_by(Reminder.id)
        )
    )


def _still_valid(reminder: Reminder) -> bool:
    d = reminder.deadline
    return (
        d.state == DeadlineState.OFFEN
        and d.due_date == reminder.due_date
        and reminder.recipient.active
    )


# --- the sweep ----------------------------------------------------------------------------


def send_due_reminders(
    now: datetime, *, mailer: Mailer | None = None, batch: int = BATCH
) -> SweepResult:
    """One sweep at the explicit time ``now``: materialise, claim, send. Safe to run in
    several processes at once. Commits its own work in small steps."""
    result = SweepResult()
    run = SweepRun(started_at=now)
    db.session.add(run)
    db.session.commit()
    run_id = run.id
    started = _time.monotonic()

    def clock() -> datetime:  # ``now`` advanced by the real time the sweep has taken
        return now + timedelta(seconds=_time.monotonic() - started)

    own_mailer = mailer is None
    mailer = mailer or Mailer()
    connection = db.engine.connect()
    outbox = Outbox(connection, secrets.token_hex(16))
    try:
        result.created = materialise(now)
        db.session.commit()
        today = now.astimezone(BERLIN).date()
        _send_immediate(clock, outbox, mailer, result, batch)
        _send_digests(clock, outbox, mailer, result, today)
    except MailConnectionError as exc:
        result.errors.append(str(exc))
        current_app.logger.warning("reminder sweep: %s", exc)
    finally:
        connection.close()
        if own_mailer:
            mailer.close()
        db.session.rollback()
        db.session.execute(
            update(SweepRun)
            .where(SweepRun.id == run_id)
            .values(
                finished_at=clock(),
                created=result.created,
                sent=result.sent,
                failed=result.failed,
                error="; ".join(result.errors)[:2000] or None,
            )
        )
        db.session.execute(delete(SweepRun).where(SweepRun.started_at < now - SWEEP_HISTORY))
        db.session.commit()
    return result


def _send_immediate(clock, outbox: Outbox, mailer: Mailer, result: SweepResult, batch: int) -> None:
    while True:
        ids = outbox.claim(
            clock(), extra=Reminder.channel == ReminderChannel.IMMEDIATE, limit=batch
        )
        if not ids:
            return
        # everything is read and rendered before the first commit expires the loaded rows
        today = clock().astimezone(BERLIN).date()
        work = [(r.id, _single_message(r, today) if _still_valid(r) else None) for r in _load(ids)]
        stale = [rid for rid, msg in work if msg is None]
        if stale:
            outbox.finish(stale, state=ReminderState.CANCELLED)
            result.cancelled += len(stale)
        pending = [(rid, msg) for rid, msg in work if msg is not None]
        for index, (reminder_id, msg) in enumerate(pending):
            try:
                mailer.send(msg)
            except MailConnectionError as exc:
                rest = [rid for rid, _m in pending[index:]]
                outbox.fail(rest, clock(), str(exc))
                result.failed += len(rest)
                raise
            except MailError as exc:
                outbox.fail([reminder_id], clock(), str(exc))
                result.failed += 1
                result.errors.append(str(exc))
            else:
                # committed at once: a reminder the server accepted is never sent again
                outbox.finish([reminder_id], state=ReminderState.SENT, sent_at=clock())
                result.sent += 1


def _send_digests(clock, outbox: Outbox, mailer: Mailer, result: SweepResult, today: date) -> None:
    due_recipients = db.session.scalars(
        select(Reminder.recipient_id)
        .where(_claimable(clock()), Reminder.channel == ReminderChannel.DIGEST)
        .group_by(Reminder.recipient_id)
        .order_by(func.min(Reminder.id))
    ).all()
    for recipient_id in due_recipients:
        ids = outbox.claim(
            clock(),
            extra=and_(
                Reminder.channel == ReminderChannel.DIGEST, Reminder.recipient_id == recipient_id
            ),
            limit=500,
        )
        if not ids:
            continue  # another sweep took them
        reminders = _load(ids)
        valid = [r for r in reminders if _still_valid(r)]
        stale = [r.id for r in reminders if not _still_valid(r)]
        if stale:
            outbox.finish(stale, state=ReminderState.CANCELLED)
            result.cancelled += len(stale)
        if not valid:
            continue
        valid_ids = [r.id for r in valid]
        try:
            mailer.send(_digest_message(valid[0].recipient, valid, today))
        except MailConnectionError as exc:
            outbox.fail(valid_ids, clock(), str(exc))
            result.failed += len(valid_ids)
            raise
        except MailError as exc:
            outbox.fail(valid_ids, clock(), str(exc))
            result.failed += len(valid_ids)
            result.errors.append(str(exc))
        else:
            outbox.finish(valid_ids, state=ReminderState.SENT, sent_at=clock())
            result.sent += len(valid_ids)


# --- for /health and the admin page -------------------------------------------------------


def last_sweep() -> SweepRun | None:
    return db.session.scalar(
        select(SweepRun)
        .where(SweepRun.finished_at.is_not(None))
        .order_by(SweepRun.id.desc())
        .limit(1)
    )


def failing_count() -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Reminder)
            .where(Reminder.state == ReminderState.PENDING, Reminder.attempts > 0)
        )
        or 0
    )


def failing_reminders(limit: int = 100) -> list[Reminder]:
    return list(
        db.session.scalars(
            select(Reminder)
            .where(Reminder.state == ReminderState.PENDING, Reminder.attempts > 0)
            .order_by(Reminder.next_attempt_at)
            .limit(limit)
            .options(joinedload(Reminder.deadline), joinedload(Reminder.recipient))
        )
    )


def outbox_counts() -> dict[str, int]:
    rows = db.session.execute(select(Reminder.state, func.count()).group_by(Reminder.state)).all()
    return {ReminderState(state).value: count for state, count in rows}


def recent_sweeps(limit: int = 10) -> list[SweepRun]:
    return list(db.session.scalars(select(SweepRun).order_by(SweepRun.id.desc()).limit(limit)))
