"""Meeting rules: the meeting and its states, the agenda (numbering, times), invitations and
replies, attendance, minutes with revisions and approval, action items; the queries of the
pages and of the participation history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, delete, func, or_, select, union
from sqlalchemy.orm import joinedload, selectinload

from planner.accounts.models import Organisation, OrganisationKind, User
from planner.core.i18n import BERLIN
from planner.core.lookup import like_pattern
from planner.core.models import date_range_error, utcnow
from planner.core.pagination import Page, paginate
from planner.core.permissions import Permission, role_can
from planner.core.transaction import DomainError, flush_or_raise
from planner.deadlines import services as deadlines
from planner.deadlines.models import DeadlineKind, DeadlineState
from planner.extensions import db
from planner.meetings.models import (
    ActionItem,
    AgendaItem,
    Invitation,
    MailKind,
    Meeting,
    MeetingKind,
    MeetingMail,
    MeetingState,
    MinutesRevision,
    MinutesState,
    Reply,
    agenda_item_areas,
    agenda_item_indicators,
)
from planner.stakeholders.models import Person

DEADLINE_OWNER = "meeting"
ACTION_OWNER = "action_item"
MAX_ITEMS = 100  # per meeting: the agenda is shown whole
MAX_INVITATIONS = 500  # per meeting
MAX_TEXT = 100_000
MAX_ORG_RECIPIENTS = 50  # accounts of an invited organisation that get its mail
MAX_LINKED = 50  # areas or indicators named at one agenda item


class MeetingError(DomainError):
    """A broken meeting rule; the message is shown to the user."""


class DateError(MeetingError):
    pass


class StateError(MeetingError):
    pass


class MunicipalityError(MeetingError):
    pass


class ReplyError(MeetingError):
    pass


def _taken() -> MeetingError:
    """An invitation or attendance written by a concurrent request in the meantime."""
    return MeetingError(
        _("Gleichzeitig wurde dieselbe Person oder Organisation eingetragen; bitte laden Sie die "
          "Seite neu und prüfen Sie die Liste.")
    )  # fmt: skip


def now_local() -> datetime:
    """Now as a Europe/Berlin wall-clock time (how meeting times are stored)."""
    return utcnow().astimezone(BERLIN).replace(tzinfo=None)


# --- permissions on objects ---------------------------------------------------------------


def sees_internal(user) -> bool:
    """Non-public agenda items, the invitees and the minutes of non-public items."""
    return role_can(getattr(user, "role", None), Permission.PERSONS_VIEW)


def invitation_of(user, meeting_id: int) -> Invitation | None:
    """The user's invitation to a meeting: as a person (the person's account) or through the
    user's organisation (one query)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    conditions = [Invitation.person_id.in_(select(Person.id).where(Person.user_id == user.id))]
    if user.organisation_id:
        conditions.append(Invitation.organisation_id == user.organisation_id)
    return db.session.scalar(
        select(Invitation)
        .where(Invitation.meeting_id == meeting_id, Invitation.invited.is_(True), or_(*conditions))
        .order_by(Invitation.person_id.is_(None), Invitation.id)
        .limit(1)
    )


def is_invited(user, meeting_id: int) -> bool:
    return invitation_of(user, meeting_id) is not None


# --- meetings -----------------------------------------------------------------------------


def get_meeting(meeting_id: int) -> Meeting | None:
    return db.session.get(Meeting, meeting_id)


@dataclass
class MeetingData:
    kind: MeetingKind | str
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str | None = None
    body_id: int | None = None
    municipality_id: int | None = None


def _check_time(value: datetime) -> None:
    if (error := date_range_error(value.date())) is not None:
        raise DateError(error)


