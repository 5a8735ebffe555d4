"""Calendar pages, deadline forms, iCal feeds, reminder settings and the outbox view."""

from __future__ import annotations

from datetime import date

from babel.dates import get_day_names, get_month_names
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from planner.accounts.lookups import person_label
from planner.accounts.models import Organisation, User
from planner.core import services as core_services
from planner.core.exports import Column
from planner.core.models import utcnow
from planner.core.permissions import Permission, can, public, requires
from planner.core.transaction import commit_or_show
from planner.core.urls import page_arg
from planner.core.views import list_download
from planner.deadlines import bp, ical, reminders, services
from planner.deadlines.forms import ActionForm, DeadlineFilterForm, DeadlineForm, PreferenceForm
from planner.deadlines.models import KIND_LABELS, Deadline, Reminder
from planner.extensions import db


def _visible_or_404(deadline_id: int) -> Deadline:
    deadline = services.get_visible_or_none(current_user, deadline_id)
    if deadline is None:
        abort(404)
    return deadline


def _deadlines(page: int):
    form = DeadlineFilterForm(request.args, meta={"csrf": False})
    if "state" not in request.args:
        form.state.data = "offen"
    valid = form.validate()
    filters = services.ListFilter(
        kind=form.kind.data or None if valid else None,
        organisation=(form.organisation.data or "").strip() or None if valid else None,
        responsible=(form.responsible.data or "").strip() or None if valid else None,
        text=(form.q.data or "").strip() or None if valid else None,
        date_from=form.von.data if valid else None,
        date_to=form.bis.data if valid else None,
        state=form.state.data or None if valid else "offen",
        mine=bool(form.mine.data),
    )
    return form, services.deadline_page(current_user, filters, page=page)


@bp.route("/fristen/")
@requires(Permission.DEADLINES_VIEW)
def index():
    form, page = _deadlines(page_arg())
    today = services.today_in_berlin()
    return render_template("deadlines/deadline_list.html", form=form, page=page, today=today)


def _responsible(deadline: Deadline) -> str:
    names = [deadline.organisation.name] if deadline.organisation else []
    return "; ".join(names + [u.name for u in deadline.responsible_users])


DEADLINE_COLUMNS = [
    Column(_l("Nr."), lambda d: d.id),
    Column(_l("Fällig am"), lambda d: d.due_date),
    Column(_l("Uhrzeit"), lambda d: d.due_time.strftime("%H:%M") if d.due_time else None),
    Column(_l("Frist"), lambda d: d.title),
    Column(_l("Art"), lambda d: str(d.kind.label)),
    Column(_l("Verantwortlich"), _responsible),
    Column(_l("Status"), lambda d: str(d.state.label)),
    Column(_l("Erledigt am"), lambda d: d.done_at),
]


@bp.route("/fristen/export.<any(csv, xlsx):kind>")
@requires(Permission.DEADLINES_VIEW)
def deadline_list_export(kind: str):
    return list_download(kind, "fristen", DEADLINE_COLUMNS, lambda: _deadlines(1)[1], _("Fristen"))  # fmt: skip


@bp.route("/fristen/monat")
@requires(Permission.DEADLINES_VIEW)
def month():
    today = services.today_in_berlin()
    year = request.args.get("jahr", today.year, type=int)
    month_no = request.args.get("monat", today.month, type=int)
    if not (1 <= month_no <= 12 and 1900 <= year <= 2200):
        abort(404)
    kind = (
        request.args.get("art")
        if request.args.get("art") in {k.value for k in KIND_LABELS}
        else None
    )
    by_day, counts = services.month_deadlines(current_user, year, month_no, kind)
    prev_month = (year - 1, 12) if month_no == 1 else (year, month_no - 1)
    next_month = (year + 1, 1) if month_no == 12 else (year, month_no + 1)
    return render_template(
        "deadlines/deadline_month.html",
        weeks=services.month_weeks(year, month_no),
        by_day=by_day,
        counts=counts,
        year=year,
        month=month_no,
        month_name=get_month_names("wide", "stand-alone", locale=get_locale())[month_no],
        weekdays=[get_day_names("wide", locale=get_locale())[i] for i in range(7)],
        prev_month=prev_month,
        next_month=next_month,
        today=today,
        kind=kind,
        kinds=KIND_LABELS,
    )


def _data_from(form: DeadlineForm) -> services.DeadlineData:
    org_id = form.organisation.chosen_id
    user_ids = form.responsible.ids
    users = (
        db.session.scalars(db.select(User).where(User.id.in_(user_ids))).all() if user_ids else []
    )
    return services.DeadlineData(
        title=form.title.data,
        kind=form.kind.data,
        due_date=form.due_date.data,
        due_time=form.due_time.data,
        organisation=db.session.get(Organisation, org_id) if org_id else None,
        responsible_users=list(users),
        notes=form.notes.data,
        reminder_offsets=form.reminder_offsets.data,
        visible_to_all=form.visible_to_all.data,
    )


