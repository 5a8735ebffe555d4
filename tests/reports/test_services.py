"""The way of an edition: frozen data that keep their numbers after a correction and list it,
editing refused once frozen, comments only during agreement, a decision only when every comment
is resolved, publication after the decision, back to the draft thaws; two requests racing the
same transition or title get a German message and nothing is written twice."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, update

from planner.deadlines.models import Deadline
from planner.extensions import db as _db
from planner.monitoring.models import Observation
from planner.process import services as process
from planner.reports import services
from planner.reports.models import (
    EditionState,
    ReportBlock,
    ReportCitation,
    ReportComment,
    ReportEdition,
)
from tests.factories import UserFactory
from tests.races import race
from tests.reports import world

TODAY = date(2026, 1, 1)


@pytest.fixture
def ids(db):
    return world.build()


def _edition(edition_id: int) -> ReportEdition:
    return _db.session.get(ReportEdition, edition_id)


def _html(app, edition_id: int) -> str:
    with app.test_request_context():
        return "".join(str(s.html) for s in services.document(_edition(edition_id)).sections)


def test_a_frozen_edition_keeps_its_numbers_and_lists_the_correction(app, ids):
    agreed = _edition(ids["agreed_id"])
    assert agreed.state is EditionState.ABSTIMMUNG and agreed.frozen_at is not None
    assert _db.session.scalar(select(func.count()).select_from(ReportBlock)
                              .where(ReportBlock.edition_id == agreed.id)) == 6  # fmt: skip
    assert services.changes_since_freeze(agreed) == ([], False)
    before = _html(app, agreed.id)
    assert "Sozialraum 0 (K1-0): 6,0" in before
    # the supplier corrects the first Sozialraum's 2020 value
    _db.session.execute(update(Observation).where(
        Observation.area_id == ids["area_id"], Observation.period == "2020").values(value=6.4))  # fmt: skip
    _db.session.commit()
    assert _html(app, agreed.id) == before  # the frozen edition shows what was agreed
    assert "Sozialraum 0 (K1-0): 6,4" in _html(app, ids["draft_id"])  # the draft is live
    with app.test_request_context():
        changes, more = services.changes_since_freeze(agreed)
    assert not more
    assert {(c.indicator, c.area, c.period, c.old.text, c.new.text) for c in changes} == {
        ("SGB2", "Sozialraum 0", "2020", "6,0", "6,4")}  # fmt: skip
    assert changes[0].section == "Armut"


def test_the_changes_show_on_the_edition_page(client, login_as, ids):
    _db.session.execute(update(Observation).where(
        Observation.area_id == ids["area_id"], Observation.period == "2020").values(value=6.4))  # fmt: skip
    _db.session.commit()
    login_as("participant")
    page = client.get(f"/berichte/{ids['agreed_id']}")
    assert page.status_code == 200
    text = page.text
    assert "Seit dem Einfrieren geänderte Werte" in text and "6,4" in text and "6,0" in text


def test_editing_a_frozen_edition_is_refused_with_a_message(client, login_as, ids):
    login_as("planner")
    url = f"/berichte/{ids['agreed_id']}/abschnitte/{ids['agreed_section_id']}/bearbeiten"
    page = client.get(url)
    assert "eingefroren" in page.text
    before = _db.session.get(ReportEdition, ids["agreed_id"]).sections[0].body
    response = client.post(url, data={"heading": "Neu", "text": "Anders"})
    assert response.status_code == 422
    assert "Text und Daten sind eingefroren" in response.text
    _db.session.expire_all()
    assert _edition(ids["agreed_id"]).sections[0].body == before
    with pytest.raises(services.Frozen):
        services.save_edition(_edition(ids["agreed_id"]), services.EditionData("X", 2025), None)


def test_comments_only_during_agreement_and_the_decision_waits_for_them(app, ids):
    participant = UserFactory(role="participant")
    draft = _edition(ids["draft_id"])
    section = draft.sections[0]
    with pytest.raises(services.StateError, match="nur während der Abstimmung"):
        services.add_comment(draft, section, "Zu früh", participant)
    agreed = _edition(ids["agreed_id"])
    with pytest.raises(services.StateError, match="1 Stellungnahme"):
        services.decide(agreed, ids["resolution_id"], None)
    comment = _db.session.get(ReportComment, ids["comment_id"])
    with pytest.raises(services.ReportError, match="Antwort"):
        services.answer_comment(agreed, comment, "  ", False, participant)
    services.answer_comment(agreed, comment, "Ist ergänzt.", True, participant)
    step = process.get_step(ids["step_id"])
    assert step.status.value == "in_arbeit"  # begun when the edition went to agreement
    services.decide(agreed, ids["resolution_id"], None)
    assert agreed.state is EditionState.BESCHLOSSEN and agreed.resolution_id == ids["resolution_id"]
    assert step.status.value == "erledigt"  # done with the decision
    deadline = _db.session.scalar(select(Deadline).where(Deadline.owner_type == services.OWNER,
                                                         Deadline.owner_id == agreed.id))  # fmt: skip
    assert deadline.state.value == "erledigt"
    with pytest.raises(services.StateError):
        services.add_comment(agreed, agreed.sections[0], "Zu spät", participant)
    services.publish(agreed, date(2026, 5, 1))
    assert agreed.state is EditionState.VEROEFFENTLICHT
    with pytest.raises(services.StateError):
        services.publish(agreed, date(2026, 5, 2))


def test_agreement_registers_its_deadline_and_back_to_draft_thaws(ids):
    draft = _edition(ids["draft_id"])
    with pytest.raises(services.DateError, match="Vergangenheit"):
        services.send_to_agreement(draft, date(2025, 12, 31), None, None, TODAY)
    with pytest.raises(services.DateError, match="zwischen"):
        services.send_to_agreement(draft, date(9999, 12, 31), None, None, TODAY)
    services.send_to_agreement(draft, date(2026, 2, 1), ids["step_id"], None, TODAY)
    deadline = _db.session.scalar(select(Deadline).where(Deadline.owner_type == services.OWNER,
                                                         Deadline.owner_id == draft.id))  # fmt: skip
    assert deadline.due_date == date(2026, 2, 1) and deadline.kind.value == "bericht"
    assert _db.session.scalar(select(func.count()).select_from(ReportCitation)
                              .where(ReportCitation.edition_id == draft.id)) > 0  # fmt: skip
    services.back_to_draft(draft)
    assert draft.state is EditionState.ENTWURF and draft.frozen_at is None
    for model in (ReportBlock, ReportCitation):
        assert _db.session.scalar(select(func.count()).select_from(model)
                                  .where(model.edition_id == draft.id)) == 0  # fmt: skip
    assert _db.session.scalar(select(Deadline.id).where(Deadline.owner_type == services.OWNER,
                                                        Deadline.owner_id == draft.id)) is None  # fmt: skip


def test_an_edition_with_a_broken_block_does_not_go_to_agreement(ids):
    draft = _edition(ids["draft_id"])
    services.save_section(
        draft, None, "Kaputt", "{{karte indikator=FEHLT ebene=Sozialraum zeitraum=2020}}"
    )
    with pytest.raises(services.BlockErrors, match="Abschnitt 3 Kaputt: Den Indikator „FEHLT“"):
        services.send_to_agreement(draft, date(2026, 2, 1), None, None, TODAY)
    assert draft.state is EditionState.ENTWURF


def test_sections_move_and_only_drafts_are_deleted(ids):
    draft = _edition(ids["draft_id"])
    first, second = services.sections_of(draft.id)
    services.move_section(draft, second, -1)
    assert [s.id for s in services.sections_of(draft.id)] == [second.id, first.id]
    services.move_section(draft, second, -1)  # already first: nothing happens
    assert [s.id for s in services.sections_of(draft.id)] == [second.id, first.id]
    with pytest.raises(services.StateError):
        services.delete_edition(_edition(ids["agreed_id"]))
    services.delete_edition(draft)
    assert _edition(ids["draft_id"]) is None


def test_a_taken_title_gets_a_german_message(ids):
    with pytest.raises(services.TitleTaken, match="gibt es schon"):
        services.save_edition(None, services.EditionData("Entwurf  Armut", 2026), None)


def test_the_same_title_written_at_once_gets_a_german_message(ids):
    from planner.core.models import utcnow

    now = utcnow()
    fired, stop = race(lambda c: c.execute(ReportEdition.__table__.insert().values(
        title="Gleichzeitig", year=2026, state="entwurf", created_at=now, updated_at=now)))  # fmt: skip
    try:
        with pytest.raises(services.TitleTaken, match="gibt es schon"):
            services.save_edition(None, services.EditionData("Gleichzeitig", 2026), None)
    finally:
        stop()
    assert fired
    _db.session.rollback()
    assert _db.session.scalar(select(func.count()).select_from(ReportEdition)
                              .where(ReportEdition.title == "Gleichzeitig")) == 1  # fmt: skip


def test_a_second_request_sending_the_same_draft_is_refused(ids):
    """Both requests saw a draft; the first one's transition lands between the second one's
    check and its write: the second is refused, no second snapshot."""
    draft = _edition(ids["draft_id"])
    fired, stop = race(lambda c: c.execute(ReportEdition.__table__.update()
                                            .where(ReportEdition.id == draft.id)
                                            .values(state="abstimmung")))  # fmt: skip
    try:
        with pytest.raises(services.StateError, match="inzwischen geändert"):
            draft.summary = "geändert"  # a pending change: the flush before the lock fires the race
            services.send_to_agreement(draft, date(2026, 2, 1), None, None, TODAY)
    finally:
        stop()
    assert fired
    _db.session.rollback()
    assert _db.session.scalar(select(func.count()).select_from(ReportBlock)
                              .where(ReportBlock.edition_id == draft.id)) == 0  # fmt: skip


def test_a_comment_names_its_author_from_the_account_and_is_in_the_dsgvo_export(
    client, login_as, ids
):
    from planner.accounts.models import User
    from planner.accounts.privacy import export_user

    comment = _db.session.get(ReportComment, ids["comment_id"])
    author = comment.author
    exported = export_user(author)
    assert exported["sozialbericht"] == [{
        "ausgabe": "Sozialbericht 2025 Armut", "abschnitt": "Armut", "stellungnahme": "Bitte ergänzen.",
        "antwort": None, "am": comment.created_at.isoformat(), "erledigt": False}]  # fmt: skip
    login_as("planner")
    url = f"/berichte/{ids['agreed_id']}/abschnitte/{ids['agreed_section_id']}"
    assert f"{author.name} (Kreis Beispiel)" in client.get(url).text
    _db.session.delete(_db.session.get(User, author.id))  # the account is deleted: no name stays
    _db.session.commit()
    page = client.get(url).text
    assert author.name not in page and "Konto gelöscht" in page