def _apply(meeting: Meeting, data: MeetingData) -> bool:
    """Set the fields; True when time or place changed (the invitees are told)."""
    title = (data.title or "").strip()
    if not title:
        raise MeetingError(_("Bitte geben Sie einen Titel an."))
    _check_time(data.starts_at)
    _check_time(data.ends_at)
    if data.ends_at < data.starts_at:
        raise DateError(_("Das Ende liegt vor dem Beginn."))
    if data.ends_at - data.starts_at > timedelta(days=14):
        raise DateError(_("Eine Sitzung dauert höchstens 14 Tage."))
    kind = MeetingKind(data.kind)
    municipality = None
    if data.municipality_id is not None:
        municipality = db.session.get(Organisation, data.municipality_id)
        if municipality is None or municipality.kind != OrganisationKind.KOMMUNE:
            raise MunicipalityError(_("Bitte wählen Sie eine Kommune."))
    if kind == MeetingKind.FPK_KOMMUNAL and municipality is None:
        raise MunicipalityError(
            _("Eine kommunale Fachplanerkonferenz braucht die Kommune, für die sie tagt.")
        )
    place = (data.place or "").strip() or None
    changed = meeting.id is not None and (
        meeting.starts_at != data.starts_at or meeting.ends_at != data.ends_at
        or meeting.place != place
    )  # fmt: skip
    meeting.kind = kind
    meeting.title = title
    meeting.starts_at = data.starts_at
    meeting.ends_at = data.ends_at
    meeting.place = place
    meeting.body_id = data.body_id
    meeting.municipality_id = municipality.id if municipality else None
    return changed


def save_meeting(meeting: Meeting | None, data: MeetingData, user: User | None = None) -> Meeting:
    """Create or change a meeting. A changed time or place of a meeting already invited to is
    announced to every invitee (a mail with the updated calendar entry)."""
    if meeting is None:
        meeting = Meeting(state=MeetingState.GEPLANT, sequence=0,
                          minutes_state=MinutesState.ENTWURF,
                          created_by_id=user.id if user else None)  # fmt: skip
        _apply(meeting, data)
        db.session.add(meeting)
    else:
        if meeting.state == MeetingState.ABGESAGT:
            raise StateError(_("Eine abgesagte Sitzung wird nicht mehr geändert."))
        if _apply(meeting, data) and meeting.state == MeetingState.EINGELADEN:
            meeting.sequence += 1
            _queue_all(meeting, MailKind.AENDERUNG)
    db.session.flush()
    sync_deadline(meeting)
    return meeting


ALLOWED_STATES = {
    MeetingState.GEPLANT: {MeetingState.EINGELADEN, MeetingState.DURCHGEFUEHRT,
                           MeetingState.ABGESAGT},
    MeetingState.EINGELADEN: {MeetingState.DURCHGEFUEHRT, MeetingState.ABGESAGT},
    MeetingState.DURCHGEFUEHRT: {MeetingState.EINGELADEN},
    MeetingState.ABGESAGT: {MeetingState.GEPLANT},
}  # fmt: skip


def set_state(meeting: Meeting, state: MeetingState | str, user: User | None = None) -> Meeting:
    """geplant → eingeladen (the invitations go out) → durchgeführt; cancelling tells every
    invitee; a cancelled meeting can be planned again."""
    state = MeetingState(state)
    if state == meeting.state:
        return meeting
    if state not in ALLOWED_STATES[meeting.state]:
        raise StateError(
            _(
                "Eine Sitzung im Status „%(old)s“ kann nicht „%(new)s“ werden.",
                old=meeting.state.label,
                new=state.label,
            )
        )
    if state == MeetingState.DURCHGEFUEHRT and meeting.starts_at > now_local():
        raise StateError(_("Eine Sitzung, die noch nicht begonnen hat, ist nicht durchgeführt."))
    if state == MeetingState.ABGESAGT and meeting.state == MeetingState.EINGELADEN:
        meeting.sequence += 1
        _queue_all(meeting, MailKind.ABSAGE)
    previous = meeting.state
    meeting.state = state
    if state == MeetingState.EINGELADEN and previous == MeetingState.GEPLANT:
        _queue_all(meeting, MailKind.EINLADUNG)
    db.session.flush()
    sync_deadline(meeting, user)
    return meeting


def invite_now(meeting: Meeting, user: User | None = None) -> int:
    """Send the invitations: the meeting becomes "eingeladen"; returns the number of mails."""
    if not _count_invitations(meeting.id):
        raise StateError(_("Bitte laden Sie zuerst Personen oder Organisationen ein."))
    before = _count_pending(meeting.id)
    set_state(meeting, MeetingState.EINGELADEN, user)
    return _count_pending(meeting.id) - before


def delete_meeting(meeting: Meeting) -> None:
    if meeting.state != MeetingState.GEPLANT:
        raise StateError(
            _("Nur eine geplante Sitzung ohne Einladungen kann gelöscht werden; sagen Sie sie ab.")
        )
    for action_id in db.session.scalars(
        select(ActionItem.id).where(ActionItem.meeting_id == meeting.id)
    ):
        deadlines.unregister(ACTION_OWNER, action_id)
    deadlines.unregister(DEADLINE_OWNER, meeting.id)
    db.session.delete(meeting)
    db.session.flush()


