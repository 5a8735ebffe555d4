"""Deadline rules: create, change, complete; the registration API for other domains;
the queries behind list, month view, dashboard and feeds."""

from __future__ import annotations

import calendar as _calendar
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import Select, case, delete, exists, func, or_, select, tuple_, union, update
from sqlalchemy.orm import joinedload, selectinload

from planner.accounts.lookups import organisation_matches
from planner.accounts.models import Organisation, User
from planner.core.i18n import BERLIN
from planner.core.lookup import LIMIT, like_pattern
from planner.core.models import date_range_error, utcnow
from planner.core.pagination import Page, paginate
from planner.core.permissions import Permission, role_can
from planner.core.transaction import DomainError
from planner.deadlines.models import (
    CalendarFeed,
    Deadline,
    DeadlineKind,
    DeadlineState,
    Reminder,
    ReminderPreference,
    ReminderState,
    deadline_responsibles,
)
from planner.extensions import db

# Days relative to the due date: negative before, 0 on the day, positive after (overdue).
DEFAULT_OFFSETS: dict[DeadlineKind, tuple[int, ...]] = {
    DeadlineKind.LIEFERUNG: (-14, -3, 0, 1, 7),
    DeadlineKind.FOERDERFRIST: (-28, -14, -3, 0, 1),
    DeadlineKind.MEILENSTEIN: (-14, -3, 0, 1, 7),
    DeadlineKind.PROZESSSCHRITT: (-14, -3, 0, 1, 7),
    DeadlineKind.SITZUNG: (-7, -1, 0),
    DeadlineKind.BERICHT: (-28, -14, -3, 0, 7),
    DeadlineKind.SONSTIGES: (-3, 0, 1),
}
MAX_OFFSET_DAYS = 90
MAX_OFFSETS = 8


class DeadlineError(DomainError):
    """A broken deadline rule; the message is shown to the user."""


# --- reminder offsets --------------------------------------------------------------------


def parse_offsets(text: str | None) -> tuple[int, ...] | None:
    """ "-14, -3, 0, +1, 7" -> (-14, -3, 0, 1, 7); empty -> None (defaults of the kind)."""
    if text is None or not text.strip():
        return None
    values = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            value = int(part)
        except ValueError:
            raise DeadlineError(
                _("„%(part)s“ ist keine ganze Zahl. Beispiel: -14, -3, 0, 1, 7", part=part)
            ) from None
        if abs(value) > MAX_OFFSET_DAYS:
            raise DeadlineError(
                _(
                    "Erinnerungen sind höchstens %(days)s Tage vor oder nach dem Termin möglich.",
                    days=MAX_OFFSET_DAYS,
                )
            )
        values.append(value)
    if len(set(values)) > MAX_OFFSETS:
        raise DeadlineError(_("Höchstens %(n)s Erinnerungen je Frist.", n=MAX_OFFSETS))
    return tuple(sorted(set(values)))


def format_offsets(offsets: Iterable[int]) -> str:
    return ", ".join(f"{o:+d}" if o else "0" for o in offsets)


def offsets_for(kind: DeadlineKind | str, override: str | None) -> tuple[int, ...]:
    try:
        parsed = parse_offsets(override)
    except DeadlineError:
        parsed = None
    return parsed if parsed is not None else DEFAULT_OFFSETS[DeadlineKind(kind)]


def describe_offset(step: int) -> str:
    if step < 0:
        return ngettext("%(num)s Tag vorher", "%(num)s Tage vorher", -step)
    if step == 0:
        return _("am Tag")
    return ngettext("%(num)s Tag danach", "%(num)s Tage danach", step)


# --- time helpers -------------------------------------------------------------------------


