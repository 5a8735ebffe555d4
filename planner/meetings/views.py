"""Pages of meetings: list, page, agenda, invitations, attendance, minutes, action items."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from planner.core.exports import Column
from planner.core.forms import Form, options
from planner.core.panels import panels_for
from planner.core.permissions import Permission, can, requires
from planner.core.transaction import commit_or_show
from planner.core.urls import page_arg
from planner.core.views import delete_or_explain, download, form_page, list_download
from planner.extensions import db
from planner.governance.lookups import paper_label, resolution_label
from planner.meetings import bp, mails, services
from planner.meetings.forms import (
    ActionForm,
    AttendanceForm,
    InviteForm,
    ItemForm,
    MeetingFilterForm,
    MeetingForm,
    MinutesForm,
    MoveForm,
    OutcomeForm,
    ReorderForm,
    ReplyForm,
)
from planner.meetings.models import ActionItem, AgendaItem, Invitation, Meeting, MeetingState
from planner.monitoring.lookups import area_names, indicator_names


def _meeting_or_404(meeting_id: int) -> Meeting:
    return db.get_or_404(Meeting, meeting_id)


def _to_meeting(meeting_id: int, anchor: str = "") -> str:
    return url_for("meetings.meeting_detail", meeting_id=meeting_id) + anchor


def _meetings(page: int):
    form = MeetingFilterForm(request.args, meta={"csrf": False})
    valid = form.validate()
    filters = services.MeetingFilter(
        kind=(form.kind.data or None) if valid else None,
        state=(form.state.data or None) if valid else None,
        text=(form.q.data or "").strip() or None if valid else None,
        date_from=form.date_from.data if valid else None,
        date_to=form.date_to.data if valid else None,
        mine=bool(form.mine.data) if valid else False,
    )
    return form, services.meeting_page(filters, current_user, page)


@bp.route("/sitzungen/")
@requires(Permission.MEETINGS_VIEW)
def meeting_list():
    form, page = _meetings(page_arg())
    return render_template("meetings/meeting_list.html", form=form, page=page)


MEETING_COLUMNS = [
    Column(_l("Nr."), lambda m: m.id),
    Column(_l("Beginn"), lambda m: m.starts_at),
    Column(_l("Ende"), lambda m: m.ends_at),
    Column(_l("Titel"), lambda m: m.title),
    Column(_l("Art"), lambda m: str(m.kind.label)),
    Column(_l("Gremium"), lambda m: m.body.name if m.body else None),
    Column(_l("Ort"), lambda m: m.place),
    Column(_l("Status"), lambda m: str(m.state.label)),
]


@bp.route("/sitzungen/export.<any(csv, xlsx):kind>")
@requires(Permission.MEETINGS_VIEW)
def meeting_list_export(kind: str):
    return list_download(kind, "sitzungen", MEETING_COLUMNS, lambda: _meetings(1)[1], _("Sitzungen"))  # fmt: skip


def _agenda(meeting: Meeting):
    """The items the user may see, their start times and the areas and indicators named."""
    items = services.items_of(meeting.id)
    times = services.schedule(meeting, items)
    if not services.sees_internal(current_user):
        items = [i for i in items if i.public]
    areas, indicators = services.links_of([i.id for i in items])
    area_label = area_names([a for ids in areas.values() for a in ids])
    indicator_label = indicator_names([i for ids in indicators.values() for i in ids])
    return {
        "items": items,
        "times": times,
        "item_areas": {k: [(a, area_label.get(a, "")) for a in v] for k, v in areas.items()},
        "item_indicators": {k: [(i, indicator_label.get(i, "")) for i in v]
                            for k, v in indicators.items()},
    }  # fmt: skip


@bp.route("/sitzungen/<id:meeting_id>")
@requires(Permission.MEETINGS_VIEW)
def meeting_detail(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    internal = services.sees_internal(current_user)
    invitations = services.invitations_of(meeting.id) if internal else []
    mine = services.invitation_of(current_user, meeting.id)
    return render_template(
        "meetings/meeting_detail.html",
        meeting=meeting,
        **_agenda(meeting),
        internal=internal,
        invitations=invitations,
        counts=services.reply_counts(invitations),
        no_address=services.no_address(invitations),
        mine=mine,
        reply_refusal=services.reply_refusal(meeting),
        actions=services.actions_of(meeting.id) if internal else [],
        panels=panels_for("meeting", meeting),
        action_form=Form(),
        editable=can(Permission.DOMAIN_EDIT) and meeting.state != MeetingState.ABGESAGT,
    )


@bp.route("/sitzungen/<id:meeting_id>/<any(tagesordnung, protokoll):part>")
@requires(Permission.MEETINGS_VIEW)
def meeting_print(meeting_id: int, part: str):
    """The printable agenda or minutes (print stylesheet; the browser prints or saves PDF)."""
    meeting = _meeting_or_404(meeting_id)
    internal = services.sees_internal(current_user)
    invitations = services.invitations_of(meeting.id) if internal and part == "protokoll" else []
    return render_template(
        "meetings/meeting_print.html",
        meeting=meeting,
        part=part,
        **_agenda(meeting),
        internal=internal,
        present=[i for i in invitations if i.attended],
        excused=[i for i in invitations if i.invited and not i.attended and i.reply.value in ("absage", "vertreten")],
        actions=services.actions_of(meeting.id) if internal and part == "protokoll" else [],
    )  # fmt: skip


@bp.route("/sitzungen/<id:meeting_id>/termin.ics")
@requires(Permission.MEETINGS_VIEW)
def meeting_ics(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    items = [
        i for i in services.items_of(meeting.id) if i.public or services.sees_internal(current_user)
    ]
    body = mails.ics_for(meeting, items, cancel=meeting.state == MeetingState.ABGESAGT,
                         url=url_for("meetings.meeting_detail", meeting_id=meeting.id, _external=True))  # fmt: skip
    return download(body, f"sitzung-{meeting.id}.ics", "text/calendar; charset=utf-8")


def _meeting_data(form: MeetingForm) -> services.MeetingData:
    return services.MeetingData(
        kind=form.kind.data,
        title=form.title.data,
        starts_at=form.starts_at.data,
        ends_at=form.ends_at.data,
        place=form.place.data,
        body_id=form.body.chosen_id,
        municipality_id=form.municipality.chosen_id,
    )


@bp.route("/sitzungen/neu", methods=["GET", "POST"])
@bp.route("/sitzungen/<id:meeting_id>/bearbeiten", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def meeting_form(meeting_id: int | None = None):
    meeting = _meeting_or_404(meeting_id) if meeting_id else None
    form = MeetingForm(obj=meeting)
    if meeting and request.method == "GET":
        form.kind.data = meeting.kind.value
        form.body.data = meeting.body.name if meeting.body else ""
        form.municipality.data = meeting.municipality.name if meeting.municipality else ""
    if form.validate_on_submit():
        ok, saved = commit_or_show(
            form.title,
            lambda: services.save_meeting(meeting, _meeting_data(form), current_user),
            lambda m: _("Die Sitzung „%(title)s“ wurde gespeichert.", title=m.title),
            fields={
                services.DateError: form.ends_at,
                services.MunicipalityError: form.municipality,
            },
        )
        if ok:
            mails.send_after_commit()
            return redirect(_to_meeting(saved.id))
    return form_page(
        form,
        _("Sitzung bearbeiten") if meeting else _("Neue Sitzung oder Konferenz"),
        _to_meeting(meeting.id) if meeting else url_for("meetings.meeting_list"),
    )


STATE_ACTIONS = {
    "einladen": (MeetingState.EINGELADEN, _l("Die Einladungen werden versandt.")),
    "durchgefuehrt": (MeetingState.DURCHGEFUEHRT, _l("Die Sitzung ist als durchgeführt vermerkt.")),
    "absagen": (MeetingState.ABGESAGT, _l("Die Sitzung ist abgesagt; die Eingeladenen werden benachrichtigt.")),
    "planen": (MeetingState.GEPLANT, _l("Die Sitzung ist wieder geplant.")),
}  # fmt: skip


@bp.route("/sitzungen/<id:meeting_id>/status/<any(einladen, durchgefuehrt, absagen, planen):action>",
          methods=["POST"])  # fmt: skip
@requires(Permission.DOMAIN_EDIT)
def meeting_state(meeting_id: int, action: str):
    meeting = _meeting_or_404(meeting_id)
    state, done = STATE_ACTIONS[action]
    done = str(done)
    if state == MeetingState.EINGELADEN and meeting.state == MeetingState.GEPLANT:
        call = lambda: services.invite_now(meeting, current_user)  # noqa: E731
    else:
        call = lambda: services.set_state(meeting, state, current_user)  # noqa: E731
    response = delete_or_explain(call, done, _to_meeting(meeting.id), _to_meeting(meeting.id))
    mails.send_after_commit()
    return response


@bp.route("/sitzungen/<id:meeting_id>/loeschen", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def meeting_delete(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    return delete_or_explain(
        lambda: services.delete_meeting(meeting),
        _("Die Sitzung wurde gelöscht."),
        url_for("meetings.meeting_list"),
        _to_meeting(meeting.id),
    )


# --- agenda -------------------------------------------------------------------------------


def _item_data(form: ItemForm, item: AgendaItem | None = None) -> services.ItemData:
    return services.ItemData(
        title=form.title.data,
        description=form.description.data,
        public=bool(form.public.data),
        duration=form.duration.data,
        presenter=form.presenter.data,
        paper_id=form.paper.chosen_id,
        resolution_id=item.resolution_id if item else None,
        outcome=item.outcome if item else None,
        area_ids=form.areas.ids,
        indicator_ids=form.indicators.ids,
    )


@bp.route("/sitzungen/<id:meeting_id>/tops/neu", methods=["GET", "POST"])
@bp.route("/tops/<id:item_id>/bearbeiten", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def item_form(meeting_id: int | None = None, item_id: int | None = None):
    item = db.get_or_404(AgendaItem, item_id) if item_id else None
    meeting = item.meeting if item else _meeting_or_404(meeting_id)
    form = ItemForm(obj=item)
    if item and request.method == "GET":
        form.paper.data = paper_label(item.paper) if item.paper else ""
        areas, indicators = services.links_of([item.id])
        form.areas.data = ", ".join(area_names(areas[item.id]).values())
        form.indicators.data = ", ".join(indicator_names(indicators[item.id]).values())
    if form.validate_on_submit():
        ok, saved = commit_or_show(
            form.title,
            lambda: (
                services.update_item(item, _item_data(form, item))
                if item
                else services.add_item(meeting, _item_data(form))
            ),
            lambda i: _("TOP %(n)s „%(title)s“ wurde gespeichert.", n=i.position, title=i.title),
        )
        if ok:
            return redirect(_to_meeting(meeting.id, f"#top-{saved.id}"))
    return form_page(
        form,
        _("Tagesordnungspunkt bearbeiten") if item else _("Neuer Tagesordnungspunkt"),
        _to_meeting(meeting.id, "#tagesordnung"),
        intro=meeting.title,
    )


@bp.route("/tops/<id:item_id>/ergebnis", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def item_outcome(item_id: int):
    item = db.get_or_404(AgendaItem, item_id)
    meeting = item.meeting
    form = OutcomeForm(obj=item)
    if request.method == "GET" and item.resolution:
        r = item.resolution
        form.resolution.data = resolution_label(
            r.id, r.body.short_name or r.body.name, r.date, r.title
        )

    def save():
        areas, indicators = services.links_of([item.id])
        data = services.ItemData(
            title=item.title, description=item.description, public=item.public,
            duration=item.duration, presenter=item.presenter, paper_id=item.paper_id,
            resolution_id=form.resolution.chosen_id, outcome=form.outcome.data,
            area_ids=areas[item.id], indicator_ids=indicators[item.id],
        )  # fmt: skip
        services.update_item(item, data)
        services.save_minutes(meeting, form.minutes.data, current_user, item)
        return item

    if form.validate_on_submit():
        ok, _saved = commit_or_show(
            form.outcome, save, _("Ergebnis und Protokoll wurden gespeichert.")
        )
        if ok:
            return redirect(_to_meeting(meeting.id, f"#top-{item.id}"))
    return form_page(
        form, _("Ergebnis zu %(item)s", item=str(item)), _to_meeting(meeting.id, f"#top-{item.id}")
    )


@bp.route("/tops/<id:item_id>/loeschen", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def item_delete(item_id: int):
    item = db.get_or_404(AgendaItem, item_id)
    meeting_id = item.meeting_id
    return delete_or_explain(
        lambda: services.delete_item(item),
        _("Der Tagesordnungspunkt wurde entfernt; die folgenden Punkte sind neu nummeriert."),
        _to_meeting(meeting_id, "#tagesordnung"),
        _to_meeting(meeting_id, "#tagesordnung"),
    )


@bp.route("/tops/<id:item_id>/verschieben", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def item_move(item_id: int):
    """The keyboard way of reordering: up, down or to a number."""
    item = db.get_or_404(AgendaItem, item_id)
    form = MoveForm()
    back = _to_meeting(item.meeting_id, f"#top-{item.id}")
    if not form.validate_on_submit():
        flash(
            " ".join(str(e) for e in form.position.errors) or _("Bitte eine Nummer ab 1."), "error"
        )
        return redirect(back)
    return delete_or_explain(
        lambda: services.move_item(item, form.position.data),
        _("Die Tagesordnung ist neu nummeriert."),
        back,
        back,
    )


@bp.route("/sitzungen/<id:meeting_id>/reihenfolge", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def item_reorder(meeting_id: int):
    """The order after a drag and drop (ids separated by commas)."""
    meeting = _meeting_or_404(meeting_id)
    form = ReorderForm()
    back = _to_meeting(meeting.id, "#tagesordnung")
    if not form.validate_on_submit():
        abort(400)
    try:
        ids = [int(part) for part in form.order.data.split(",") if part.strip()]
    except ValueError:
        abort(400)
    return delete_or_explain(lambda: services.reorder(meeting, ids),
                             _("Die Tagesordnung ist neu nummeriert."), back, back)  # fmt: skip


# --- invitations, replies, attendance ------------------------------------------------------


@bp.route("/sitzungen/<id:meeting_id>/einladen", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def invite(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = InviteForm()
    if form.validate_on_submit():
        ok, _n = commit_or_show(
            form.persons,
            lambda: services.invite(meeting, form.persons.ids, form.organisations.ids),
            lambda n: _("%(n)s Einladung(en) hinzugefügt.", n=n)
            + (" " + _("Die Einladungsmails werden versandt.") if meeting.state == MeetingState.EINGELADEN else ""),
        )  # fmt: skip
        if ok:
            mails.send_after_commit()
            return redirect(_to_meeting(meeting.id, "#einladungen"))
    return form_page(form, _("Einladen: %(title)s", title=meeting.title),
                     _to_meeting(meeting.id, "#einladungen"),
                     intro=_("Die Einladungen gehen per E-Mail hinaus, sobald Sie „Einladungen "
                             "versenden“ wählen; bei einer Sitzung, zu der schon eingeladen ist, "
                             "sofort."))  # fmt: skip


@bp.route("/einladungen/<id:invitation_id>/entfernen", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def invitation_remove(invitation_id: int):
    invitation = db.get_or_404(Invitation, invitation_id)
    back = _to_meeting(invitation.meeting_id, "#einladungen")
    return delete_or_explain(lambda: services.remove_invitation(invitation),
                             _("Die Einladung wurde zurückgenommen."), back, back)  # fmt: skip


@bp.route("/sitzungen/<id:meeting_id>/antwort", methods=["GET", "POST"])
@requires(Permission.MEETINGS_VIEW)
def reply_in_app(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    invitation = services.invitation_of(current_user, meeting.id)
    if invitation is None:
        abort(404)
    form = ReplyForm(obj=invitation if request.method == "GET" else None)
    if request.method == "GET" and invitation.reply.value != "offen":
        form.reply.data = invitation.reply.value
    if form.validate_on_submit():
        ok, _x = commit_or_show(
            form.reply,
            lambda: services.set_reply(invitation, form.reply.data, form.substitute.data),
            _("Ihre Antwort wurde gespeichert."),
            fields={},
        )
        if ok:
            return redirect(_to_meeting(meeting.id))
    return form_page(form, _("Antwort: %(title)s", title=meeting.title), _to_meeting(meeting.id),
                     intro=str(invitation))  # fmt: skip


@bp.route("/sitzungen/<id:meeting_id>/anwesenheit", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def attendance(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    invitations = services.invitations_of(meeting.id)
    form = AttendanceForm()
    if form.validate_on_submit():
        present = [int(v) for v in request.form.getlist("present") if v.isdigit() and len(v) < 10]
        ok, _x = commit_or_show(
            form.persons,
            lambda: services.record_attendance(meeting, present, form.persons.ids, form.organisations.ids),
            _("Die Anwesenheit wurde gespeichert."),
        )  # fmt: skip
        if ok:
            return redirect(_to_meeting(meeting.id, "#einladungen"))
    return render_template("meetings/attendance.html", meeting=meeting, form=form,
                           invitations=invitations), 422 if form.errors else 200  # fmt: skip


# --- minutes and action items --------------------------------------------------------------


@bp.route("/sitzungen/<id:meeting_id>/protokoll/bearbeiten", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def minutes_form(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = MinutesForm(obj=meeting)
    if form.validate_on_submit():
        ok, _x = commit_or_show(
            form.minutes,
            lambda: services.save_minutes(meeting, form.minutes.data, current_user),
            _("Das Protokoll wurde gespeichert (frühere Fassungen bleiben erhalten)."),
        )
        if ok:
            return redirect(_to_meeting(meeting.id, "#protokoll"))
    return render_template("meetings/minutes_form.html", meeting=meeting, form=form,
                           revisions=services.revisions_of(meeting.id)), 422 if form.errors else 200  # fmt: skip


@bp.route(
    "/sitzungen/<id:meeting_id>/protokoll/<any(genehmigen, oeffnen):action>", methods=["POST"]
)
@requires(Permission.DOMAIN_EDIT)
def minutes_state(meeting_id: int, action: str):
    meeting = _meeting_or_404(meeting_id)
    back = _to_meeting(meeting.id, "#protokoll")
    if action == "genehmigen":
        return delete_or_explain(lambda: services.approve_minutes(meeting),
                                 _("Das Protokoll ist genehmigt."), back, back)  # fmt: skip
    return delete_or_explain(lambda: services.reopen_minutes(meeting),
                             _("Das Protokoll ist wieder ein Entwurf."), back, back)  # fmt: skip


@bp.route("/sitzungen/<id:meeting_id>/aufgaben/neu", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def action_form(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = ActionForm()
    form.agenda_item.choices = options(
        [("", _("– keiner –")), *((i.id, str(i)[:120]) for i in services.items_of(meeting.id))]
    )
    if form.validate_on_submit():
        data = services.ActionData(
            title=form.title.data, due_date=form.due_date.data, person_id=form.person.chosen_id,
            organisation_id=form.organisation.chosen_id,
            agenda_item_id=int(form.agenda_item.data) if form.agenda_item.data else None,
        )  # fmt: skip
        ok, _x = commit_or_show(
            form.title,
            lambda: services.add_action(meeting, data),
            _("Die Aufgabe ist eingetragen und steht als Frist im Kalender."),
            fields={services.DateError: form.due_date},
        )
        if ok:
            return redirect(_to_meeting(meeting.id, "#aufgaben"))
    return form_page(form, _("Aufgabe aus dem Protokoll"), _to_meeting(meeting.id, "#aufgaben"),
                     intro=meeting.title)  # fmt: skip


@bp.route("/aufgaben/<id:action_id>/loeschen", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def action_delete(action_id: int):
    action = db.get_or_404(ActionItem, action_id)
    back = _to_meeting(action.meeting_id, "#aufgaben")
    return delete_or_explain(lambda: services.delete_action(action),
                             _("Die Aufgabe wurde gelöscht."), back, back)  # fmt: skip


@bp.route("/aufgaben/<id:action_id>")
@requires(Permission.MEETINGS_VIEW)
def action_detail(action_id: int):
    """Where the deadline of an action item links to: its meeting's list of actions."""
    action = db.get_or_404(ActionItem, action_id)
    return redirect(_to_meeting(action.meeting_id, "#aufgaben"))
