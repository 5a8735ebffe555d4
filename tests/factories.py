"""factory_boy factories; objects are committed so that requests (own sessions) see them."""

from __future__ import annotations

from datetime import date, timedelta

import factory
from factory.alchemy import SQLAlchemyModelFactory
from werkzeug.security import generate_password_hash

from planner.accounts.models import Organisation, OrganisationKind, User
from planner.core.permissions import Role
from planner.deadlines.models import Deadline, DeadlineKind, DeadlineState
from planner.extensions import db

PASSWORD = "richtig-geheim-123"
# a cheap hash keeps the suite fast; production uses werkzeug's default (scrypt)
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class OrganisationFactory(BaseFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Gemeinde Beispiel {n}")
    short_name = factory.Sequence(lambda n: f"Bsp{n}")
    kind = OrganisationKind.KOMMUNE


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Sequence(lambda n: f"Person {n}")
    role = Role.PLANNER
    active = True
    password_hash = _PASSWORD_HASH
    organisation = factory.SubFactory(OrganisationFactory)


class DeadlineFactory(BaseFactory):
    class Meta:
        model = Deadline

    title = factory.Sequence(lambda n: f"Frist {n}")
    kind = DeadlineKind.LIEFERUNG
    due_date = factory.LazyFunction(lambda: date.today() + timedelta(days=7))
    state = DeadlineState.OFFEN
    sequence = 0
    visible_to_all = True


# --- stakeholders, governance, process (issue 7) ------------------------------------------

from planner.governance.models import (  # noqa: E402
    Body,
    BodyKind,
    Membership,
    MembershipRole,
    Paper,
    PaperKind,
    Resolution,
    Vote,
)
from planner.stakeholders.models import LegalBasis, Person  # noqa: E402


class PersonFactory(BaseFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Ansprechperson {n}")
    function = "Sachgebietsleitung"
    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"kontakt{n}@example.org")
    legal_basis = LegalBasis.AUFGABE


class BodyFactory(BaseFactory):
    class Meta:
        model = Body

    name = factory.Sequence(lambda n: f"Ausschuss {n}")
    kind = BodyKind.AUSSCHUSS


class MembershipFactory(BaseFactory):
    class Meta:
        model = Membership

    body = factory.SubFactory(BodyFactory)
    person = factory.SubFactory(PersonFactory)
    role = MembershipRole.MITGLIED


class PaperFactory(BaseFactory):
    class Meta:
        model = Paper

    reference = factory.Sequence(lambda n: f"2017/{n:04d}")
    title = factory.Sequence(lambda n: f"Vorlage {n}")
    kind = PaperKind.VORLAGE
    date = date(2017, 3, 1)


class ResolutionFactory(BaseFactory):
    class Meta:
        model = Resolution

    body = factory.SubFactory(BodyFactory)
    date = date(2017, 3, 27)
    title = factory.Sequence(lambda n: f"Beschluss {n}")
    vote = Vote.EINSTIMMIG