def today_in_berlin(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(BERLIN).date()


# --- writing ------------------------------------------------------------------------------


@dataclass
class DeadlineData:
    title: str
    kind: DeadlineKind
    due_date: date
    due_time: time | None = None
    organisation: Organisation | None = None
    responsible_users: list[User] | None = None
    notes: str | None = None
    reminder_offsets: str | None = None
    visible_to_all: bool = True


# Changes to these fields change what a calendar shows: SEQUENCE goes up.
_CALENDAR_FIELDS = ("title", "kind", "due_date", "due_time", "notes", "state")


def _apply(deadline: Deadline, data: DeadlineData) -> None:
    title = (data.title or "").strip()
    if not title:
        raise DeadlineError(_("Bitte geben Sie einen Titel an."))
    if error := date_range_error(data.due_date):
        raise DeadlineError(error)
    offsets = parse_offsets(data.reminder_offsets)
    before = {f: getattr(deadline, f) for f in _CALENDAR_FIELDS}
    old_due = deadline.due_date
    deadline.title = title[:300]
    deadline.kind = DeadlineKind(data.kind)
    deadline.due_date = data.due_date
    deadline.due_time = data.due_time
    deadline.organisation = data.organisation
    if data.responsible_users is not None:
        deadline.responsible_users = list(data.responsible_users)
    deadline.notes = (data.notes or "").strip() or None
    deadline.reminder_offsets = format_offsets(offsets) if offsets is not None else None
    deadline.visible_to_all = data.visible_to_all
    if deadline.id is not None:
        if any(before[f] != getattr(deadline, f) for f in _CALENDAR_FIELDS):
            deadline.sequence = (deadline.sequence or 0) + 1
        if old_due != deadline.due_date:
            _cancel_pending(deadline, keep_due_date=deadline.due_date)


def create_deadline(data: DeadlineData, *, created_by: User | None = None) -> Deadline:
    deadline = Deadline(
        state=DeadlineState.OFFEN, sequence=0, created_by_id=getattr(created_by, "id", None)
    )
    _apply(deadline, data)
    db.session.add(deadline)
    db.session.flush()
    return deadline


def update_deadline(deadline: Deadline, data: DeadlineData) -> Deadline:
    if deadline.owner_type is not None:
        # title, kind and date belong to the owning object; only responsibility and notes here
        data.title, data.kind = deadline.title, deadline.kind
        data.due_date, data.due_time = deadline.due_date, deadline.due_time
    _apply(deadline, data)
    db.session.flush()
    return deadline


def _set_state(deadline: Deadline, state: DeadlineState, user: User | None, now: datetime) -> None:
    if deadline.state == state:
        return
    deadline.state = state
    deadline.sequence = (deadline.sequence or 0) + 1
    if state == DeadlineState.OFFEN:
        deadline.done_at, deadline.done_by = None, None
    else:
        deadline.done_at, deadline.done_by = now, user
        _cancel_pending(deadline)
    db.session.flush()


def mark_done(deadline: Deadline, user: User | None, now: datetime | None = None) -> None:
    _set_state(deadline, DeadlineState.ERLEDIGT, user, now or utcnow())


def mark_missed(deadline: Deadline, user: User | None, now: datetime | None = None) -> None:
    _set_state(deadline, DeadlineState.VERSAEUMT, user, now or utcnow())


def reopen(deadline: Deadline, user: User | None, now: datetime | None = None) -> None:
    _set_state(deadline, DeadlineState.OFFEN, user, now or utcnow())


def delete_deadline(
    deadline: Deadline, user: User | None = None, now: datetime | None = None
) -> None:
    """Moves the deadline to the deleted ones (restorable); its unsent reminders are dropped."""
    if deadline.owner_type is not None:
        raise DeadlineError(
            _(
                "Diese Frist gehört zu einem anderen Objekt und verschwindet mit ihm; "
                "löschen oder ändern Sie das Objekt selbst."
            )
        )
    if deadline.deleted_at is not None:
        return
    deadline.deleted_at = now or utcnow()
    deadline.deleted_by_id = getattr(user, "id", None)
    deadline.sequence = (deadline.sequence or 0) + 1
    _cancel_pending(deadline)
    db.session.flush()


def restore_deadline(deadline: Deadline) -> None:
    """Back from the deleted ones; reminders not sent so far can be queued again."""
    if deadline.deleted_at is None:
        return
    deadline.deleted_at, deadline.deleted_by_id = None, None
    deadline.sequence = (deadline.sequence or 0) + 1
    db.session.execute(
        delete(Reminder).where(
            Reminder.deadline_id == deadline.id,
            Reminder.state == ReminderState.CANCELLED,
            Reminder.sent_at.is_(None),
        )
    )
    db.session.flush()


def deleted_page(page: int = 1, per_page: int = 50) -> Page:
    """Deleted deadlines, most recently deleted first (for planners, to restore)."""
    stmt = (
        select(Deadline)
        .where(Deadline.deleted_at.is_not(None))
        .order_by(Deadline.deleted_at.desc(), Deadline.id.desc())
        .options(joinedload(Deadline.organisation), joinedload(Deadline.deleted_by))
    )
    return paginate(stmt, page, per_page)


def get_deleted_or_none(deadline_id: int) -> Deadline | None:
    deadline = db.session.get(Deadline, deadline_id)
    return deadline if deadline is not None and deadline.deleted_at is not None else None


def _cancel_pending(deadline: Deadline, keep_due_date: date | None = None) -> None:
    """Unsent reminders of an old date (or of a closed deadline) are not sent any more."""
    if deadline.id is None:
        return
    stmt = (
        update(Reminder)
        .where(Reminder.deadline_id == deadline.id, Reminder.state == ReminderState.PENDING)
        .values(state=ReminderState.CANCELLED, claim_token=None, claimed_until=None)
    )
    if keep_due_date is not None:
        stmt = stmt.where(Reminder.due_date != keep_due_date)
    db.session.execute(stmt.execution_options(synchronize_session=False))


# --- registration API for other domains --------------------------------------------------


@dataclass(frozen=True)
class DeadlineSource:
    """A kind of object that owns deadlines: where its page is, how it is called."""

    key: str
    label: str
    endpoint: str  # url_for endpoint taking the owner's id as ``id_arg``
    id_arg: str = "id"
    # who may open the owner's page (the deadline links to it only for them)
    permission: Permission | None = None
    # the owner sets done/open (a process step): the deadline's own buttons are not offered
    state_from_owner: bool = False


DEADLINE_SOURCES: dict[str, DeadlineSource] = {}


def register_source(source: DeadlineSource) -> None:
    DEADLINE_SOURCES[source.key] = source


def register(
    owner_type: str,
    owner_id: int,
    *,
    slot: str = "default",
    title: str,
    kind: DeadlineKind,
    due_date: date,
    due_time: time | None = None,
    organisation: Organisation | None = None,
    responsible_users: list[User] | None = None,
    notes: str | None = None,
    visible_to_all: bool = True,
) -> Deadline:
    """Create or update the deadline of an object; call it whenever the object is saved.

    Moving the owner's date moves the deadline and its pending reminders; a deadline already
    completed stays completed. Use :func:`unregister` when the object is deleted.
    """
    deadline = db.session.scalar(
        select(Deadline).where(
            Deadline.owner_type == owner_type,
            Deadline.owner_id == owner_id,
            Deadline.owner_slot == slot,
        )
    )
    data = DeadlineData(
        title=title,
        kind=kind,
        due_date=due_date,
        due_time=due_time,
        organisation=organisation,
        responsible_users=responsible_users,
        notes=notes,
        reminder_offsets=deadline.reminder_offsets if deadline else None,
        visible_to_all=visible_to_all,
    )
    if deadline is None:
        deadline = Deadline(
            owner_type=owner_type,
            owner_id=owner_id,
            owner_slot=slot,
            state=DeadlineState.OFFEN,
            sequence=0,
        )
        _apply(deadline, data)
        db.session.add(deadline)
    else:
        _apply(deadline, data)
    db.session.flush()
    return deadline


def unregister(owner_type: str, owner_id: int, slot: str | None = None) -> int:
    """Remove the deadline(s) of a deleted object; returns how many were removed."""
    stmt = select(Deadline).where(Deadline.owner_type == owner_type, Deadline.owner_id == owner_id)
    if slot is not None:
        stmt = stmt.where(Deadline.owner_slot == slot)
    deadlines = db.session.scalars(stmt).all()
    for deadline in deadlines:
        db.session.delete(deadline)  # reminders go with it (ON DELETE CASCADE)
    db.session.flush()
    return len(deadlines)


def states_of(owner_type: str, owner_ids: list[int]) -> dict[int, Deadline]:
    """The live deadlines of several objects of one kind (one query), by owner id."""
    if not owner_ids:
        return {}
    rows = db.session.scalars(
        select(Deadline).where(
            Deadline.owner_type == owner_type,
            Deadline.owner_id.in_(owner_ids),
            Deadline.deleted_at.is_(None),
        )
    )
    return {d.owner_id: d for d in rows}


# --- who sees what ------------------------------------------------------------------------


def sees_all(user: User) -> bool:
    return role_can(user.role, Permission.DEADLINES_EDIT)


def _mine(user: User):
    """The user's deadlines: named responsible, or of the user's organisation. As an IN over
    a UNION of the two index lookups (an OR of EXISTS and the organisation filtered every open
    deadline: 64 ms at Land scale on PostgreSQL, 1 ms as a union)."""
    named = select(deadline_responsibles.c.deadline_id).where(
        deadline_responsibles.c.user_id == user.id
    )
    if not user.organisation_id:
        return Deadline.id.in_(named)
    own = Deadline.__table__.alias("own")
    return Deadline.id.in_(
        union(named, select(own.c.id).where(own.c.organisation_id == user.organisation_id))
    )


def visible_to(user: User):
    """Planners and admins see every deadline; others those released to all and their own."""
    if sees_all(user):
        return None
    return or_(Deadline.visible_to_all.is_(True), _mine(user))


def _visible(stmt: Select, user: User) -> Select:
    """Only what the user may see, and never a deleted deadline."""
    stmt = stmt.where(Deadline.deleted_at.is_(None))
    condition = visible_to(user)
    return stmt if condition is None else stmt.where(condition)


def visible_stmt(stmt: Select, user: User) -> Select:
    """``stmt`` narrowed to the deadlines ``user`` sees (the calendar's rule)."""
    return _visible(stmt, user)


def can_see(user: User, deadline: Deadline) -> bool:
    if deadline.deleted_at is not None:
        return False
    if sees_all(user) or deadline.visible_to_all:
        return True
    if user.organisation_id and deadline.organisation_id == user.organisation_id:
        return True
    return any(u.id == user.id for u in deadline.responsible_users)


def may_complete(user: User, deadline: Deadline) -> bool:
    """Planners, and whoever is responsible (in person or by organisation), close a deadline;
    a deadline whose owner decides its state (a process step) is closed through the owner."""
    source = DEADLINE_SOURCES.get(deadline.owner_type or "")
    if source is not None and source.state_from_owner:
        return False
    if sees_all(user):
        return True
    if user.organisation_id and deadline.organisation_id == user.organisation_id:
        return True
    return any(u.id == user.id for u in deadline.responsible_users)


def get_live_or_none(deadline_id: int) -> Deadline | None:
    """The deadline unless it is deleted."""
    deadline = db.session.get(Deadline, deadline_id)
    return deadline if deadline is not None and deadline.deleted_at is None else None


def get_visible_or_none(user: User, deadline_id: int) -> Deadline | None:
    deadline = get_live_or_none(deadline_id)
    return deadline if deadline is not None and can_see(user, deadline) else None


# --- queries for pages --------------------------------------------------------------------


@dataclass
class ListFilter:
    kind: str | None = None
    organisation: str | None = None  # part of the organisation's name
    responsible: str | None = None  # part of a responsible person's name
    text: str | None = None  # part of the title
    date_from: date | None = None
    date_to: date | None = None
    state: str | None = DeadlineState.OFFEN.value
    mine: bool = False


def _with_details(stmt: Select) -> Select:
    return stmt.options(joinedload(Deadline.organisation), selectinload(Deadline.responsible_users))


def deadline_page(user: User, filters: ListFilter, page: int = 1, per_page: int = 50) -> Page:
    """Open deadlines in date order (the overdue ones, oldest first, come first by
    themselves); closed ones and "alle" with the latest date first. Both orders are read from
    the date indexes."""
    stmt = select(Deadline)
    if filters.state:
        stmt = stmt.where(Deadline.state == DeadlineState(filters.state))
    if filters.kind:
        stmt = stmt.where(Deadline.kind == DeadlineKind(filters.kind))
    if filters.organisation:
        stmt = stmt.where(
            Deadline.organisation_id.in_(
                select(Organisation.id).where(organisation_matches(filters.organisation))
            )
        )
    if filters.responsible:
        stmt = stmt.where(
            exists().where(
                deadline_responsibles.c.deadline_id == Deadline.id,
                deadline_responsibles.c.user_id.in_(
                    select(User.id).where(
                        func.lower(User.name).like(like_pattern(filters.responsible), escape="\\")
                    )
                ),
            )
        )
    if filters.date_from:
        stmt = stmt.where(Deadline.due_date >= filters.date_from)
    if filters.date_to:
        stmt = stmt.where(Deadline.due_date <= filters.date_to)
    if filters.text:
        stmt = stmt.where(func.lower(Deadline.title).like(like_pattern(filters.text), escape="\\"))
    if filters.mine:
        stmt = stmt.where(_mine(user))
    if filters.state == DeadlineState.OFFEN.value:
        # among open deadlines the overdue ones are the earliest: date order (by index) suffices
        stmt = stmt.order_by(Deadline.due_date, Deadline.due_time, Deadline.id)
    else:
        stmt = stmt.order_by(Deadline.due_date.desc(), Deadline.id.desc())
    return paginate(_with_details(_visible(stmt, user)), page, per_page)


def deadlines_of_organisation(user: User, org_id: int, limit: int = 10) -> list[Deadline]:
    """Open deadlines of an organisation that ``user`` may see, the most urgent first."""
    stmt = (
        select(Deadline)
        .where(Deadline.organisation_id == org_id, Deadline.state == DeadlineState.OFFEN)
        .order_by(Deadline.due_date, Deadline.id)
        .limit(limit)
    )
    return list(db.session.scalars(_visible(stmt, user)))


def responsible_deadlines(user: User, limit: int = 10_000) -> list[Deadline]:
    """Every deadline the account is named responsible for (for the DSGVO export)."""
    stmt = (
        select(Deadline)
        .join(deadline_responsibles, deadline_responsibles.c.deadline_id == Deadline.id)
        .where(deadline_responsibles.c.user_id == user.id)
        .order_by(Deadline.due_date, Deadline.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    last = date(year, month, _calendar.monthrange(year, month)[1])
    return first, last


def month_weeks(year: int, month: int) -> list[list[date]]:
    """The weeks (Monday first) that cover the month, as lists of seven dates."""
    return _calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)


MONTH_PER_DAY = 5  # entries shown per day in the month view; the rest behind "+N weitere"


def month_deadlines(
    user: User, year: int, month: int, kind: str | None = None, per_day: int = MONTH_PER_DAY
) -> tuple[dict[date, list[Deadline]], dict[date, int]]:
    """The first ``per_day`` deadlines of each day of the month view and the number per day:
    two queries whatever the month holds (a Land has thousands of deadlines a month)."""
    weeks = month_weeks(year, month)
    start, end = weeks[0][0], weeks[-1][-1]
    conditions = [Deadline.due_date >= start, Deadline.due_date <= end]
    if kind:
        conditions.append(Deadline.kind == DeadlineKind(kind))
    counts = dict(
        db.session.execute(
            _visible(select(Deadline.due_date, func.count()).where(*conditions), user).group_by(
                Deadline.due_date
            )
        ).all()
    )
    ranked = _visible(
        select(
            Deadline.id,
            func.row_number()
            .over(
                partition_by=Deadline.due_date,
                order_by=(Deadline.due_time, Deadline.title, Deadline.id),
            )
            .label("rank"),
        ).where(*conditions),
        user,
    ).subquery()
    stmt = (
        select(Deadline)
        .join(ranked, ranked.c.id == Deadline.id)
        .where(ranked.c.rank <= per_day)
        .order_by(Deadline.due_date, Deadline.due_time, Deadline.title, Deadline.id)
        .options(joinedload(Deadline.organisation))
    )
    by_day: dict[date, list[Deadline]] = {}
    for deadline in db.session.scalars(stmt):
        by_day.setdefault(deadline.due_date, []).append(deadline)
    return by_day, counts


def my_deadlines(user: User, today: date, limit: int = 8) -> tuple[list[Deadline], int]:
    """Open deadlines the user or their organisation is responsible for: overdue first."""
    base = select(Deadline).where(
        Deadline.state == DeadlineState.OFFEN, Deadline.deleted_at.is_(None), _mine(user)
    )
    overdue = db.session.scalar(
        select(db.func.count()).select_from(base.where(Deadline.due_date < today).subquery())
    )
    stmt = base.order_by(
        case((Deadline.due_date < today, 0), else_=1), Deadline.due_date, Deadline.id
    ).limit(limit)
    return list(db.session.scalars(_with_details(stmt))), overdue or 0


def upcoming_for_all(user: User, today: date, limit: int = 8) -> list[Deadline]:
    stmt = (
        select(Deadline)
        .where(Deadline.state == DeadlineState.OFFEN, Deadline.due_date >= today)
        .order_by(Deadline.due_date, Deadline.id)
        .limit(limit)
    )
    return list(db.session.scalars(_with_details(_visible(stmt, user))))


def open_of_owners(
    owner_types: list[str], kind: DeadlineKind, today: date, limit: int = 10
) -> tuple[list[Deadline], list[Deadline]]:
    """The open deadlines of some kinds of owner (all of one deadline kind): the overdue ones,
    latest first, and the coming ones, earliest first (for the domain that owns them: it
    decides who sees its list)."""
    stmt = select(Deadline).where(
        Deadline.kind == kind, Deadline.state == DeadlineState.OFFEN,
        Deadline.owner_type.in_(owner_types), Deadline.deleted_at.is_(None),
    )  # fmt: skip
    overdue = db.session.scalars(
        stmt.where(Deadline.due_date < today)
        .order_by(Deadline.due_date.desc(), Deadline.id.desc()).limit(limit)
    )  # fmt: skip
    coming = db.session.scalars(
        stmt.where(Deadline.due_date >= today).order_by(Deadline.due_date, Deadline.id).limit(limit)
    )
    return list(overdue), list(coming)


# a rolling window, as calendar servers publish: one year back, two years ahead
FEED_DAYS_BACK, FEED_DAYS_AHEAD = 366, 731


def _feed_select(user: User, today: date, *columns) -> Select:
    stmt = select(*columns).where(
        Deadline.due_date >= today - timedelta(days=FEED_DAYS_BACK),
        Deadline.due_date <= today + timedelta(days=FEED_DAYS_AHEAD),
    )
    return _visible(stmt, user)


FEED_COLUMNS = (
    Deadline.id, Deadline.uid, Deadline.title, Deadline.kind, Deadline.state, Deadline.due_date,
    Deadline.due_time, Deadline.notes, Deadline.sequence,
    Organisation.name.label("organisation_name"),
)  # fmt: skip


def feed_deadlines(user: User, today: date) -> list:
    """What a personal feed carries: everything the user may see in the feed's window, as
    plain rows with the columns a calendar needs (58,000 ORM objects took 3 s to load)."""
    stmt = (
        _feed_select(user, today, *FEED_COLUMNS)
        .outerjoin(Organisation, Organisation.id == Deadline.organisation_id)
        .order_by(Deadline.due_date, Deadline.id)
    )
    return list(db.session.execute(stmt))


def feed_version(user: User, today: date) -> str:
    """Changes whenever the feed's content would: a deadline in it is changed, added, removed,
    or becomes (in)visible to the user. One aggregate query."""
    count, id_sum, changed = db.session.execute(
        _feed_select(
            user, today, func.count(), func.sum(Deadline.id), func.max(Deadline.updated_at)
        )
    ).one()
    key = f"{user.id}|{user.name}|{user.role}|{user.organisation_id}|{today}|{count}|{id_sum}|{changed}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


# --- personal calendar feed --------------------------------------------------------------


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def renew_feed_token(user: User) -> str:
    """Create or replace the user's feed token; the old address stops working at once.
    Returns the new token, which is shown once and stored only as a hash."""
    token = secrets.token_urlsafe(32)
    feed = db.session.get(CalendarFeed, user.id)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, token_hash=_hash_token(token))
        db.session.add(feed)
    else:
        feed.token_hash = _hash_token(token)
        feed.created_at = utcnow()
        feed.last_used_at = None
    db.session.flush()
    return token


def revoke_feed(user: User) -> None:
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))


