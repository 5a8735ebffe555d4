"""Rules for bodies, memberships, papers and resolutions, and the lists behind the pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import case, func, or_, select

from planner.core.lookup import like_pattern
from planner.core.models import date_range_error
from planner.core.pagination import Page, paginate
from planner.core.transaction import DomainError, flush_or_raise
from planner.extensions import db
from planner.governance.models import (
    Body,
    BodyKind,
    Membership,
    MembershipRole,
    Paper,
    PaperKind,
    Resolution,
    Vote,
)
from planner.stakeholders.models import Person


class GovernanceError(DomainError):
    """A broken rule about bodies, papers or resolutions."""


class NameTaken(GovernanceError):
    pass


class ReferenceTaken(GovernanceError):
    pass


class PeriodError(GovernanceError):
    pass


class VoteError(GovernanceError):
    pass


# --- bodies -------------------------------------------------------------------------------


@dataclass
class BodyData:
    name: str
    kind: BodyKind | str
    short_name: str | None = None
    organisation_id: int | None = None
    description: str | None = None


def _apply_body(body: Body, data: BodyData) -> None:
    name = (data.name or "").strip()
    if not name:
        raise NameTaken(_("Bitte geben Sie einen Namen an."))
    taken = db.session.scalar(
        select(Body.id).where(func.lower(Body.name) == name.lower(), Body.id != (body.id or -1))
    )
    if taken:
        raise NameTaken(_("Es gibt bereits ein Gremium „%(name)s“.", name=name))
    body.name = name
    body.kind = BodyKind(data.kind)
    body.short_name = (data.short_name or "").strip() or None
    body.organisation_id = data.organisation_id
    body.description = (data.description or "").strip() or None


def save_body(body: Body | None, data: BodyData) -> Body:
    body = body or Body()
    _apply_body(body, data)
    db.session.add(body)
    flush_or_raise(NameTaken(_("Es gibt bereits ein Gremium „%(name)s“.", name=body.name)))
    return body


def set_body_archived(body: Body, archived: bool) -> None:
    body.archived = archived
    db.session.flush()


def body_page(text: str | None, archived: bool, page: int, per_page: int = 50) -> Page:
    stmt = select(Body).where(Body.archived.is_(archived))
    if text:
        pattern = like_pattern(text)
        stmt = stmt.where(
            or_(
                func.lower(Body.name).like(pattern, escape="\\"),
                func.lower(Body.short_name).like(pattern, escape="\\"),
            )
        )
    return paginate(stmt.order_by(Body.name, Body.id), page, per_page)


ROLE_ORDER = case(
    {MembershipRole.VORSITZ: 0, MembershipRole.STELLVERTRETUNG: 1, MembershipRole.MITGLIED: 2},
    value=Membership.role,
    else_=3,
)


def members(body: Body, today: date, current: bool, limit: int = 200) -> list[Membership]:
    stmt = select(Membership).where(Membership.body_id == body.id)
    if current:
        stmt = stmt.where(or_(Membership.end_date.is_(None), Membership.end_date >= today))
    else:
        stmt = stmt.where(Membership.end_date < today)
    stmt = (
        stmt.join(Person, Person.id == Membership.person_id)
        .order_by(ROLE_ORDER, Person.name, Membership.id)
        .options(db.joinedload(Membership.person).joinedload(Person.organisation))
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


@dataclass
class MembershipData:
    person_id: int
    role: MembershipRole | str
    start_date: date | None = None
    end_date: date | None = None


def save_membership(membership: Membership, data: MembershipData) -> Membership:
    person = db.session.get(Person, data.person_id)
    if person is None or person.erased:
        raise GovernanceError(_("Bitte wählen Sie eine Person aus."))
    for day in (data.start_date, data.end_date):
        if day and (error := date_range_error(day)):
            raise PeriodError(error)
    if data.start_date and data.end_date and data.end_date < data.start_date:
        raise PeriodError(_("Das Ende der Mitgliedschaft liegt vor ihrem Beginn."))
    stmt = select(Membership.id).where(
        Membership.body_id == membership.body_id,
        Membership.person_id == person.id,
        Membership.id != (membership.id or -1),
    )
    if data.start_date:  # an earlier membership that ended before this one starts is fine
        stmt = stmt.where(
            or_(Membership.end_date.is_(None), Membership.end_date >= data.start_date)
        )
    if data.end_date:
        stmt = stmt.where(
            or_(Membership.start_date.is_(None), Membership.start_date <= data.end_date)
        )
    overlap = db.session.scalar(stmt.limit(1))
    if overlap:
        raise PeriodError(
            _("%(name)s ist in diesem Zeitraum schon Mitglied dieses Gremiums.", name=person.name)
        )
    membership.person_id = person.id
    membership.role = MembershipRole(data.role)
    membership.start_date = data.start_date
    membership.end_date = data.end_date
    db.session.add(membership)
    db.session.flush()
    return membership


def remove_membership(membership: Membership) -> None:
    db.session.delete(membership)
    db.session.flush()


def memberships_of_person(person_id: int, limit: int = 50) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.person_id == person_id)
            .order_by(Membership.start_date.desc(), Membership.id)
            .options(db.joinedload(Membership.body))
            .limit(limit)
        )
    )


def memberships_of_organisation(org_id: int, limit: int = 50) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .join(Person, Person.id == Membership.person_id)
            .where(Person.organisation_id == org_id)
            .order_by(Person.name, Membership.id)
            .options(db.joinedload(Membership.body), db.joinedload(Membership.person))
            .limit(limit)
        )
    )


# --- papers -------------------------------------------------------------------------------


@dataclass
class PaperData:
    reference: str
    title: str
    kind: PaperKind | str
    date: date
    originator_id: int | None = None
    text: str | None = None


def save_paper(paper: Paper | None, data: PaperData) -> Paper:
    paper = paper or Paper()
    reference = (data.reference or "").strip()
    if not reference:
        raise ReferenceTaken(_("Bitte geben Sie die Drucksachennummer an."))
    taken = db.session.scalar(
        select(Paper.id).where(
            func.lower(Paper.reference) == reference.lower(), Paper.id != (paper.id or -1)
        )
    )
    if taken:
        raise ReferenceTaken(_("Die Drucksachennummer %(ref)s ist schon vergeben.", ref=reference))
    if error := date_range_error(data.date):
        raise GovernanceError(error)
    paper.reference = reference
    paper.title = (data.title or "").strip()
    if not paper.title:
        raise GovernanceError(_("Bitte geben Sie einen Betreff an."))
    paper.kind = PaperKind(data.kind)
    paper.date = data.date
    paper.originator_id = data.originator_id
    paper.text = (data.text or "").strip() or None
    db.session.add(paper)
    flush_or_raise(
        ReferenceTaken(_("Die Drucksachennummer %(ref)s ist schon vergeben.", ref=reference))
    )
    return paper


def paper_page(text: str | None, kind: str | None, page: int, per_page: int = 50) -> Page:
    stmt = select(Paper)
    if kind:
        stmt = stmt.where(Paper.kind == PaperKind(kind))
    if text:
        pattern = like_pattern(text)
        stmt = stmt.where(
            or_(
                func.lower(Paper.reference).like(pattern, escape="\\"),
                func.lower(Paper.title).like(pattern, escape="\\"),
            )
        )
    stmt = stmt.order_by(Paper.date.desc(), Paper.id.desc()).options(
        db.joinedload(Paper.originator)
    )
    return paginate(stmt, page, per_page)


# --- resolutions --------------------------------------------------------------------------


@dataclass
class ResolutionData:
    body_id: int
    date: date
    title: str
    text: str | None = None
    vote: Vote | str | None = None
    votes_yes: int | None = None
    votes_no: int | None = None
    votes_abstain: int | None = None
    paper_id: int | None = None


MAX_VOTES = 100_000
# Other domains count what a resolution mandated (the process: its steps); a resolution with
# mandates cannot become a rejected one.
MANDATE_COUNTERS: list = []


def _adopted(vote: Vote | None, yes: int | None, no: int | None) -> bool:
    if vote == Vote.ABGELEHNT:
        return False
    if vote == Vote.AUSGEZAEHLT:
        return (yes or 0) > (no or 0)
    return True


def save_resolution(resolution: Resolution | None, data: ResolutionData) -> Resolution:
    resolution = resolution or Resolution()
    body = db.session.get(Body, data.body_id) if data.body_id else None
    if body is None:
        raise GovernanceError(_("Bitte wählen Sie das Gremium aus."))
    if error := date_range_error(data.date):
        raise GovernanceError(error)
    title = (data.title or "").strip()
    if not title:
        raise GovernanceError(_("Bitte geben Sie einen Betreff an."))
    vote = Vote(data.vote) if data.vote else None
    counts = (data.votes_yes, data.votes_no, data.votes_abstain)
    if vote == Vote.AUSGEZAEHLT:
        if data.votes_yes is None or data.votes_no is None:
            raise VoteError(_("Bitte geben Sie mindestens die Ja- und Nein-Stimmen an."))
        if any(c is not None and not 0 <= c <= MAX_VOTES for c in counts):
            raise VoteError(_("Stimmenzahlen liegen zwischen 0 und 100.000."))
    elif any(c is not None for c in counts):
        raise VoteError(
            _(
                "Stimmenzahlen gehören zur Abstimmungsart „nach Stimmen“. Bitte wählen Sie sie "
                "oder lassen Sie die Zahlen leer."
            )  # fmt: skip
        )
    if resolution.id and not _adopted(vote, data.votes_yes, data.votes_no):
        mandates = sum(count(resolution.id) for count in MANDATE_COUNTERS)
        if mandates:
            raise VoteError(
                ngettext(
                    "Dieser Beschluss hat schon %(num)s Auftrag im Prozessplan; ein abgelehnter "
                    "Beschluss erteilt keine. Entfernen Sie zuerst den Auftrag.",
                    "Dieser Beschluss hat schon %(num)s Aufträge im Prozessplan; ein abgelehnter "
                    "Beschluss erteilt keine. Entfernen Sie zuerst die Aufträge.",
                    mandates,
                )
            )
    resolution.body_id = body.id
    resolution.date = data.date
    resolution.title = title
    resolution.text = (data.text or "").strip() or None
    resolution.vote = vote
    resolution.votes_yes, resolution.votes_no, resolution.votes_abstain = (
        counts if vote == Vote.AUSGEZAEHLT else (None, None, None)
    )
    resolution.paper_id = data.paper_id
    db.session.add(resolution)
    db.session.flush()
    return resolution


def resolution_page(text: str | None, body: str | None, page: int, per_page: int = 50) -> Page:
    stmt = select(Resolution)
    if text:
        pattern = like_pattern(text)
        stmt = stmt.where(func.lower(Resolution.title).like(pattern, escape="\\"))
    if body:
        pattern = like_pattern(body)
        stmt = stmt.where(
            Resolution.body_id.in_(
                select(Body.id).where(
                    or_(
                        func.lower(Body.name).like(pattern, escape="\\"),
                        func.lower(Body.short_name).like(pattern, escape="\\"),
                    )
                )
            )
        )
    stmt = stmt.order_by(Resolution.date.desc(), Resolution.id.desc()).options(
        db.joinedload(Resolution.body), db.joinedload(Resolution.paper)
    )
    return paginate(stmt, page, per_page)


def resolutions_of_body(body_id: int, limit: int = 20) -> list[Resolution]:
    return list(
        db.session.scalars(
            select(Resolution)
            .where(Resolution.body_id == body_id)
            .order_by(Resolution.date.desc(), Resolution.id.desc())
            .options(db.joinedload(Resolution.paper))
            .limit(limit)
        )
    )


def resolutions_of_paper(paper_id: int) -> list[Resolution]:
    return list(
        db.session.scalars(
            select(Resolution)
            .where(Resolution.paper_id == paper_id)
            .order_by(Resolution.date, Resolution.id)
            .options(db.joinedload(Resolution.body))
            .limit(50)
        )
    )


def get_body(body_id: int | None) -> Body | None:
    return db.session.get(Body, body_id) if body_id else None


def get_resolution(resolution_id: int | None) -> Resolution | None:
    return db.session.get(Resolution, resolution_id) if resolution_id else None


# --- publication (OParl) -------------------------------------------------------------------


def public_memberships():
    """Memberships in bodies of the persons who may be published."""
    from planner.stakeholders.services import publishable_persons

    return select(Membership).where(
        Membership.person_id.in_(select(publishable_persons().subquery().c.id))
    )
