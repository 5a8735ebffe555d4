"""The reminder sweep: materialise due reminders into the outbox, claim them, send them.

Exactly once: every reminder is an outbox row with a unique key (deadline, recipient, step,
due date). Rows are inserted with ON CONFLICT DO NOTHING and claimed with a lease: a bounded
``SELECT ... LIMIT n`` (on PostgreSQL ``FOR UPDATE SKIP LOCKED``) picks the ids, one UPDATE
that re-checks the condition takes them, so a claim never holds more than its batch whatever
plan the database picks, and concurrent sweeps never take the same row. Before each send the
sweep makes sure the lease is still its own (renewing it well before it runs out), so a sweep
that stalls past its lease cannot send a row another sweep has taken over. A row is marked
sent in its own commit right after the SMTP server accepted it; a temporary failure leaves it
pending with back-off, a permanent one (or any error building that one message) marks that
row failed with its reason and the sweep goes on with the others. A process killed mid-sweep
leaves claimed rows whose lease simply runs out.
"""

from __future__ import annotations

import secrets
import time as _time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app, g
from flask_babel import get_translations, ngettext
from flask_babel import gettext as _
from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    case,
    delete,
    func,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.orm import joinedload

from planner.accounts.models import User
from planner.core.i18n import BERLIN
from planner.core.mail import MailConnectionError, Mailer, MailError, build_message
from planner.core.models import UTCDateTime
from planner.core.urls import url_builder
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
    can_see,
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
MAX_ATTEMPTS = 8  # then the row is given up (failed) and shown to the administration
SWEEP_HISTORY = timedelta(days=7)