def _invitee_users(meeting_id: int) -> list[User]:
    """Accounts that are reminded of the meeting: invited persons' and invited organisations'."""
    person_users = select(Person.user_id).join(Invitation, Invitation.person_id == Person.id).where(
        Invitation.meeting_id == meeting_id, Invitation.invited.is_(True),
        Invitation.reply != Reply.ABSAGE,
    )  # fmt: skip
    org_ids = select(Invitation.organisation_id).where(
        Invitation.meeting_id == meeting_id, Invitation.invited.is_(True),
        Invitation.organisation_id.is_not(None), Invitation.reply != Reply.ABSAGE,
    )  # fmt: skip
    return db.session.scalars(
        select(User)
        .where(
            User.active.is_(True),
            or_(User.id.in_(person_users), User.organisation_id.in_(org_ids)),
        )
        .order_by(User.id)
        .limit(MAX_INVITATIONS)
    ).all()


def sync_deadline(meeting: Meeting, user: User | None = None) -> None:
    """The meeting is a deadline (kind Sitzung) of its invitees; reminders before it go
    through the deadline engine. A cancelled meeting has none; a held one is done."""
    if meeting.state == MeetingState.ABGESAGT:
        deadlines.unregister(DEADLINE_OWNER, meeting.id)
        return
    deadline = deadlines.register(
        DEADLINE_OWNER,
        meeting.id,
        title=meeting.title,
        kind=DeadlineKind.SITZUNG,
        due_date=meeting.starts_at.date(),
        due_time=meeting.starts_at.time().replace(second=0, microsecond=0),
        responsible_users=_invitee_users(meeting.id),
        notes=meeting.place,
        visible_to_all=False,
    )
    if meeting.state == MeetingState.DURCHGEFUEHRT and deadline.state == DeadlineState.OFFEN:
        deadlines.mark_done(deadline, user)
    elif meeting.state != MeetingState.DURCHGEFUEHRT and deadline.state != DeadlineState.OFFEN:
        deadlines.reopen(deadline, user)


# --- agenda -------------------------------------------------------------------------------


@dataclass
class ItemData:
    title: str
    description: str | None = None
    public: bool = True
    duration: int | None = None
    presenter: str | None = None
    paper_id: int | None = None
    resolution_id: int | None = None
    outcome: str | None = None
    area_ids: list[int] = field(default_factory=list)
    indicator_ids: list[int] = field(default_factory=list)


def _editable(meeting: Meeting) -> None:
    if meeting.state == MeetingState.ABGESAGT:
        raise StateError(_("Eine abgesagte Sitzung wird nicht mehr geändert."))


def _apply_item(item: AgendaItem, data: ItemData) -> None:
    title = (data.title or "").strip()
    if not title:
        raise MeetingError(_("Bitte geben Sie einen Titel an."))
    if data.duration is not None and not 0 <= data.duration <= 1440:
        raise MeetingError(_("Bitte geben Sie zwischen 0 und 1.440 Minuten an."))
    if len(data.area_ids) > MAX_LINKED or len(data.indicator_ids) > MAX_LINKED:
        raise MeetingError(_("Höchstens %(n)s Räume und %(n)s Indikatoren je Punkt.", n=MAX_LINKED))
    item.title = title
    item.description = (data.description or "").strip() or None
    item.public = bool(data.public)
    item.duration = data.duration
    item.presenter = (data.presenter or "").strip() or None
    item.paper_id = data.paper_id
    item.resolution_id = data.resolution_id
    item.outcome = (data.outcome or "").strip() or None


def _set_links(item: AgendaItem, data: ItemData) -> None:
    for table, column, ids in (
        (agenda_item_areas, "area_id", data.area_ids),
        (agenda_item_indicators, "indicator_id", data.indicator_ids),
    ):
        db.session.execute(delete(table).where(table.c.agenda_item_id == item.id))
        if ids:
            db.session.execute(
                table.insert(), [{"agenda_item_id": item.id, column: i} for i in dict.fromkeys(ids)]
            )


