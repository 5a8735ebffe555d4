"""Rules for organisations and persons: who sees what, unique names, archiving instead of
deleting what others refer to, and the lists behind the pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from planner.accounts.lookups import organisation_matches
from planner.accounts.models import Organisation, OrganisationKind, User
from planner.core.lookup import like_pattern
from planner.core.models import date_range_error
from planner.core.pagination import Page, paginate
from planner.core.permissions import Permission, Role, role_can
from planner.core.transaction import DomainError, flush_or_raise
from planner.extensions import db
from planner.stakeholders import privacy
from planner.stakeholders.models import LegalBasis, Person


class StakeholderError(DomainError):
    """A broken rule about organisations or persons."""


class NameTaken(StakeholderError):
    """The name is already used (shown at the name field)."""


class ParentError(StakeholderError):
    """The parent organisation is not possible (shown at its field)."""


class ConsentError(StakeholderError):
    """Consent without its date (shown at the date field)."""


# --- who sees what ------------------------------------------------------------------------


def sees_all_organisations(user) -> bool:
    return role_can(user.role, Permission.DOMAIN_READ) and Role(user.role) != Role.SUPPLIER


def can_see_organisation(user, org_id: int) -> bool:
    if sees_all_organisations(user):
        return True
    return role_can(user.role, Permission.DOMAIN_READ) and user.organisation_id == org_id


def visible_organisation(user, org_id: int) -> Organisation | None:
    if not can_see_organisation(user, org_id):
        return None
    return db.session.get(Organisation, org_id)


# --- organisations --------------------------------------------------------------------------


@dataclass
class OrganisationFilter:
    kind: str | None = None
    text: str | None = None
    archived: bool = False


def organisation_page(user, filters: OrganisationFilter, page: int = 1, per_page: int = 50) -> Page:
    stmt = select(Organisation).where(Organisation.archived.is_(filters.archived))
    if not sees_all_organisations(user):
        stmt = stmt.where(Organisation.id == (user.organisation_id or -1))
    if filters.kind:
        stmt = stmt.where(Organisation.kind == OrganisationKind(filters.kind))
    if filters.text:
        stmt = stmt.where(organisation_matches(filters.text))
    stmt = stmt.order_by(Organisation.name, Organisation.id).options(
        db.joinedload(Organisation.parent)
    )
    return paginate(stmt, page, per_page)


@dataclass
class OrganisationData:
    name: str
    kind: OrganisationKind | str
    short_name: str | None = None
    address: str | None = None
    website: str | None = None
    notes: str | None = None
    parent_id: int | None = None


def _apply_organisation(org: Organisation, data: OrganisationData) -> None:
    name = (data.name or "").strip()
    if not name:
        raise NameTaken(_("Bitte geben Sie einen Namen an."))
    taken = db.session.scalar(
        select(Organisation.id).where(
            func.lower(Organisation.name) == name.lower(), Organisation.id != (org.id or -1)
        )
    )
    if taken:
        raise NameTaken(_("Es gibt bereits eine Organisation „%(name)s“.", name=name))
    if data.parent_id is not None:
        if org.id is not None and _is_below(data.parent_id, org.id):
            raise ParentError(
                _(
                    "Eine Organisation kann nicht sich selbst oder einer ihrer Untergliederungen "
                    "untergeordnet werden."
                )  # fmt: skip
            )
    org.name = name
    org.kind = OrganisationKind(data.kind)
    org.short_name = (data.short_name or "").strip() or None
    org.address = (data.address or "").strip() or None
    org.website = (data.website or "").strip() or None
    org.notes = (data.notes or "").strip() or None
    org.parent_id = data.parent_id


def _is_below(candidate_id: int, org_id: int) -> bool:
    """True when ``candidate_id`` is ``org_id`` or lies below it (walks up, at most 50 steps)."""
    current: int | None = candidate_id
    for _step in range(50):
        if current is None:
            return False
        if current == org_id:
            return True
        current = db.session.scalar(
            select(Organisation.parent_id).where(Organisation.id == current)
        )
    return True


def create_organisation(data: OrganisationData) -> Organisation:
    org = Organisation()
    _apply_organisation(org, data)
    db.session.add(org)
    flush_or_raise(NameTaken(_("Es gibt bereits eine Organisation „%(name)s“.", name=org.name)))
    return org


def update_organisation(org: Organisation, data: OrganisationData) -> Organisation:
    _apply_organisation(org, data)
    flush_or_raise(NameTaken(_("Es gibt bereits eine Organisation „%(name)s“.", name=org.name)))
    return org


def set_organisation_archived(org: Organisation, archived: bool) -> None:
    org.archived = archived
    db.session.flush()


# Other domains add what refers to an organisation or a person (label, count query):
# deleting is refused while any of them counts more than zero.
ORGANISATION_REFERENCES: list[tuple[str, Callable[[int], int]]] = []
PERSON_REFERENCES: list[tuple[str, Callable[[int], int]]] = []


def count_references(stmt) -> int:
    """How many rows ``stmt`` selects, counted up to 1,000 (enough to refuse a deletion)."""
    return db.session.scalar(select(func.count()).select_from(stmt.limit(1000).subquery())) or 0


ORGANISATION_REFERENCES += [
    ("Benutzerkonten", lambda oid: count_references(select(User.id).where(User.organisation_id == oid))),
    ("Personen", lambda oid: count_references(select(Person.id).where(Person.organisation_id == oid))),
    ("Untergliederungen", lambda oid: count_references(select(Organisation.id).where(Organisation.parent_id == oid))),
]  # fmt: skip


def _references(checks, object_id: int) -> list[str]:
    return [f"{label} ({n})" for label, count in checks if (n := count(object_id))]


def delete_organisation(org: Organisation) -> None:
    refs = _references(ORGANISATION_REFERENCES, org.id)
    if refs:
        raise StakeholderError(
            _(
                "„%(name)s“ kann nicht gelöscht werden, weil noch darauf verwiesen wird: "
                "%(refs)s. Archivieren Sie die Organisation stattdessen; sie bleibt dann in der "
                "Geschichte sichtbar, erscheint aber nicht mehr in Listen und Vorschlägen.",
                name=org.name,
                refs=", ".join(refs),
            )
        )
    db.session.delete(org)
    db.session.flush()


# --- persons --------------------------------------------------------------------------------


@dataclass
class PersonFilter:
    text: str | None = None
    organisation: str | None = None
    archived: bool = False


def person_page(filters: PersonFilter, page: int = 1, per_page: int = 50) -> Page:
    stmt = select(Person).where(Person.archived.is_(filters.archived))
    if filters.text:
        pattern = like_pattern(filters.text)
        stmt = stmt.where(
            or_(
                func.lower(Person.name).like(pattern, escape="\\"),
                func.lower(Person.function).like(pattern, escape="\\"),
            )
        )
    if filters.organisation:
        stmt = stmt.where(
            Person.organisation_id.in_(
                select(Organisation.id).where(organisation_matches(filters.organisation))
            )
        )
    stmt = stmt.order_by(Person.name, Person.id).options(db.joinedload(Person.organisation))
    return paginate(stmt, page, per_page)


@dataclass
class PersonData:
    name: str
    legal_basis: LegalBasis | str
    function: str | None = None
    organisation_id: int | None = None
    email: str | None = None
    phone: str | None = None
    user_id: int | None = None
    consent_date: date | None = None


class AccountLinkError(StakeholderError):
    """The account is linked to another person already."""


def _apply_person(person: Person, data: PersonData) -> None:
    if person.erased:
        raise StakeholderError(_("Die Daten dieser Person wurden gelöscht; sie kann nicht mehr "
                                 "bearbeitet werden."))  # fmt: skip
    name = (data.name or "").strip()
    if not name:
        raise StakeholderError(_("Bitte geben Sie einen Namen an."))
    basis = LegalBasis(data.legal_basis)
    if basis == LegalBasis.EINWILLIGUNG and data.consent_date is None:
        raise ConsentError(_("Bei einer Einwilligung geben Sie bitte an, wann sie erteilt wurde."))
    if data.consent_date and (error := date_range_error(data.consent_date)):
        raise ConsentError(error)
    if data.user_id is not None:
        other = db.session.scalar(
            select(Person).where(Person.user_id == data.user_id, Person.id != (person.id or -1))
        )
        if other is not None:
            raise AccountLinkError(
                _("Dieses Benutzerkonto gehört schon zur Person „%(name)s“.", name=other.name)
            )
    person.name = name
    person.legal_basis = basis
    person.function = (data.function or "").strip() or None
    person.organisation_id = data.organisation_id
    person.email = (data.email or "").strip().lower() or None
    person.phone = (data.phone or "").strip() or None
    person.user_id = data.user_id
    person.consent_date = data.consent_date if basis == LegalBasis.EINWILLIGUNG else None


def create_person(data: PersonData) -> Person:
    person = Person()
    _apply_person(person, data)
    db.session.add(person)
    flush_or_raise(AccountLinkError(_("Dieses Benutzerkonto gehört schon zu einer Person.")))
    return person


def update_person(person: Person, data: PersonData) -> Person:
    _apply_person(person, data)
    flush_or_raise(AccountLinkError(_("Dieses Benutzerkonto gehört schon zu einer Person.")))
    return person


def set_person_archived(person: Person, archived: bool) -> None:
    person.archived = archived
    db.session.flush()


def delete_person(person: Person) -> None:
    refs = _references(PERSON_REFERENCES, person.id)
    if refs:
        raise StakeholderError(
            _(
                "„%(name)s“ kann nicht gelöscht werden, weil noch darauf verwiesen wird: "
                "%(refs)s. Archivieren Sie die Person stattdessen, oder löschen Sie ihre "
                "personenbezogenen Daten (Art. 17 DSGVO): dann bleibt die Geschichte als "
                "„gelöschte Person“ lesbar.",
                name=person.name,
                refs=", ".join(refs),
            )
        )
    person_id, traces = person.id, privacy.traces_of(person)
    db.session.delete(person)
    db.session.flush()
    # deleting is erasing: no personal value of the person stays in the log either
    privacy.forget_in_log(person_id, traces)


def person_for_user(user_id: int) -> Person | None:
    return db.session.scalar(select(Person).where(Person.user_id == user_id))


def persons_of_organisation(org_id: int, limit: int = 50) -> list[Person]:
    return list(
        db.session.scalars(
            select(Person)
            .where(Person.organisation_id == org_id, Person.archived.is_(False))
            .order_by(Person.name, Person.id)
            .limit(limit)
        )
    )


def accounts_of_organisation(org_id: int, limit: int = 50) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.organisation_id == org_id)
            .order_by(User.name, User.id)
            .limit(limit)
        )
    )


def children_of(org_id: int, limit: int = 50) -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.parent_id == org_id)
            .order_by(Organisation.name)
            .limit(limit)
        )
    )


# --- publication (OParl) -------------------------------------------------------------------


def publishable_persons():
    """Persons whose name may be published: they hold a public office or mandate (the legal
    basis „Amt“); consent to be contacted or the authority's task is no basis for
    publication, and an erased person is gone."""
    return select(Person).where(Person.legal_basis == LegalBasis.AMT, Person.erased_at.is_(None))
