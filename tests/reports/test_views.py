"""The report through its pages: a planner writes a section (with the picker's tag) and sends
the edition to agreement, a participant comments, the planner answers and resolves, decides
and publishes; refused steps say why at the field."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from planner.extensions import db as _db
from planner.reports.models import EditionState, ReportComment, ReportEdition
from tests.reports import world


@pytest.fixture
def ids(db):
    return world.build()


def _switch(client, login_as, role: str):
    client.post("/abmelden")
    return login_as(role)


def _token(client, url: str) -> str:
    page = client.get(url)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)


def test_the_picker_builds_a_tag_or_says_what_is_missing(client, login_as, ids):
    login_as("planner")
    ok = client.get("/berichte/baustein?art=karte&indikator=SGB2+(SGB-II-Quote+Sozialraum)"
                    "&ebene=Sozialraum&zeitraum=2020", headers={"Accept": "application/json"})  # fmt: skip
    assert ok.json == {"tag": "{{karte indikator=SGB2 ebene=Sozialraum zeitraum=2020}}",
                       "error": None}  # fmt: skip
    area = client.get(
        "/berichte/baustein?art=profil&gebiet=K1-0", headers={"Accept": "application/json"}
    )
    assert area.json["tag"] == "{{profil gebiet=K1-0}}"
    missing = client.get("/berichte/baustein?art=tabelle&indikator=SGB2",
                         headers={"Accept": "application/json"})  # fmt: skip
    assert missing.status_code == 422 and "fehlt: ebene, zeitraum" in missing.json["error"]
    page = client.get("/berichte/baustein?art=index&lauf=" + str(ids["run_id"]))
    assert page.status_code == 200 and f"{{{{index lauf={ids['run_id']}}}}}" in page.text
    bad = client.get("/berichte/baustein?art=unsinn")
    assert bad.status_code == 422


def test_a_planner_writes_sends_and_a_participant_comments(client, login_as, ids):
    login_as("planner")
    url = f"/berichte/{ids['draft_id']}/abschnitte/neu"
    token = _token(client, url)
    preview = client.post(url, data={"csrf_token": token, "heading": "Karte", "vorschau": "1",
                                     "text": "{{karte indikator=SGB2 ebene=Sozialraum zeitraum=2020}}"})  # fmt: skip
    assert preview.status_code == 200 and "Abbildung 1:" in preview.text
    assert _db.session.get(ReportEdition, ids["draft_id"]).sections[-1].title == "Zweiter Abschnitt"
    saved = client.post(url, data={"csrf_token": token, "heading": "Karte",
                                   "text": "{{karte indikator=SGB2 ebene=Sozialraum zeitraum=2020}}"})  # fmt: skip
    assert saved.status_code == 302
    detail = f"/berichte/{ids['draft_id']}"
    refused = client.post(detail + "/abstimmung", data={"csrf_token": token, "due": "2020-01-01"})
    assert refused.status_code == 422 and "Vergangenheit" in refused.text
    sent = client.post(detail + "/abstimmung", data={"csrf_token": token, "due": "2030-01-31"})
    assert sent.status_code == 302
    _db.session.expire_all()
    edition = _db.session.get(ReportEdition, ids["draft_id"])
    assert edition.state is EditionState.ABSTIMMUNG
    section = edition.sections[-1]

    _switch(client, login_as, "participant")
    section_url = f"/berichte/{edition.id}/abschnitte/{section.id}"
    token = _token(client, section_url)
    empty = client.post(section_url + "/stellungnahme", data={"csrf_token": token, "comment": " "})
    assert empty.status_code == 422
    done = client.post(section_url + "/stellungnahme",
                       data={"csrf_token": token, "comment": "Die Karte braucht eine Legende."})  # fmt: skip
    assert done.status_code == 302
    comment = _db.session.scalar(
        select(ReportComment).where(ReportComment.section_id == section.id)
    )
    assert comment.body == "Die Karte braucht eine Legende." and comment.resolved_at is None

    _switch(client, login_as, "planner")
    token = _token(client, section_url)
    resolution = f"Nr. {ids['resolution_id']} – egal"
    blocked = client.post(
        detail + "/beschluss", data={"csrf_token": token, "resolution": resolution}
    )
    assert blocked.status_code == 422 and "1 Stellungnahme(n) sind offen" in blocked.text
    answered = client.post(f"/berichte/{edition.id}/stellungnahmen/{comment.id}/antwort",
                           data={"csrf_token": token, "answer": "Ist ergänzt.", "resolve": "y"})  # fmt: skip
    assert answered.status_code == 302
    _db.session.expire_all()
    assert _db.session.get(ReportComment, comment.id).resolved_at is not None
    assert "Ist ergänzt." in client.get(section_url).text
    decided = client.post(
        detail + "/beschluss", data={"csrf_token": token, "resolution": resolution}
    )
    assert decided.status_code == 302
    published = client.post(
        detail + "/veroeffentlichung", data={"csrf_token": token, "on": "2030-03-01"}
    )
    assert published.status_code == 302
    _switch(client, login_as, "viewer")
    assert client.get("/berichte/neu").status_code == 403
    assert client.get(detail).status_code == 200
    page = client.get(section_url).text
    assert "Abbildung 3:" in page  # numbered as in the whole edition (section 1 has two)
    assert "3 Karte" in page
    assert "Die Karte braucht eine Legende." not in page  # the agreement's comments are not public


def test_the_step_and_the_resolution_name_their_editions_to_who_may_read_them(
    client, login_as, ids
):
    login_as("viewer")
    # the agreement is not for politicians; the published edition's resolution is
    assert "Sozialbericht 2025 Armut" not in client.get(f"/prozessschritte/{ids['step_id']}").text
    page = client.get(f"/beschluesse/{ids['resolution_id']}").text
    assert "Beschließt" in page and "Sozialbericht 2022 Armut" in page
    _switch(client, login_as, "planner")
    page = client.get(f"/prozessschritte/{ids['step_id']}").text
    assert "Abstimmung von" in page and "Sozialbericht 2025 Armut" in page