def add_item(meeting: Meeting, data: ItemData) -> AgendaItem:
    _editable(meeting)
    count = db.session.scalar(select(func.count()).where(AgendaItem.meeting_id == meeting.id)) or 0
    if count >= MAX_ITEMS:
        raise MeetingError(_("Eine Tagesordnung hat höchstens %(n)s Punkte.", n=MAX_ITEMS))
    item = AgendaItem(meeting_id=meeting.id, position=count + 1)
    _apply_item(item, data)
    db.session.add(item)
    db.session.flush()
    _set_links(item, data)
    return item


def update_item(item: AgendaItem, data: ItemData) -> AgendaItem:
    _editable(item.meeting)
    _apply_item(item, data)
    db.session.flush()
    _set_links(item, data)
    return item


def items_of(meeting_id: int) -> list[AgendaItem]:
    return db.session.scalars(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting_id)
        .options(joinedload(AgendaItem.paper), joinedload(AgendaItem.resolution))
        .order_by(AgendaItem.position, AgendaItem.id)
    ).all()


def _renumber(items: list[AgendaItem]) -> None:
    for number, item in enumerate(items, start=1):
        if item.position != number:
            item.position = number
    db.session.flush()


def delete_item(item: AgendaItem) -> None:
    _editable(item.meeting)
    meeting_id = item.meeting_id
    db.session.delete(item)
    db.session.flush()
    _renumber(items_of(meeting_id))


def move_item(item: AgendaItem, position: int) -> None:
    """Put an item at ``position`` (1 = first); the others move up or down, numbers stay
    1..n without gaps."""
    _editable(item.meeting)
    items = [i for i in items_of(item.meeting_id) if i.id != item.id]
    position = max(1, min(position, len(items) + 1))
    items.insert(position - 1, item)
    _renumber(items)


def reorder(meeting: Meeting, item_ids: list[int]) -> None:
    """The order of a drag and drop: exactly the meeting's items, each once."""
    _editable(meeting)
    items = {i.id: i for i in items_of(meeting.id)}
    if sorted(item_ids) != sorted(items) or len(set(item_ids)) != len(item_ids):
        raise MeetingError(
            _("Die Tagesordnung wurde inzwischen geändert. Bitte laden Sie die Seite neu.")
        )
    _renumber([items[i] for i in item_ids])


def schedule(meeting: Meeting, items: list[AgendaItem]) -> dict[int, datetime | None]:
    """The start of each item from the meeting's start and the planned minutes before it;
    after an item without planned minutes the times are unknown (None)."""
    start: datetime | None = meeting.starts_at
    times: dict[int, datetime | None] = {}
    for item in items:
        times[item.id] = start
        if start is not None:
            start = start + timedelta(minutes=item.duration) if item.duration is not None else None
    return times