@dataclass
class SweepResult:
    created: int = 0
    sent: int = 0
    failed: int = 0
    cancelled: int = 0
    lost: int = 0  # rows whose lease another sweep took over: not sent by this one
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
            Deadline.deleted_at.is_(None),
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

    def __init__(self, connection: Connection, token: str, lease: timedelta = LEASE) -> None:
        self.conn = connection
        self.token = token
        self.lease = lease
        self.table = Reminder.__table__
        # built once: a Land sweep marks thousands of rows sent, one statement each
        t = self.table
        self._sent = (
            update(t)
            .where(t.c.id == bindparam("row_id"), t.c.claim_token == bindparam("token"))
            .values(
                state=ReminderState.SENT.value,
                sent_at=bindparam("at", type_=UTCDateTime()),
                claim_token=None,
                claimed_until=None,
            )
        )
        self._mine = select(t.c.id).where(t.c.id == bindparam("row_id"), self._held())
        # when this sweep's hold was last confirmed (claim or renewal)
        self.confirmed_at: datetime | None = None

    def _held(self):
        """Rows still this sweep's own and still to be sent."""
        t = self.table
        return and_(t.c.claim_token == self.token, t.c.state == ReminderState.PENDING.value)

    def claim(self, now: datetime, *, extra=None, limit: int = BATCH) -> list[int]:
        """Take up to ``limit`` due rows and commit the claim before anything is sent. The ids
        are picked by a bounded query first (on PostgreSQL skipping rows another sweep has
        locked), then taken by an UPDATE that checks the condition again: never more than
        ``limit``, never a row another sweep holds."""
        condition = _claimable(now) if extra is None else and_(_claimable(now), extra)
        pick = (
            select(Reminder.id)
            .where(condition)
            .order_by(Reminder.next_attempt_at, Reminder.id)
            .limit(limit)
        )
        if self.conn.dialect.name == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        ids: list[int] = []
        for _attempt in range(5):  # another sweep may take the picked rows first: pick again
            picked = [row[0] for row in self.conn.execute(pick)]
            if not picked:
                break
            stmt = (
                update(self.table)
                .where(self.table.c.id.in_(picked), condition)
                .values(claim_token=self.token, claimed_until=now + self.lease)
                .returning(self.table.c.id)
            )
            ids = sorted(row[0] for row in self.conn.execute(stmt))
            if ids:
                break
        self.conn.commit()
        self.confirmed_at = now
        return ids

    def still_mine(self, ids: list[int], now: datetime) -> set[int]:
        """Which of ``ids`` this sweep still holds. Within the first third of the lease since
        the claim or the last renewal nobody else can hold them; later the lease is renewed in
        one UPDATE, and rows another sweep has taken meanwhile drop out."""
        if not ids:
            return set()
        t = self.table
        if self.confirmed_at is not None and now - self.confirmed_at < self.lease / 3:
            # the lease is safe; but a row may have been cancelled meanwhile (deadline closed,
            # deleted or moved): ask, without renewing
            return {
                row[0]
                for row in self.conn.execute(select(t.c.id).where(t.c.id.in_(ids), self._held()))
            }
        kept = {
            row[0]
            for row in self.conn.execute(
                update(t)
                .where(t.c.id.in_(ids), self._held())
                .values(claimed_until=now + self.lease)
                .returning(t.c.id)
            )
        }
        self.conn.commit()
        self.confirmed_at = now
        return kept

    def owns(self, row_id: int, rest: list[int], now: datetime) -> bool:
        """Right before sending ``row_id``: is it still this sweep's own and pending? Renews
        the lease of ``rest`` (the batch's unsent rows) when a third of it has passed; else
        one prebuilt single-row query."""
        if self.confirmed_at is None or now - self.confirmed_at >= self.lease / 3:
            return row_id in self.still_mine(rest, now)
        found = self.conn.execute(self._mine, {"row_id": row_id, "token": self.token})
        return found.first() is not None

    def finish(self, ids: list[int], **values) -> None:
        if not ids:
            return
        self.conn.execute(
            update(self.table)
            .where(self.table.c.id.in_(ids), self.table.c.claim_token == self.token)
            .values(claim_token=None, claimed_until=None, **values)
        )
        self.conn.commit()

    def mark_sent(self, row_id: int, at: datetime) -> None:
        """Committed at once (the connection commits every statement): a reminder the server
        accepted is never sent again."""
        result = self.conn.execute(self._sent, {"row_id": row_id, "token": self.token, "at": at})
        if result.rowcount == 0:
            current_app.logger.warning(
                "reminder %s was sent after it stopped being this sweep's own", row_id
            )

    def release(self, ids: list[int]) -> None:
        """Give rows back untouched (another sweep, or the next one, sends them)."""
        self.finish(ids)

    def fail(self, ids: list[int], now: datetime, error: str, *, permanent: bool = False) -> None:
        """One more attempt, the error, and a later next attempt (growing back-off); after
        MAX_ATTEMPTS, or at once for a permanent error, the rows are given up. One UPDATE for
        all ``ids``."""
        if not ids:
            return
        t = self.table
        at = lambda delta: literal(now + delta, UTCDateTime())  # noqa: E731
        next_attempt = case(
            *((t.c.attempts == n - 1, at(backoff(n))) for n in range(1, len(BACKOFF) + 1)),
            else_=at(MAX_BACKOFF),
        )
        state = (
            ReminderState.FAILED.value
            if permanent
            else case(
                (t.c.attempts + 1 >= MAX_ATTEMPTS, ReminderState.FAILED.value),
                else_=ReminderState.PENDING.value,
            )
        )
        self.conn.execute(
            update(t)
            .where(t.c.id.in_(ids), t.c.claim_token == self.token)
            .values(
                claim_token=None,
                claimed_until=None,
                attempts=t.c.attempts + 1,
                last_error=error[:2000],
                next_attempt_at=next_attempt,
                state=state,
            )
        )
        self.conn.commit()


# --- mails --------------------------------------------------------------------------------


class _Links:
    """One bound URL builder for a whole sweep (binding the URL map per mail was measurable)."""

    def __init__(self) -> None:
        self.build = url_builder()
        self.settings = self.build("deadlines.settings")


def _links() -> _Links:
    """The builder of the current app context (a sweep runs in one), made on first use."""
    if "reminder_links" not in g:
        g.reminder_links = _Links()
    return g.reminder_links


def _render(name: str, **context) -> str:
    """A mail template without the page shell's context processors (navigation, the signed-in
    user, which a mail does not use), in a Jinja environment whose gettext is bound to the
    translations once: looking them up for each of a Land sweep's 100,000 texts cost seconds."""
    env = current_app.extensions.get("planner_mail_env")
    if env is None:
        translations = get_translations()
        env = current_app.jinja_env.overlay()
        env.install_gettext_callables(translations.gettext, translations.ngettext, newstyle=True)
        current_app.extensions["planner_mail_env"] = env
    return env.get_template(name).render(**context)


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
        return _links().build(source.endpoint, **{source.id_arg: deadline.owner_id})
    return _links().build("deadlines.detail", deadline_id=deadline.id)


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
    ctx["settings_url"] = _links().settings
    subject = _(
        "Erinnerung: %(title)s – %(relative)s (%(day)s)",
        title=reminder.deadline.title,
        relative=ctx["relative"],
        day=f"{reminder.deadline.due_date:%d.%m.%Y}",
    )
    return build_message(
        to=reminder.recipient.email,
        subject=subject,
        text=_render("emails/reminder.txt", **ctx),
        html=_render("emails/reminder.html", **ctx),
    )


