"""The rules of the social report: who reads an edition in which state, editing only in the
draft, the way through agreement (the data are frozen, participants comment per section, the
planners answer and resolve) to the decision of a body and the publication; the changes of
cited values since the freeze; two editions compared."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from planner.accounts.models import User
from planner.core.models import date_range_error, utcnow
from planner.core.pagination import Page, paginate
from planner.core.permissions import Permission, role_can
from planner.core.transaction import DomainError, flush_or_raise
from planner.deadlines import services as deadlines
from planner.deadlines.models import DeadlineKind
from planner.extensions import db
from planner.governance import services as governance
from planner.monitoring import values
from planner.process import services as process
from planner.reports import render
from planner.reports.models import (
    EditionState,
    ReportBlock,
    ReportCitation,
    ReportComment,
    ReportEdition,
    ReportSection,
)

OWNER = "report_edition"
MAX_SECTIONS = 200
MAX_COMMENT = 5000


class ReportError(DomainError):
    pass


class Frozen(ReportError):
    """An edit of an edition whose data are frozen."""


class TitleTaken(ReportError):
    pass


class StateError(ReportError):
    pass


class DateError(ReportError):
    pass


class BlockErrors(ReportError):
    pass


# --- who reads what ----------------------------------------------------------------------


def edits(user) -> bool:
    return role_can(getattr(user, "role", None), Permission.DOMAIN_EDIT)


def comments(user) -> bool:
    return role_can(getattr(user, "role", None), Permission.REPORTS_COMMENT)


def readable_states(user) -> list[EditionState]:
    """Drafts for the planners, the agreement and the decided text for those who comment,
    the published edition for every reader."""
    if edits(user):
        return list(EditionState)
    if comments(user):
        return [EditionState.ABSTIMMUNG, EditionState.BESCHLOSSEN, EditionState.VEROEFFENTLICHT]
    if role_can(getattr(user, "role", None), Permission.REPORTS_VIEW):
        return [EditionState.VEROEFFENTLICHT]
    return []


def may_read(user, edition: ReportEdition) -> bool:
    return edition.state in readable_states(user)


def may_comment(user, edition: ReportEdition) -> bool:
    return comments(user) and edition.state is EditionState.ABSTIMMUNG


def edition_page(user, page: int = 1) -> Page:
    stmt = (
        select(ReportEdition)
        .where(ReportEdition.state.in_(readable_states(user)))
        .order_by(ReportEdition.year.desc(), ReportEdition.id.desc())
    )
    return paginate(stmt, page, per_page=50)


def readable_editions(user, limit: int = 100) -> list[ReportEdition]:
    return list(edition_page(user, 1).items[:limit])


# --- editing the draft -------------------------------------------------------------------


@dataclass
class EditionData:
    title: str
    year: int
    summary: str | None = None


def _check_draft(edition: ReportEdition) -> None:
    if edition.state.frozen:
        raise Frozen(
            _("„%(t)s“ ist %(s)s: Text und Daten sind eingefroren. Um etwas zu ändern, holen Sie "
              "die Ausgabe in den Entwurf zurück.", t=edition.title, s=edition.state.label)
        )  # fmt: skip


def save_edition(edition: ReportEdition | None, data: EditionData, user) -> ReportEdition:
    if edition is not None:
        _check_draft(edition)
    title = " ".join(data.title.split())
    message = _("Eine Ausgabe „%(t)s“ gibt es schon.", t=title)
    taken = db.session.scalar(
        select(ReportEdition.id).where(ReportEdition.title == title,
                                       ReportEdition.id != (edition.id if edition else -1))
    )  # fmt: skip
    if taken:
        raise TitleTaken(message)
    if edition is None:
        edition = ReportEdition(created_by_id=getattr(user, "id", None))
        db.session.add(edition)
    edition.title, edition.year, edition.summary = title, data.year, data.summary or None
    flush_or_raise(TitleTaken(message))
    return edition


def delete_edition(edition: ReportEdition) -> None:
    if edition.state is not EditionState.ENTWURF:
        raise StateError(_("Nur ein Entwurf kann gelöscht werden."))
    deadlines.unregister(OWNER, edition.id)
    db.session.delete(edition)
    db.session.flush()


def sections_of(edition_id: int) -> list[ReportSection]:
    return list(db.session.scalars(
        select(ReportSection).where(ReportSection.edition_id == edition_id)
        .order_by(ReportSection.position, ReportSection.id).limit(MAX_SECTIONS)
    ))  # fmt: skip


def save_section(
    edition: ReportEdition, section: ReportSection | None, title: str, body: str
) -> ReportSection:
    _check_draft(edition)
    if section is None:
        count, last = db.session.execute(
            select(func.count(), func.max(ReportSection.position))
            .where(ReportSection.edition_id == edition.id)
        ).one()  # fmt: skip
        if count >= MAX_SECTIONS:
            raise ReportError(_("Eine Ausgabe hat höchstens %(n)d Abschnitte.", n=MAX_SECTIONS))
        section = ReportSection(edition_id=edition.id, position=(last or 0) + 1)
        db.session.add(section)
    section.title = " ".join(title.split())
    section.body = body.replace("\r\n", "\n")
    edition.updated_at = utcnow()
    db.session.flush()
    return section


def move_section(edition: ReportEdition, section: ReportSection, step: int) -> None:
    _check_draft(edition)
    ordered = sections_of(edition.id)
    at = next(i for i, s in enumerate(ordered) if s.id == section.id)
    other = at + step
    if not 0 <= other < len(ordered):
        return
    ordered[at], ordered[other] = ordered[other], ordered[at]
    for position, s in enumerate(ordered, start=1):
        s.position = position
    db.session.flush()


def delete_section(edition: ReportEdition, section: ReportSection) -> None:
    _check_draft(edition)
    db.session.delete(section)
    db.session.flush()


def document(
    edition: ReportEdition,
    sections: list[ReportSection] | None = None,
    prefix: str = "",
    only: int | None = None,
) -> render.Document:
    """The edition rendered: from its snapshot once frozen, live in the draft (``only``: just
    that section, numbered as in the whole edition)."""
    sections = sections if sections is not None else sections_of(edition.id)
    frozen = None
    if edition.state.frozen:
        frozen = {(b.section_id, b.tag): b.data for b in db.session.scalars(
            select(ReportBlock).where(ReportBlock.edition_id == edition.id))}  # fmt: skip
    return render.render_sections([(s.id, s.title, s.body) for s in sections], frozen, prefix, only)


# --- the way through agreement -----------------------------------------------------------


def _freeze(edition: ReportEdition, sections: list[ReportSection]) -> None:
    doc = render.render_sections([(s.id, s.title, s.body) for s in sections])
    if doc.problems:
        first = doc.problems[0]
        raise BlockErrors(
            _("%(n)d Baustein(e) sind fehlerhaft, z. B. in Abschnitt %(s)s: %(m)s",
              n=len(doc.problems), s=first.section, m=first.message)
        )  # fmt: skip
    block_rows, citation_rows = [], {}
    for (section_id, key), collected in doc.collected.items():
        block_rows.append({"edition_id": edition.id, "section_id": section_id, "tag": key,
                           "data": collected.data})  # fmt: skip
        for indicator_id, area_id, period, raw in collected.citations:
            value, numerator, denominator, withheld, state, _derived = raw or (
                None, None, None, False, None, False)  # fmt: skip
            citation_rows[(section_id, indicator_id, area_id, period)] = {
                "edition_id": edition.id, "section_id": section_id, "indicator_id": indicator_id,
                "area_id": area_id, "period": period, "value": value, "numerator": numerator,
                "denominator": denominator, "withheld": withheld, "state": state,
            }  # fmt: skip
    if block_rows:
        db.session.execute(ReportBlock.__table__.insert(), block_rows)
    rows = list(citation_rows.values())
    for start in range(0, len(rows), 2000):
        db.session.execute(ReportCitation.__table__.insert(), rows[start : start + 2000])
    edition.frozen_at = utcnow()


def _thaw(edition: ReportEdition) -> None:
    db.session.execute(ReportBlock.__table__.delete().where(ReportBlock.edition_id == edition.id))
    db.session.execute(
        ReportCitation.__table__.delete().where(ReportCitation.edition_id == edition.id)
    )
    edition.frozen_at = None


def _lock(edition: ReportEdition, expected: EditionState) -> None:
    """Move the state only from ``expected``: a second request racing the same transition finds
    the row changed and is refused (no second snapshot)."""
    done = db.session.execute(
        update(ReportEdition)
        .where(ReportEdition.id == edition.id, ReportEdition.state == expected)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        raise StateError(_("Der Stand der Ausgabe hat sich inzwischen geändert. Bitte laden Sie "
                           "die Seite neu."))  # fmt: skip


def _register(edition: ReportEdition, user) -> None:
    deadlines.register(
        OWNER, edition.id, slot="abstimmung",
        title=_("Stellungnahmen zum %(t)s", t=edition.title), kind=DeadlineKind.BERICHT,
        due_date=edition.agreement_due, responsible_users=[user] if isinstance(user, User) else None,
        notes=_("Abstimmung des Sozialberichts mit den Kommunen und Beteiligten."),
    )  # fmt: skip


def _move_step(step_id: int | None, status: str, user) -> None:
    """The process step of the agreement follows the edition: begun when it goes to agreement,
    done with the decision; left as it is while a step before it is still open (the process
    plan shows why) or when it is already further."""
    step = process.get_step(step_id)
    if step is None or step.status.closed or step.status.value == status:
        return
    if process.open_predecessors(step):
        return
    process.set_status(step, status, user if isinstance(user, User) else None)


def send_to_agreement(
    edition: ReportEdition, due: date, step_id: int | None, user, today: date
) -> None:
    if edition.state is not EditionState.ENTWURF:
        raise StateError(_("Nur ein Entwurf geht in die Abstimmung."))
    message = date_range_error(due)
    if message:
        raise DateError(message)
    if due < today:
        raise DateError(_("Die Frist für Stellungnahmen liegt in der Vergangenheit."))
    sections = sections_of(edition.id)
    if not sections:
        raise StateError(_("Die Ausgabe hat noch keinen Abschnitt."))
    _lock(edition, EditionState.ENTWURF)
    _freeze(edition, sections)
    edition.state = EditionState.ABSTIMMUNG
    edition.agreement_due = due
    edition.agreement_step_id = step_id
    _register(edition, user)
    _move_step(step_id, "in_arbeit", user)
    db.session.flush()


def back_to_draft(edition: ReportEdition) -> None:
    if edition.state is not EditionState.ABSTIMMUNG:
        raise StateError(_("Nur eine Ausgabe in Abstimmung kann zurück in den Entwurf."))
    _lock(edition, EditionState.ABSTIMMUNG)
    _thaw(edition)
    edition.state = EditionState.ENTWURF
    deadlines.unregister(OWNER, edition.id, "abstimmung")
    db.session.flush()


def open_comment_count(edition_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(ReportComment)
        .where(ReportComment.edition_id == edition_id, ReportComment.resolved_at.is_(None))
    ) or 0  # fmt: skip


def decide(edition: ReportEdition, resolution_id: int, user) -> None:
    if edition.state is not EditionState.ABSTIMMUNG:
        raise StateError(_("Beschlossen werden kann nur eine Ausgabe in Abstimmung."))
    if governance.get_resolution(resolution_id) is None:
        raise StateError(_("Diesen Beschluss gibt es nicht."))
    still_open = open_comment_count(edition.id)
    if still_open:
        raise StateError(_("Noch %(n)d Stellungnahme(n) sind offen: bitte erst beantworten und "
                           "erledigen.", n=still_open))  # fmt: skip
    _lock(edition, EditionState.ABSTIMMUNG)
    edition.state = EditionState.BESCHLOSSEN
    edition.resolution_id = resolution_id
    _move_step(edition.agreement_step_id, "erledigt", user)
    deadline = deadlines.states_of(OWNER, [edition.id]).get(edition.id)
    if deadline is not None and deadline.state.value == "offen":
        deadlines.mark_done(deadline, user if isinstance(user, User) else None)
    db.session.flush()


def publish(edition: ReportEdition, on: date) -> None:
    if edition.state is not EditionState.BESCHLOSSEN:
        raise StateError(_("Veröffentlicht wird eine beschlossene Ausgabe."))
    message = date_range_error(on)
    if message:
        raise DateError(message)
    _lock(edition, EditionState.BESCHLOSSEN)
    edition.state = EditionState.VEROEFFENTLICHT
    edition.published_on = on
    db.session.flush()


# --- comments ----------------------------------------------------------------------------


def add_comment(edition: ReportEdition, section: ReportSection, text: str, user) -> ReportComment:
    if not may_comment(user, edition):
        raise StateError(_("Stellungnahmen sind nur während der Abstimmung möglich."))
    text = text.strip()
    if not text:
        raise ReportError(_("Bitte schreiben Sie Ihre Stellungnahme."))
    comment = ReportComment(
        edition_id=edition.id, section_id=section.id, author_id=user.id,
        body=text[:MAX_COMMENT],
    )  # fmt: skip
    db.session.add(comment)
    db.session.flush()
    return comment


def answer_comment(
    edition: ReportEdition, comment: ReportComment, answer: str | None, resolve: bool, user
) -> ReportComment:
    if edition.state is not EditionState.ABSTIMMUNG:
        raise StateError(_("Stellungnahmen werden während der Abstimmung beantwortet."))
    answer = (answer or "").strip()
    if not answer and not resolve:
        raise ReportError(_("Bitte schreiben Sie eine Antwort oder markieren Sie die "
                            "Stellungnahme als erledigt."))  # fmt: skip
    if answer:
        comment.answer = answer[:MAX_COMMENT]
        comment.answered_by_id = user.id
        comment.answered_at = utcnow()
    if resolve:
        comment.resolved_at = comment.resolved_at or utcnow()
    db.session.flush()
    return comment


def comments_of(edition_id: int, section_id: int | None = None, limit: int = 200):
    from sqlalchemy.orm import joinedload

    stmt = (
        select(ReportComment)
        .where(ReportComment.edition_id == edition_id)
        .options(
            joinedload(ReportComment.author).joinedload(User.organisation),
            joinedload(ReportComment.answered_by),
        )
    )
    if section_id is not None:
        stmt = stmt.where(ReportComment.section_id == section_id)
    return list(db.session.scalars(stmt.order_by(ReportComment.created_at, ReportComment.id)
                                    .limit(limit)))  # fmt: skip


def comment_counts(edition_id: int) -> dict[int, tuple[int, int]]:
    """section id -> (comments, open ones)."""
    rows = db.session.execute(
        select(ReportComment.section_id, func.count(),
               func.count().filter(ReportComment.resolved_at.is_(None)))
        .where(ReportComment.edition_id == edition_id).group_by(ReportComment.section_id)
    )  # fmt: skip
    return {sid: (n, still_open) for sid, n, still_open in rows}


# --- changes since the freeze ------------------------------------------------------------


@dataclass
class Change:
    section: str
    section_id: int
    indicator: str
    area: str
    period: str
    old: values.Shown
    new: values.Shown


def changes_since_freeze(edition: ReportEdition, limit: int = 200) -> tuple[list[Change], bool]:
    """Cited values corrected (or deleted) in the monitoring since the freeze: old value, new
    value, where. One query over the citations' index."""
    if not edition.state.frozen:
        return [], False
    c = ReportCitation
    cited = (
        select(c.indicator_id, c.area_id, c.period, c.value, c.numerator, c.denominator,
               c.withheld, c.state, c.section_id, ReportSection.title.label("section_title"),
               ReportSection.position.label("section_position"))
        .join(ReportSection, ReportSection.id == c.section_id)
        .where(c.edition_id == edition.id)
        .subquery()
    )  # fmt: skip
    found, more = values.corrections(cited, [cited.c.section_position, cited.c.section_id], limit)
    return [Change(f.cited.section_title, f.cited.section_id, f.indicator.code, f.area_name,
                   f.cited.period, f.old, f.new) for f in found], more  # fmt: skip


