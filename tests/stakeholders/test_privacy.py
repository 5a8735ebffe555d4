"""DSGVO: the art. 15 export of a person and of an account, the art. 17 erasure (audit log
included), and the retention of audit values."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import String, cast, func, select

from planner.cli import retention_cutoff
from planner.core.audit import AuditEntry, remove_old_values
from planner.extensions import db as _db
from planner.governance.models import Membership
from planner.process import services as process_services
from planner.stakeholders import privacy, services
from planner.stakeholders.models import ERASED_NAME, LegalBasis, Person
from tests.factories import BodyFactory, DeadlineFactory, OrganisationFactory, UserFactory


def _person_with_history(name="Erika Beispiel"):
    org = OrganisationFactory(name="Stadt Beispielstadt")
    person = services.create_person(
        services.PersonData(
            name=name,
            legal_basis=LegalBasis.EINWILLIGUNG,
            function="Sozialamt",
            organisation_id=org.id,
            email="erika@beispiel.example",
            phone="02241 123",
            consent_date=date(2024, 5, 2),
        )  # fmt: skip
    )
    _db.session.commit()
    person.phone = "02241 999"
    _db.session.commit()
    body = BodyFactory(name="Lenkungsgruppe Test")
    _db.session.add(Membership(body_id=body.id, person_id=person.id, role="vorsitz"))
    _db.session.commit()
    process = process_services.create_process(
        process_services.ProcessData(title="Prozess", start_date=date(2024, 1, 1)), "standard"
    )
    step = _db.session.scalar(
        select(process_services.Step).where(process_services.Step.process_id == process.id).limit(1)
    )
    step.responsible_person_id = person.id
    _db.session.commit()
    return person


def test_the_export_holds_everything_stored_about_the_person(db):
    person = _person_with_history()
    data = json.loads(json.dumps(privacy.export_person(person), default=str))
    assert data["person"]["name"] == "Erika Beispiel"
    assert data["person"]["e_mail"] == "erika@beispiel.example"
    assert data["person"]["einwilligung_vom"] == "2024-05-02"
    assert data["person"]["organisation"] == "Stadt Beispielstadt"
    assert data["mitgliedschaften"] == [
        {"gremium": "Lenkungsgruppe Test", "rolle": "Vorsitz", "von": None, "bis": None}
    ]
    assert [s["schritt"] for s in data["prozessschritte"]] == ["Grundsatzbeschluss des Kreistags"]
    actions = [e["aktion"] for e in data["aenderungsprotokoll"]]
    assert actions == ["angelegt", "geändert"]
    assert data["aenderungsprotokoll"][1]["aenderungen"]["Telefon"] == {
        "vorher": "02241 123",
        "nachher": "02241 999",
    }
    assert "Organisation" in data["aenderungsprotokoll"][0]["aenderungen"]  # German field names
    assert (
        data["aenderungsprotokoll"][0]["aenderungen"]["Organisation"]["nachher"]
        == "Stadt Beispielstadt"
    )


def test_erasure_blanks_the_person_and_the_audit_log_but_keeps_the_history(db):
    person = _person_with_history()
    entries_before = _db.session.scalar(select(func.count()).select_from(AuditEntry))
    privacy.erase_person(person)
    _db.session.commit()
    _db.session.expire_all()
    erased = _db.session.get(Person, person.id)
    assert erased.name == ERASED_NAME
    assert (erased.email, erased.phone, erased.function, erased.consent_date) == (
        None,
        None,
        None,
        None,
    )
    assert erased.erased and erased.archived
    # the memberships and the step still point to the row, now "gelöschte Person"
    assert (
        _db.session.scalar(select(Membership).where(Membership.person_id == person.id)) is not None
    )
    # no entry of the log keeps a personal value; none was deleted, the erasure is logged
    assert _db.session.scalar(select(func.count()).select_from(AuditEntry)) == entries_before + 1
    for needle in ("Erika", "erika@beispiel.example", "02241"):
        leaking = _db.session.scalars(
            select(AuditEntry).where(
                (AuditEntry.object_label.contains(needle))
                | (cast(AuditEntry.changes, String).contains(needle))
            )
        ).all()
        assert leaking == [], needle
    person_entries = _db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "Person").order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in person_entries] == ["create", "update", "update"]
    assert all(e.object_label == ERASED_NAME for e in person_entries)
    assert person_entries[1].changes["phone"] == ["(gelöscht)", "(gelöscht)"]
    membership_entry = _db.session.scalar(
        select(AuditEntry).where(AuditEntry.object_type == "Membership")
    )
    assert ERASED_NAME in membership_entry.object_label


def test_erasure_through_the_page_is_for_admins_and_asks_first(client, db, login_as):
    person = _person_with_history()
    login_as("planner")
    assert client.get(f"/personen/{person.id}/personendaten-loeschen").status_code == 403
    assert client.post(f"/personen/{person.id}/personendaten-loeschen").status_code == 403
    assert client.get(f"/personen/{person.id}/auskunft.json").status_code == 403
    client.post("/abmelden")
    login_as("admin")
    page = client.get(f"/personen/{person.id}/personendaten-loeschen")
    assert "kann nicht rückgängig gemacht werden" in page.get_data(as_text=True)
    export = client.get(f"/personen/{person.id}/auskunft.json")
    assert export.mimetype == "application/json"
    assert "attachment" in export.headers["Content-Disposition"]
    assert export.get_json()["person"]["name"] == "Erika Beispiel"
    response = client.post(f"/personen/{person.id}/personendaten-loeschen")
    assert response.status_code == 302
    _db.session.expire_all()
    assert _db.session.get(Person, person.id).name == ERASED_NAME
    detail = client.get(f"/personen/{person.id}").get_data(as_text=True)
    assert ERASED_NAME in detail and "Erika" not in detail


def test_the_account_export_lists_the_account_its_deadlines_and_its_changes(client, db, login_as):
    user = UserFactory(name="Konto Beispiel", email="konto@beispiel.example")
    deadline = DeadlineFactory(title="Lieferung Beispiel")
    deadline.responsible_users = [user]
    _db.session.commit()
    login_as("admin")
    data = client.get(f"/admin/benutzer/{user.id}/auskunft.json").get_json()
    assert data["konto"]["e_mail"] == "konto@beispiel.example"
    assert [d["frist"] for d in data["fristen_verantwortlich"]] == ["Lieferung Beispiel"]
    assert user.password_hash not in json.dumps(data)  # the change log shows it as "***"
    client.post("/abmelden")
    login_as("planner")
    assert client.get(f"/admin/benutzer/{user.id}/auskunft.json").status_code == 403


def test_old_audit_entries_lose_their_values_and_stay(app, db):
    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    _db.session.execute(
        AuditEntry.__table__.insert(),
        [
            {"at": now - timedelta(days=365 * 11), "user_label": "Alt", "action": "update",
             "object_type": "Person", "object_id": "1", "object_label": "X",
             "changes": {"name": ["Alter Name", "Neuer Name"]}},
            {"at": now - timedelta(days=365 * 2), "user_label": "Neu", "action": "update",
             "object_type": "Person", "object_id": "2", "object_label": "Y",
             "changes": {"name": ["A", "B"]}},
        ],
    )  # fmt: skip
    _db.session.commit()
    cutoff = retention_cutoff(10, now)
    assert cutoff == datetime(2016, 11, 26, 12, 0, tzinfo=UTC)
    assert remove_old_values(_db.session, cutoff, batch=1) == 1
    old, recent = _db.session.scalars(select(AuditEntry).order_by(AuditEntry.at)).all()
    assert old.changes == {"name": [None, None]} and old.values_removed
    assert recent.changes == {"name": ["A", "B"]} and not recent.values_removed
    assert remove_old_values(_db.session, cutoff) == 0  # a second run finds nothing
    # the command for cron
    result = app.test_cli_runner().invoke(args=["audit", "thin", "--years", "1"])
    assert result.exit_code == 0, result.output
    assert "1 Einträge" in result.output
    _db.session.expire_all()
    assert _db.session.get(AuditEntry, recent.id).changes == {"name": [None, None]}


def test_erasure_finds_names_with_umlauts_and_spares_longer_words(db):
    org = OrganisationFactory(name="Stadt Siegburg")
    person = services.create_person(
        services.PersonData(
            name="Jürgen Müller", legal_basis=LegalBasis.AUFGABE, organisation_id=org.id
        )
    )
    other = services.create_person(
        services.PersonData(name="Jürgen Müllerschön", legal_basis=LegalBasis.AUFGABE)
    )
    _db.session.commit()
    process = process_services.create_process(
        process_services.ProcessData(title="P", start_date=date(2024, 1, 1)), "standard"
    )
    step = _db.session.scalar(
        select(process_services.Step).where(process_services.Step.process_id == process.id).limit(1)
    )
    _db.session.commit()
    step.description = "Rücksprache mit Jürgen Müller und Jürgen Müllerschön"
    _db.session.commit()
    privacy.erase_person(person)
    _db.session.commit()
    step_entry = _db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.object_type == "Step",
            AuditEntry.object_id == str(step.id),
            AuditEntry.action == "update",
        )  # fmt: skip
    )
    assert step_entry.changes["description"][1] == (
        "Rücksprache mit gelöschte Person und Jürgen Müllerschön"
    )
    assert _db.session.get(Person, other.id).name == "Jürgen Müllerschön"


def test_deleting_a_person_leaves_no_personal_value_in_the_log(client, db, login_as):
    login_as("planner")
    person = services.create_person(
        services.PersonData(
            name="Erika Musterfrau", legal_basis=LegalBasis.AUFGABE, email="erika@muster.example"
        )  # fmt: skip
    )
    _db.session.commit()
    assert client.post(f"/personen/{person.id}/loeschen").status_code == 302
    entries = _db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "Person")
    ).all()
    assert [e.action for e in entries] == ["create", "delete"]  # the entries stay
    for entry in entries:
        text = json.dumps(entry.changes, ensure_ascii=False)
        assert "Erika" not in text and "erika@" not in text
        assert entry.object_label == ERASED_NAME