def links_of(item_ids: list[int]) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Area ids and indicator ids per agenda item (two queries for the whole agenda)."""
    areas: dict[int, list[int]] = {i: [] for i in item_ids}
    indicators: dict[int, list[int]] = {i: [] for i in item_ids}
    if item_ids:
        for item_id, area_id in db.session.execute(
            select(agenda_item_areas.c.agenda_item_id, agenda_item_areas.c.area_id).where(
                agenda_item_areas.c.agenda_item_id.in_(item_ids)
            )
        ):
            areas[item_id].append(area_id)
        for item_id, indicator_id in db.session.execute(
            select(agenda_item_indicators.c.agenda_item_id, agenda_item_indicators.c.indicator_id)
            .where(agenda_item_indicators.c.agenda_item_id.in_(item_ids))
        ):  # fmt: skip
            indicators[item_id].append(indicator_id)
    return areas, indicators


def discussed(meeting_id: int) -> tuple[list[int], list[int]]:
    """The areas and indicators discussed at a meeting (for logging a measure there)."""
    item_ids = select(AgendaItem.id).where(AgendaItem.meeting_id == meeting_id)
    areas = db.session.scalars(
        select(agenda_item_areas.c.area_id)
        .where(agenda_item_areas.c.agenda_item_id.in_(item_ids))
        .distinct()
        .limit(MAX_LINKED * MAX_ITEMS)
    ).all()
    indicators = db.session.scalars(
        select(agenda_item_indicators.c.indicator_id)
        .where(agenda_item_indicators.c.agenda_item_id.in_(item_ids))
        .distinct()
        .limit(MAX_LINKED * MAX_ITEMS)
    ).all()
    return list(areas), list(indicators)


# --- invitations --------------------------------------------------------------------------


def _count_invitations(meeting_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count()).where(
                Invitation.meeting_id == meeting_id, Invitation.invited.is_(True)
            )
        )
        or 0
    )


def invite(meeting: Meeting, person_ids: list[int], organisation_ids: list[int]) -> int:
    """Invite persons (with or without an account) and whole organisations; those already
    invited are left as they are. At a meeting already invited to, the new invitees get their
    mail at once. Returns how many were added."""
    _editable(meeting)
    if meeting.state == MeetingState.DURCHGEFUEHRT:
        raise StateError(_("Zu einer durchgeführten Sitzung wird nicht mehr eingeladen."))
    existing = (
        db.session.execute(select(Invitation).where(Invitation.meeting_id == meeting.id))
        .scalars()
        .all()
    )
    by_person = {i.person_id: i for i in existing if i.person_id}
    by_org = {i.organisation_id: i for i in existing if i.organisation_id}
    total = sum(1 for i in existing if i.invited)
    added = []
    for person_id in dict.fromkeys(person_ids):
        person = db.session.get(Person, person_id)
        if person is None or person.erased:
            raise MeetingError(_("Bitte wählen Sie eine Person aus."))
        added.append(_invitation(meeting, by_person.get(person_id), person_id=person_id))
    for org_id in dict.fromkeys(organisation_ids):
        if db.session.get(Organisation, org_id) is None:
            raise MeetingError(_("Bitte wählen Sie eine Organisation aus."))
        added.append(_invitation(meeting, by_org.get(org_id), organisation_id=org_id))
    added = [i for i in added if i is not None]
    if total + len(added) > MAX_INVITATIONS:
        raise MeetingError(_("Höchstens %(n)s Einladungen je Sitzung.", n=MAX_INVITATIONS))
    flush_or_raise(_taken())  # invited by someone else at the same moment
    if meeting.state == MeetingState.EINGELADEN:
        for invitation in added:
            _queue(invitation, MailKind.EINLADUNG)
    sync_deadline(meeting)
    return len(added)


def _invitation(meeting: Meeting, existing: Invitation | None, **who) -> Invitation | None:
    if existing is not None:
        if existing.invited:
            return None
        existing.invited = True  # came once uninvited, now invited
        return existing
    invitation = Invitation(meeting_id=meeting.id, reply=Reply.OFFEN, invited=True,
                            link_version=0, **who)  # fmt: skip
    db.session.add(invitation)
    return invitation


def remove_invitation(invitation: Invitation) -> None:
    """Take an invitation back; its reply links stop working."""
    meeting = invitation.meeting
    _editable(meeting)
    if invitation.attended:
        invitation.invited = False
        invitation.link_version += 1
    else:
        db.session.delete(invitation)
    db.session.flush()
    sync_deadline(meeting)


def invitations_of(meeting_id: int) -> list[Invitation]:
    return db.session.scalars(
        select(Invitation)
        .where(Invitation.meeting_id == meeting_id)
        .options(
            joinedload(Invitation.person).joinedload(Person.organisation),
            joinedload(Invitation.person).joinedload(Person.user),
            joinedload(Invitation.organisation),
        )
        .order_by(Invitation.organisation_id.is_(None), Invitation.id)
        .limit(MAX_INVITATIONS * 2)
    ).all()


def reply_counts(invitations: list[Invitation]) -> dict[str, int]:
    counts = {r.value: 0 for r in Reply}
    for invitation in invitations:
        if invitation.invited:
            counts[invitation.reply.value] += 1
    counts["anwesend"] = sum(1 for i in invitations if i.attended)
    return counts


def reply_refusal(meeting: Meeting) -> str | None:
    """Why no reply is taken any more, or None."""
    if meeting.state == MeetingState.ABGESAGT:
        return _("Die Sitzung wurde abgesagt; eine Antwort ist nicht mehr nötig.")
    if meeting.state == MeetingState.DURCHGEFUEHRT or meeting.ends_at < now_local():
        return _("Die Sitzung ist vorbei; eine Antwort ist nicht mehr möglich.")
    return None


def set_reply(invitation: Invitation, reply: Reply | str, substitute: str | None = None) -> None:
    reply = Reply(reply)
    if reply == Reply.OFFEN:
        raise ReplyError(_("Bitte wählen Sie Zusage, Absage oder Vertretung."))
    if not invitation.invited:
        raise ReplyError(_("Diese Einladung wurde zurückgenommen."))
    if (refusal := reply_refusal(invitation.meeting)) is not None:
        raise ReplyError(refusal)
    substitute = (substitute or "").strip() or None
    if reply == Reply.VERTRETEN and not substitute:
        raise ReplyError(_("Bitte geben Sie an, wer Sie vertritt."))
    if substitute and len(substitute) > 200:
        raise ReplyError(_("Bitte höchstens 200 Zeichen."))
    invitation.reply = reply
    invitation.substitute = substitute if reply == Reply.VERTRETEN else None
    invitation.replied_at = utcnow()
    db.session.flush()
    sync_deadline(invitation.meeting)


# --- attendance ---------------------------------------------------------------------------


def record_attendance(
    meeting: Meeting, present_ids: list[int], person_ids: list[int], organisation_ids: list[int]
) -> None:
    """Who attended: the ticked invitations, and persons or organisations who came without an
    invitation (recorded as attending, not as invited)."""
    if meeting.state == MeetingState.ABGESAGT:
        raise StateError(_("Eine abgesagte Sitzung hat keine Anwesenheit."))
    if meeting.starts_at > now_local():
        raise StateError(_("Die Anwesenheit wird erfasst, wenn die Sitzung begonnen hat."))
    invitations = db.session.scalars(
        select(Invitation).where(Invitation.meeting_id == meeting.id)
    ).all()
    present = set(present_ids)
    for invitation in invitations:
        invitation.attended = invitation.id in present
    by_person = {i.person_id: i for i in invitations if i.person_id}
    by_org = {i.organisation_id: i for i in invitations if i.organisation_id}
    for person_id in dict.fromkeys(person_ids):
        if person_id in by_person:
            by_person[person_id].attended = True
        else:
            db.session.add(Invitation(meeting_id=meeting.id, person_id=person_id, invited=False,
                                      attended=True, reply=Reply.OFFEN, link_version=0))  # fmt: skip
    for org_id in dict.fromkeys(organisation_ids):
        if org_id in by_org:
            by_org[org_id].attended = True
        else:
            db.session.add(Invitation(meeting_id=meeting.id, organisation_id=org_id, invited=False,
                                      attended=True, reply=Reply.OFFEN, link_version=0))  # fmt: skip
    if len(invitations) + len(person_ids) + len(organisation_ids) > MAX_INVITATIONS * 2:
        raise MeetingError(_("Zu viele Einträge für eine Sitzung."))
    flush_or_raise(_taken())


# --- minutes ------------------------------------------------------------------------------


def _minutes_open(meeting: Meeting) -> None:
    if meeting.minutes_state == MinutesState.GENEHMIGT:
        raise StateError(
            _("Das Protokoll ist genehmigt. Öffnen Sie es erst wieder, um es zu ändern.")
        )
    if meeting.state == MeetingState.ABGESAGT:
        raise StateError(_("Eine abgesagte Sitzung hat kein Protokoll."))


def save_minutes(meeting: Meeting, text: str | None, user: User | None,
                 item: AgendaItem | None = None) -> None:  # fmt: skip
    """Minutes of the meeting or of one item; every saved version is kept."""
    _minutes_open(meeting)
    text = (text or "").strip() or None
    if text and len(text) > MAX_TEXT:
        raise MeetingError(_("Höchstens %(n)s Zeichen.", n="100.000"))
    target = item if item is not None else meeting
    if target.minutes == text:
        return
    target.minutes = text
    db.session.add(MinutesRevision(meeting_id=meeting.id, agenda_item_id=item.id if item else None,
                                   text=text, author_id=user.id if user else None))  # fmt: skip
    db.session.flush()


def approve_minutes(meeting: Meeting) -> None:
    if meeting.state != MeetingState.DURCHGEFUEHRT:
        raise StateError(_("Genehmigt wird das Protokoll einer durchgeführten Sitzung."))
    if meeting.minutes_state == MinutesState.GENEHMIGT:
        return
    meeting.minutes_state = MinutesState.GENEHMIGT
    meeting.minutes_approved_at = utcnow()
    db.session.flush()


def reopen_minutes(meeting: Meeting) -> None:
    meeting.minutes_state = MinutesState.ENTWURF
    meeting.minutes_approved_at = None
    db.session.flush()


def revisions_of(meeting_id: int, limit: int = 50) -> list[MinutesRevision]:
    return db.session.scalars(
        select(MinutesRevision)
        .where(MinutesRevision.meeting_id == meeting_id)
        .options(joinedload(MinutesRevision.author))
        .order_by(MinutesRevision.id.desc())
        .limit(limit)
    ).all()


# --- action items -------------------------------------------------------------------------


@dataclass
class ActionData:
    title: str
    due_date: date
    person_id: int | None = None
    organisation_id: int | None = None
    agenda_item_id: int | None = None


def add_action(meeting: Meeting, data: ActionData) -> ActionItem:
    """An action from the minutes (what, who, by when) becomes a deadline of whoever does it."""
    title = (data.title or "").strip()
    if not title:
        raise MeetingError(_("Bitte beschreiben Sie die Aufgabe."))
    if data.person_id is None and data.organisation_id is None:
        raise MeetingError(_("Bitte nennen Sie eine Person oder eine Organisation."))
    if (error := date_range_error(data.due_date)) is not None:
        raise DateError(error)
    if data.agenda_item_id is not None:
        item = db.session.get(AgendaItem, data.agenda_item_id)
        if item is None or item.meeting_id != meeting.id:
            raise MeetingError(_("Bitte wählen Sie einen Punkt dieser Tagesordnung."))
    action = ActionItem(meeting_id=meeting.id, title=title, due_date=data.due_date,
                        person_id=data.person_id, organisation_id=data.organisation_id,
                        agenda_item_id=data.agenda_item_id)  # fmt: skip
    db.session.add(action)
    db.session.flush()
    person = db.session.get(Person, data.person_id) if data.person_id else None
    org = db.session.get(Organisation, data.organisation_id) if data.organisation_id else None
    if org is None and person is not None:
        org = person.organisation
    deadlines.register(
        ACTION_OWNER,
        action.id,
        title=_("Aufgabe aus „%(meeting)s“: %(title)s", meeting=meeting.title, title=title)[:300],
        kind=DeadlineKind.SONSTIGES,
        due_date=data.due_date,
        organisation=org,
        responsible_users=[person.user] if person is not None and person.user else [],
        visible_to_all=False,
    )
    return action


def delete_action(action: ActionItem) -> None:
    deadlines.unregister(ACTION_OWNER, action.id)
    db.session.delete(action)
    db.session.flush()


def actions_of(meeting_id: int) -> list[ActionItem]:
    return db.session.scalars(
        select(ActionItem)
        .where(ActionItem.meeting_id == meeting_id)
        .options(joinedload(ActionItem.person), joinedload(ActionItem.organisation))
        .order_by(ActionItem.due_date, ActionItem.id)
        .limit(500)
    ).all()


# --- lists and histories ------------------------------------------------------------------


@dataclass
class MeetingFilter:
    kind: str | None = None
    state: str | None = None
    text: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    body_id: int | None = None
    mine: bool = False


def _filtered(filters: MeetingFilter, user) -> Select:
    stmt = select(Meeting)
    if filters.kind:
        stmt = stmt.where(Meeting.kind == filters.kind)
    if filters.state:
        stmt = stmt.where(Meeting.state == filters.state)
    if filters.body_id:
        stmt = stmt.where(Meeting.body_id == filters.body_id)
    if filters.text:
        stmt = stmt.where(func.lower(Meeting.title).like(like_pattern(filters.text), escape="\\"))
    if filters.date_from:
        stmt = stmt.where(
            Meeting.starts_at >= datetime.combine(filters.date_from, datetime.min.time())
        )
    if filters.date_to:
        stmt = stmt.where(
            Meeting.starts_at
            < datetime.combine(filters.date_to + timedelta(days=1), datetime.min.time())
        )
    if filters.mine:
        # from the user's invitations (two index lookups) to their meetings: an EXISTS per
        # meeting probed all 5,000 meetings of a Land for someone invited to few
        parts = [
            select(Invitation.meeting_id.label("id")).where(
                Invitation.person_id.in_(select(Person.id).where(Person.user_id == user.id))
            )
        ]
        if user.organisation_id:
            parts.append(
                select(Invitation.meeting_id.label("id")).where(
                    Invitation.organisation_id == user.organisation_id
                )
            )
        ids = union(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
        mine = select(ids.c.id).distinct().subquery()
        stmt = stmt.join(mine, mine.c.id == Meeting.id)
    return stmt  # fmt: skip


def meeting_page(filters: MeetingFilter, user, page: int = 1, per_page: int = 50) -> Page:
    stmt = _filtered(filters, user).options(joinedload(Meeting.body))
    return paginate(stmt.order_by(Meeting.starts_at.desc(), Meeting.id.desc()), page, per_page)


def upcoming_for(user, limit: int = 5) -> list[Meeting]:
    """The user's next meetings (invited, not cancelled)."""
    stmt = _filtered(MeetingFilter(mine=True), user).where(
        Meeting.starts_at >= now_local() - timedelta(hours=12),
        Meeting.state != MeetingState.ABGESAGT,
    )
    return db.session.scalars(stmt.order_by(Meeting.starts_at, Meeting.id).limit(limit)).all()