@bp.route("/fristen/neu", methods=["GET", "POST"])
@requires(Permission.DEADLINES_EDIT)
def create():
    form = DeadlineForm()
    if request.method == "GET" and request.args.get("datum"):
        try:
            form.due_date.data = date.fromisoformat(request.args["datum"])
        except ValueError:
            pass
    if form.validate_on_submit():
        ok, deadline = commit_or_show(
            form.title,
            lambda: services.create_deadline(_data_from(form), created_by=current_user),
            lambda created: _("Die Frist „%(title)s“ wurde angelegt.", title=created.title),
        )
        if ok:
            return redirect(url_for("deadlines.detail", deadline_id=deadline.id))
    return render_template(
        "deadlines/deadline_form.html", form=form, deadline=None
    ), 422 if form.errors else 200


@bp.route("/fristen/<id:deadline_id>")
@requires(Permission.DEADLINES_VIEW)
def detail(deadline_id: int):
    deadline = _visible_or_404(deadline_id)
    history = []
    if can(Permission.DEADLINES_EDIT):
        history = db.session.scalars(
            db.select(Reminder)
            .where(Reminder.deadline_id == deadline.id)
            .order_by(Reminder.send_at.desc(), Reminder.id.desc())
            .options(db.joinedload(Reminder.recipient))
            .limit(50)
        ).all()
    offsets = services.offsets_for(deadline.kind, deadline.reminder_offsets)
    return render_template(
        "deadlines/deadline_detail.html",
        deadline=deadline,
        action_form=ActionForm(),
        today=services.today_in_berlin(),
        offsets=[services.describe_offset(o) for o in offsets],
        history=history,
        may_complete=services.may_complete(current_user, deadline),
        source=services.DEADLINE_SOURCES.get(deadline.owner_type or ""),
        trail=core_services.created_and_changed("Deadline", deadline.id),
    )


@bp.route("/fristen/<id:deadline_id>/bearbeiten", methods=["GET", "POST"])
@requires(Permission.DEADLINES_EDIT)
def edit(deadline_id: int):
    deadline = _live_or_404(deadline_id)
    form = DeadlineForm(obj=deadline)
    if request.method == "GET":
        form.kind.data = deadline.kind.value
        form.organisation.data = deadline.organisation.name if deadline.organisation else ""
        form.responsible.data = ", ".join(person_label(u) for u in deadline.responsible_users)
    if form.validate_on_submit():
        ok, _saved = commit_or_show(
            form.title,
            lambda: services.update_deadline(deadline, _data_from(form)),
            _("Die Frist wurde gespeichert."),
        )
        if ok:
            return redirect(url_for("deadlines.detail", deadline_id=deadline.id))
    return render_template(
        "deadlines/deadline_form.html", form=form, deadline=deadline
    ), 422 if form.errors else 200


_STATE_ACTIONS = {
    "erledigt": (services.mark_done, _l("Die Frist ist als erledigt markiert.")),
    "versaeumt": (services.mark_missed, _l("Die Frist ist als versäumt markiert.")),
    "wieder-offen": (services.reopen, _l("Die Frist ist wieder offen.")),
}


@bp.route(
    "/fristen/<id:deadline_id>/<any(erledigt, versaeumt, 'wieder-offen'):action>", methods=["POST"]
)
@requires(Permission.DEADLINES_VIEW)
def change_state(deadline_id: int, action: str):
    deadline = _visible_or_404(deadline_id)
    if not services.may_complete(current_user, deadline):
        abort(403)
    change, message = _STATE_ACTIONS[action]
    change(deadline, current_user, utcnow())
    db.session.commit()
    flash(str(message), "success")
    return redirect(url_for("deadlines.detail", deadline_id=deadline.id))


def _live_or_404(deadline_id: int) -> Deadline:
    deadline = services.get_live_or_none(deadline_id)
    if deadline is None:
        abort(404)
    return deadline