# --- two editions compared ---------------------------------------------------------------


@dataclass
class ComparedRow:
    area: str
    a: list[tuple[str, values.Shown]]  # (period, value) cited by edition A
    b: list[tuple[str, values.Shown]]


@dataclass
class Compared:
    indicator: object
    rows: list[ComparedRow]


def _citations(edition: ReportEdition) -> dict[tuple[int, int], dict[str, object]]:
    """(indicator id, area id) -> {period: raw row} of the values an edition cites: stored once
    frozen, collected now for a draft."""
    out: dict[tuple[int, int], dict[str, object]] = {}
    if edition.state.frozen:
        for cit in db.session.scalars(
            select(ReportCitation).where(ReportCitation.edition_id == edition.id).limit(50_000)
        ):
            out.setdefault((cit.indicator_id, cit.area_id), {})[cit.period] = cit
        return out
    doc = document(edition)
    for collected in doc.collected.values():
        for indicator_id, area_id, period, raw in collected.citations:
            row = values.RawValue(*raw) if raw else None
            out.setdefault((indicator_id, area_id), {})[period] = row
    return out


def _cells(found: dict[str, object], indicator) -> list[tuple[str, values.Shown]]:
    return [(p, values.show(r, indicator, None)) for p, r in sorted(found.items())]