def participation_of_person(person_id: int, limit: int = 20) -> list[Invitation]:
    return db.session.scalars(
        select(Invitation)
        .join(Meeting, Meeting.id == Invitation.meeting_id)
        .where(Invitation.person_id == person_id)
        .options(selectinload(Invitation.meeting))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(limit)
    ).all()


def participation_of_organisation(org_id: int, limit: int = 20) -> list[Invitation]:
    """Invitations of the organisation itself and of its persons."""
    # two index lookups joined (an OR of both scanned every invitation of a Land)
    ids = union(
        select(Invitation.id.label("id")).where(Invitation.organisation_id == org_id),
        select(Invitation.id.label("id"))
        .join(Person, Person.id == Invitation.person_id)
        .where(Person.organisation_id == org_id),
    ).subquery()
    return db.session.scalars(
        select(Invitation)
        .join(ids, ids.c.id == Invitation.id)
        .join(Meeting, Meeting.id == Invitation.meeting_id)
        .options(selectinload(Invitation.meeting), selectinload(Invitation.person))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(limit)
    ).all()


def participation_summary(invitations: list[Invitation]) -> dict[str, int]:
    held = [i for i in invitations if i.meeting.state == MeetingState.DURCHGEFUEHRT]
    return {
        "invited": sum(1 for i in invitations if i.invited),
        "held": sum(1 for i in held if i.invited),
        "attended": sum(1 for i in held if i.attended),
    }