def feed_of(user: User) -> CalendarFeed | None:
    return db.session.get(CalendarFeed, user.id)


def user_for_feed_token(token: str, now: datetime | None = None) -> User | None:
    if not token or len(token) > 100:
        return None
    feed = db.session.scalar(
        select(CalendarFeed)
        .where(CalendarFeed.token_hash == _hash_token(token))
        .options(joinedload(CalendarFeed.user))
    )
    if feed is None or not feed.user.active:
        return None
    feed.last_used_at = now or utcnow()
    return feed.user


# --- reminder preference ------------------------------------------------------------------

PREFERENCE_LABELS = {
    "sofort": _l("Jede Erinnerung sofort als eigene E-Mail"),
    "taeglich": _l("Eine tägliche Sammel-E-Mail"),
    "aus": _l("Keine Erinnerungen per E-Mail"),
}


def preference_of(user: User) -> str:
    pref = db.session.get(ReminderPreference, user.id)
    return pref.mode if pref else "sofort"


def set_preference(user: User, mode: str) -> None:
    if mode not in PREFERENCE_LABELS:
        raise DeadlineError(_("Unbekannte Einstellung."))
    pref = db.session.get(ReminderPreference, user.id)
    if pref is None:
        db.session.add(ReminderPreference(user_id=user.id, mode=mode))
    else:
        pref.mode = mode
    db.session.flush()