def _digest_message(recipient: User, reminders: list[Reminder], today: date):
    items = sorted(
        (_reminder_context(r, today) for r in reminders), key=lambda c: c["deadline"].due_date
    )
    ctx = {
        "recipient": recipient,
        "items": items,
        "today": today,
        "settings_url": _links().settings,
        "list_url": _links().build("deadlines.index"),
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
        text=_render("emails/digest.txt", **ctx),
        html=_render("emails/digest.html", **ctx),
    )


def _load(ids: list[int]) -> list[Reminder]:
    return list(
        db.session.scalars(
            select(Reminder)
            .where(Reminder.id.in_(ids))
            .options(
                joinedload(Reminder.deadline).joinedload(Deadline.organisation),
                joinedload(Reminder.deadline).selectinload(Deadline.responsible_users),
                joinedload(Reminder.recipient),
            )
            .order_by(Reminder.id)
            .execution_options(populate_existing=True)  # a later batch sees today's state
        )
    )


def _still_valid(reminder: Reminder) -> bool:
    """Checked when the mail is built, not when the row was queued: the deadline is still
    open on that date, the recipient active, and still allowed to see it (a user moved to
    another organisation no longer gets its title)."""
    d, recipient = reminder.deadline, reminder.recipient
    return (
        d.state == DeadlineState.OFFEN
        and d.due_date == reminder.due_date
        and recipient.active
        and can_see(recipient, d)
    )


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if not isinstance(exc, MailError) else str(exc)


# --- the sweep ----------------------------------------------------------------------------