# --- the outbox ---------------------------------------------------------------------------


def _addresses(invitation: Invitation) -> list[str]:
    if invitation.person_id is not None:
        person = invitation.person or db.session.get(Person, invitation.person_id)
        address = person.email or (person.user.email if person.user else None)
        return [address] if address and not person.erased else []
    return list(
        db.session.scalars(
            select(User.email)
            .where(User.organisation_id == invitation.organisation_id, User.active.is_(True))
            .order_by(User.id)
            .limit(MAX_ORG_RECIPIENTS)
        )
    )


def _queue(invitation: Invitation, kind: MailKind) -> int:
    if not invitation.invited:
        return 0
    if kind != MailKind.EINLADUNG and invitation.reply == Reply.ABSAGE:
        return 0  # whoever declined is not told of a new time (a cancellation neither)
    addresses = _addresses(invitation)
    for address in addresses:
        db.session.add(MeetingMail(invitation_id=invitation.id, kind=kind, address=address))
    return len(addresses)


def _queue_all(meeting: Meeting, kind: MailKind) -> None:
    for invitation in db.session.scalars(
        select(Invitation)
        .where(Invitation.meeting_id == meeting.id, Invitation.invited.is_(True))
        .options(joinedload(Invitation.person).joinedload(Person.user))
    ):
        _queue(invitation, kind)


def _count_pending(meeting_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(MeetingMail)
            .join(Invitation, Invitation.id == MeetingMail.invitation_id)
            .where(Invitation.meeting_id == meeting_id)
        )
        or 0
    )


def no_address(invitations: list[Invitation]) -> set[int]:
    """Invited persons without any e-mail address (they get no mail)."""
    return {
        i.id for i in invitations
        if i.person is not None and not (i.person.email or (i.person.user and i.person.user.email))
    }  # fmt: skip


# --- publication (OParl) -------------------------------------------------------------------


def public_meetings() -> Select:
    """The meetings of bodies (a conference of specialist planners without a body is a working
    meeting of the administration, not a session of the council)."""
    return select(Meeting).where(Meeting.body_id.is_not(None))


def public_items() -> Select:
    """The public agenda items of those meetings."""
    return select(AgendaItem).where(
        AgendaItem.public.is_(True),
        AgendaItem.meeting_id.in_(select(public_meetings().subquery().c.id)),
    )


def consultations() -> Select:
    """Public agenda items that discuss a paper (OParl's consultations)."""
    return public_items().where(AgendaItem.paper_id.is_not(None))