def search_responsible(
    q: str, user: User, chunk: int = 200, chunks: int = 5
) -> list[tuple[int, str]]:
    """Names of people responsible for a deadline *the user may see* (the list filter's
    suggestions): a name on a hidden deadline is never suggested.

    In steps: the next ``chunk`` people whose name matches, in name order (index on the name),
    then one query for which of them hold a visible deadline. A single join let PostgreSQL hash
    every responsibility of the Land (140 ms); this stops once twenty are found."""
    pattern = like_pattern(q)
    found: list[tuple[int, str]] = []
    last: tuple[str, int] | None = None
    for _step in range(chunks):
        stmt = select(User.id, User.name).where(func.lower(User.name).like(pattern, escape="\\"))
        if last is not None:
            stmt = stmt.where(tuple_(User.name, User.id) > tuple_(*last))
        people = db.session.execute(stmt.order_by(User.name, User.id).limit(chunk)).all()
        if not people:
            break
        named = deadline_responsibles.alias("named")
        holding = (
            select(named.c.user_id)
            .join(Deadline, Deadline.id == named.c.deadline_id)
            .where(named.c.user_id.in_([p.id for p in people]), Deadline.deleted_at.is_(None))
        )
        condition = visible_to(user)
        if condition is not None:
            holding = holding.where(condition)
        holders = set(db.session.scalars(holding.distinct()))
        found += [(p.id, p.name) for p in people if p.id in holders]
        if len(found) >= LIMIT or len(people) < chunk:
            break
        last = (people[-1].name, people[-1].id)
    return found[:LIMIT]


def overdue_deliveries_by_organisation(
    user: User, today: date, limit: int = 8
) -> list[tuple[int, str, int, date]]:
    """For planners: which other organisations owe overdue deliveries — (id, name, number,
    oldest due date), most overdue deliveries first. One aggregate over the (kind, due date)
    index."""
    stmt = (
        select(Organisation.id, Organisation.name, func.count(), func.min(Deadline.due_date))
        .join(Organisation, Organisation.id == Deadline.organisation_id)
        .where(
            Deadline.kind == DeadlineKind.LIEFERUNG,
            Deadline.due_date < today,
            Deadline.state == DeadlineState.OFFEN,
            Deadline.deleted_at.is_(None),
        )
        .group_by(Organisation.id, Organisation.name)
        .order_by(func.count().desc(), Organisation.name)
        .limit(limit)
    )
    if user.organisation_id:
        stmt = stmt.where(Deadline.organisation_id != user.organisation_id)
    return [tuple(row) for row in db.session.execute(stmt)]