@bp.route("/fristen/<id:deadline_id>/loeschen", methods=["GET", "POST"])
@requires(Permission.DEADLINES_EDIT)
def delete(deadline_id: int):
    """Asks first (a page of its own, no JavaScript needed), then moves the deadline to the
    deleted ones, from where it can be restored."""
    deadline = _live_or_404(deadline_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            services.delete_deadline(deadline, current_user)
        except services.DeadlineError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(url_for("deadlines.detail", deadline_id=deadline_id))
        db.session.commit()
        return redirect(url_for("deadlines.deleted", deadline_id=deadline_id))
    return render_template("deadlines/delete_confirm.html", deadline=deadline, form=form)


@bp.route("/fristen/<id:deadline_id>/geloescht")
@requires(Permission.DEADLINES_EDIT)
def deleted(deadline_id: int):
    deadline = services.get_deleted_or_none(deadline_id)
    if deadline is None:
        abort(404)
    return render_template("deadlines/deleted.html", deadline=deadline, form=ActionForm())


@bp.route("/fristen/<id:deadline_id>/wiederherstellen", methods=["POST"])
@requires(Permission.DEADLINES_EDIT)
def restore(deadline_id: int):
    deadline = services.get_deleted_or_none(deadline_id)
    if deadline is None:
        abort(404)
    if ActionForm().validate_on_submit():
        services.restore_deadline(deadline)
        db.session.commit()
        flash(_("Die Frist „%(title)s“ ist wiederhergestellt.", title=deadline.title), "success")
    return redirect(url_for("deadlines.detail", deadline_id=deadline_id))


@bp.route("/fristen/papierkorb")
@requires(Permission.DEADLINES_EDIT)
def trash():
    page = services.deleted_page(page=page_arg())
    return render_template("deadlines/trash.html", page=page, form=ActionForm())


TRASH_COLUMNS = [
    Column(_l("Nr."), lambda d: d.id),
    Column(_l("Frist"), lambda d: d.title),
    Column(_l("Fällig am"), lambda d: d.due_date),
    Column(_l("Gelöscht am"), lambda d: d.deleted_at),
]


@bp.route("/fristen/papierkorb/export.<any(csv, xlsx):kind>")
@requires(Permission.DEADLINES_EDIT)
def trash_export(kind: str):
    return list_download(kind, "geloeschte-fristen", TRASH_COLUMNS,
                         lambda: services.deleted_page(page=1), _("Gelöschte Fristen"))  # fmt: skip


def _ics_response(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/fristen/<id:deadline_id>.ics")
@requires(Permission.DEADLINES_VIEW)
def download_ics(deadline_id: int):
    deadline = _visible_or_404(deadline_id)
    return _ics_response(ical.calendar_for([deadline], deadline.title), f"frist-{deadline.id}.ics")


@bp.route("/kalender/<token>.ics")
@public
def feed(token: str):
    """The personal feed: the secret token is the only credential; it reveals nothing else."""
    user = services.user_for_feed_token(token)
    if user is None:
        abort(404)
    today = services.today_in_berlin()
    version = services.feed_version(user, today)
    db.session.commit()  # last_used_at
    body = ical.feed_cache.get(user.id, version)
    if body is None:
        deadlines = services.feed_deadlines(user, today)
        body = ical.calendar_for(deadlines, f"Planner – Fristen ({user.name})")
        ical.feed_cache.put(user.id, version, body)
    response = _ics_response(body, "planner-fristen.ics")
    response.set_etag(version)
    return response.make_conditional(request)


@bp.route("/fristen/einstellungen", methods=["GET", "POST"])
@requires(Permission.DEADLINES_VIEW)
def settings():
    form = PreferenceForm()
    if request.method == "GET":
        form.mode.data = services.preference_of(current_user)
    if form.validate_on_submit():
        services.set_preference(current_user, form.mode.data)
        db.session.commit()
        flash(_("Ihre Einstellung für Erinnerungen wurde gespeichert."), "success")
        return redirect(url_for("deadlines.settings"))
    return render_template(
        "deadlines/settings.html",
        form=form,
        action_form=ActionForm(),
        feed=services.feed_of(current_user),
        new_feed_url=None,
    )


@bp.route("/fristen/abo", methods=["POST"])
@requires(Permission.DEADLINES_VIEW)
def renew_feed():
    if request.form.get("revoke"):
        services.revoke_feed(current_user)
        db.session.commit()
        flash(
            _("Das Kalender-Abo wurde gelöscht; die bisherige Adresse funktioniert nicht mehr."),
            "success",
        )
        return redirect(url_for("deadlines.settings"))
    token = services.renew_feed_token(current_user)
    db.session.commit()
    pref = PreferenceForm()
    pref.mode.data = services.preference_of(current_user)
    return render_template(
        "deadlines/settings.html",
        form=pref,
        action_form=ActionForm(),
        feed=services.feed_of(current_user),
        new_feed_url=url_for("deadlines.feed", token=token, _external=True),
    )


@bp.route("/admin/erinnerungen")
@requires(Permission.SYSTEM_VIEW)
def outbox():
    return render_template(
        "deadlines/outbox.html",
        last=reminders.last_sweep(),
        sweeps=reminders.recent_sweeps(),
        counts=reminders.outbox_counts(),
        failing=reminders.failing_reminders(),
        sent=reminders.recently_sent(),
        max_attempts=reminders.MAX_ATTEMPTS,
    )


# the feed's old English address keeps working for subscriptions made before
bp.add_url_rule(
    "/calendar/<token>.ics", endpoint="legacy_feed", redirect_to="/kalender/<token>.ics"
)