def send_due_reminders(
    now: datetime,
    *,
    mailer: Mailer | None = None,
    batch: int = BATCH,
    lease: timedelta = LEASE,
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
    # every outbox statement is its own transaction: a claim is safe without a surrounding
    # one (its UPDATE checks the condition again), and marking a row sent is one round trip
    connection = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        # each "sent" is committed at once, but need not wait for the disk: an application
        # crash loses nothing; only a crash of the database server itself could forget the
        # last fraction of a second (and resend those mails). A Land sweep was 1 commit/mail.
        connection.exec_driver_sql("SET synchronous_commit TO OFF")
    outbox = Outbox(connection, secrets.token_hex(16), lease)
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
        if postgres:
            try:
                connection.exec_driver_sql("RESET synchronous_commit")
            except Exception:  # noqa: BLE001 - a broken connection is closed (and discarded) below
                connection.invalidate()
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


def _drop_stale(reminders: list[Reminder], outbox: Outbox, result: SweepResult) -> list[Reminder]:
    """Rows no longer valid are cancelled (one UPDATE); returns the others."""
    stale = {r.id for r in reminders if not _still_valid(r)}
    if stale:
        outbox.finish(sorted(stale), state=ReminderState.CANCELLED)
        result.cancelled += len(stale)
    return [r for r in reminders if r.id not in stale]


def _deliver(mailer: Mailer, msg, ids: list[int], outbox: Outbox, clock, result) -> None:
    """Send one message for ``ids`` and settle them. A broken connection stops the sweep (the
    caller fails the rest); anything else concerns this message alone."""
    try:
        mailer.send(msg)
    except MailConnectionError:
        raise
    except MailError as exc:
        outbox.fail(ids, clock(), str(exc), permanent=exc.permanent)
        result.failed += len(ids)
        result.errors.append(str(exc))
    except Exception as exc:  # noqa: BLE001 - one bad message must not stop the others
        current_app.logger.exception("reminder %s: sending failed", ids)
        mailer.close()  # the SMTP dialogue may be in an unknown state
        outbox.fail(ids, clock(), _reason(exc), permanent=True)
        result.failed += len(ids)
        result.errors.append(_reason(exc))
    else:
        # committed at once: a reminder the server accepted is never sent again
        if len(ids) == 1:
            outbox.mark_sent(ids[0], clock())
        else:
            outbox.finish(ids, state=ReminderState.SENT, sent_at=clock())
        result.sent += len(ids)


def _try_build(make, ids: list[int], outbox: Outbox, clock, result: SweepResult):
    """``make()``, the message for ``ids``; if building it fails, those rows are given up with
    the reason and None is returned (the others go on)."""
    try:
        return make()
    except MailError as exc:
        outbox.fail(ids, clock(), str(exc), permanent=exc.permanent)
    except Exception as exc:  # noqa: BLE001 - one bad message must not stop the others
        current_app.logger.exception("reminder %s: message could not be built", ids)
        outbox.fail(ids, clock(), _reason(exc), permanent=True)
    result.failed += len(ids)
    return None


def _send_immediate(clock, outbox: Outbox, mailer: Mailer, result: SweepResult, batch: int) -> None:
    while True:
        ids = outbox.claim(
            clock(), extra=Reminder.channel == ReminderChannel.IMMEDIATE, limit=batch
        )
        if not ids:
            return
        # everything is read and rendered before the first commit expires the loaded rows
        today = clock().astimezone(BERLIN).date()
        work = []
        for r in _drop_stale(_load(ids), outbox, result):
            msg = _try_build(
                lambda r=r, today=today: _single_message(r, today), [r.id], outbox, clock, result
            )
            if msg is not None:
                work.append((r.id, msg))
        for index, (reminder_id, msg) in enumerate(work):
            rest = [rid for rid, _m in work[index:]]
            if not outbox.owns(reminder_id, rest, clock()):
                result.lost += 1
                continue
            try:
                _deliver(mailer, msg, [reminder_id], outbox, clock, result)
            except MailConnectionError as exc:
                outbox.fail(rest, clock(), str(exc))
                result.failed += len(rest)
                raise


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
        valid = _drop_stale(_load(ids), outbox, result)
        if not valid:
            continue
        valid_ids = [r.id for r in valid]
        msg = _try_build(
            lambda valid=valid: _digest_message(valid[0].recipient, valid, today),
            valid_ids, outbox, clock, result,
        )  # fmt: skip
        if msg is None:
            continue
        mine = outbox.still_mine(valid_ids, clock())
        if mine != set(valid_ids):
            # part of the digest went to another sweep: give the rest back, it sends them all
            outbox.release(sorted(mine))
            result.lost += len(valid_ids)
            continue
        try:
            _deliver(mailer, msg, valid_ids, outbox, clock, result)
        except MailConnectionError as exc:
            outbox.fail(valid_ids, clock(), str(exc))
            result.failed += len(valid_ids)
            raise


# --- for /health and the admin page -------------------------------------------------------


def last_sweep() -> SweepRun | None:
    return db.session.scalar(
        select(SweepRun)
        .where(SweepRun.finished_at.is_not(None))
        .order_by(SweepRun.id.desc())
        .limit(1)
    )


def failing_count() -> int:
    """Rows being retried after an error (pending with attempts)."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Reminder)
            .where(Reminder.state == ReminderState.PENDING, Reminder.attempts > 0)
        )
        or 0
    )


def failed_count() -> int:
    """Rows given up (partial index on failed rows)."""
    return (
        db.session.scalar(
            select(func.count()).select_from(Reminder).where(Reminder.state == ReminderState.FAILED)
        )
        or 0
    )


def failing_reminders(limit: int = 100) -> list[Reminder]:
    """Given up first, then the ones being retried."""
    rows = []
    for state, extra in (
        (ReminderState.FAILED, true()),
        (ReminderState.PENDING, Reminder.attempts > 0),
    ):
        rows += db.session.scalars(
            select(Reminder)
            .where(Reminder.state == state, extra)
            .order_by(Reminder.next_attempt_at.desc())
            .limit(limit)
            .options(joinedload(Reminder.deadline), joinedload(Reminder.recipient))
        )
    return rows[:limit]


def recently_sent(limit: int = 50) -> list[Reminder]:
    """The latest mails that went out: which reminder to whom, when."""
    return list(
        db.session.scalars(
            select(Reminder)
            .where(Reminder.sent_at.is_not(None))
            .order_by(Reminder.sent_at.desc(), Reminder.id.desc())
            .limit(limit)
            .options(joinedload(Reminder.deadline), joinedload(Reminder.recipient))
        )
    )


def outbox_counts() -> dict[str, int]:
    rows = db.session.execute(select(Reminder.state, func.count()).group_by(Reminder.state)).all()
    return {ReminderState(state).value: count for state, count in rows}


def recent_sweeps(limit: int = 10) -> list[SweepRun]:
    return list(db.session.scalars(select(SweepRun).order_by(SweepRun.id.desc()).limit(limit)))