def compare(
    a: ReportEdition, b: ReportEdition, indicator_ids: list[int] | None, limit: int = 300
) -> list[Compared]:
    """For each indicator (default: those both editions cite), the areas either cites with
    the values each edition cites."""
    ca, cb = _citations(a), _citations(b)
    in_a = {i for i, _a in ca}
    in_b = {i for i, _a in cb}
    wanted = indicator_ids if indicator_ids else sorted(in_a & in_b)
    indicators = values.indicators_by_ids(wanted)
    area_ids = {area for i, area in (*ca, *cb) if i in indicators}
    areas = values.areas_by_ids(area_ids)
    out = []
    for iid in wanted:
        ind = indicators.get(iid)
        if ind is None:
            continue
        keys = sorted({area for i, area in (*ca, *cb) if i == iid},
                      key=lambda aid: (areas[aid].depth, areas[aid].name))  # fmt: skip
        rows = []
        for aid in keys[:limit]:
            rows.append(ComparedRow(areas[aid].name, _cells(ca.get((iid, aid), {}), ind),
                                    _cells(cb.get((iid, aid), {}), ind)))  # fmt: skip
        out.append(Compared(ind, rows))
    return out


def comments_by(user_id: int, limit: int = 10_000) -> list[ReportComment]:
    return list(db.session.scalars(select(ReportComment).where(
        (ReportComment.author_id == user_id) | (ReportComment.answered_by_id == user_id))
        .order_by(ReportComment.id).limit(limit)))  # fmt: skip


# --- for other domains -------------------------------------------------------------------


def _editions_by(column, value: int) -> list[ReportEdition]:
    return list(db.session.scalars(
        select(ReportEdition).where(column == value).order_by(ReportEdition.year.desc()).limit(20)
    ))  # fmt: skip


def editions_of_step(step_id: int) -> list[ReportEdition]:
    return _editions_by(ReportEdition.agreement_step_id, step_id)


def editions_of_resolution(resolution_id: int) -> list[ReportEdition]:
    return _editions_by(ReportEdition.resolution_id, resolution_id)
