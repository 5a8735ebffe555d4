"""Pages of data deliveries: schedules, completeness, one delivery, "Meine Lieferungen"."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from planner.core.exports import Column
from planner.core.forms import Form
from planner.core.pagination import paginate
from planner.core.permissions import Permission, can, requires
from planner.core.transaction import commit_or_show
from planner.core.urls import id_arg, page_arg
from planner.core.views import delete_or_explain, download, form_page, list_download
from planner.deadlines.services import today_in_berlin
from planner.extensions import db
from planner.monitoring import bp, deliveries, jobs
from planner.monitoring.forms import DeliveryUploadForm, ScheduleForm
from planner.monitoring.lookups import area_label, indicator_label
from planner.monitoring.models import DELIVERY_STATE_LABELS, DeliverySchedule


@bp.route("/lieferungen/")
@requires(Permission.DOMAIN_EDIT)
def delivery_overview():
    today = today_in_berlin()
    state = request.args.get("status", "")
    if state not in {"", "verspaetet", *(s.value for s in DELIVERY_STATE_LABELS)}:
        state = ""
    periods, rows, more = deliveries.completeness(today, page=max(1, min(page_arg(), 1000)))
    by_org: dict[tuple[int, str], dict[str, deliveries.Completeness]] = {}
    for row in rows:
        by_org.setdefault((row.organisation_id, row.organisation), {})[row.period] = row
    return render_template(
        "monitoring/delivery_overview.html",
        periods=periods,
        by_org=by_org,
        more=more,
        page=deliveries.recent_deliveries(page_arg(), state or None, id_arg("organisation"), today),
        organisation_id=id_arg("organisation"),
        state=state,
        states=[
            ("", _("alle")),
            ("verspaetet", _("verspätet")),
            *((s.value, s.label) for s in DELIVERY_STATE_LABELS),
        ],
        today=today,
    )


DELIVERY_COLUMNS = [
    Column(_l("Nr."), lambda d: d.id),
    Column(_l("Lieferplan"), lambda d: d.schedule.name),
    Column(_l("Lieferant"), lambda d: d.organisation.name),
    Column(_l("Zeitraum"), lambda d: d.period),
    Column(_l("Fällig am"), lambda d: d.due_date),
    Column(_l("Status"), lambda d: str(d.state.label)),
    Column(_l("Eingegangen am"), lambda d: d.received_at),
    Column(_l("Verspätet"), lambda d: d.received_late),
    Column(_l("Zeilen"), lambda d: d.rows),
]


@bp.route("/lieferungen/export.<any(csv, xlsx):kind>")
@requires(Permission.DOMAIN_EDIT)
def delivery_list_export(kind: str):
    state = request.args.get("status", "")
    if state not in {"", "verspaetet", *(s.value for s in DELIVERY_STATE_LABELS)}:
        state = ""
    return list_download(
        kind, "lieferungen", DELIVERY_COLUMNS,
        lambda: deliveries.recent_deliveries(1, state or None, id_arg("organisation"), today_in_berlin()),
        _("Lieferungen"),
    )  # fmt: skip


@bp.route("/meine-lieferungen/export.<any(csv, xlsx):kind>")
@requires(Permission.DELIVERIES_OWN)
def my_deliveries_export(kind: str):
    org_id = current_user.organisation_id or -1
    return list_download(kind, "meine-lieferungen", DELIVERY_COLUMNS,
                         lambda: deliveries.deliveries_of_organisation(org_id, 1), _("Lieferungen"))  # fmt: skip


@bp.route("/lieferungen/plaene/")
@requires(Permission.DOMAIN_EDIT)
def schedule_list():
    return render_template(
        "monitoring/schedule_list.html", page=_schedules(page_arg()), action_form=Form()
    )


def _schedules(page: int):
    return paginate(
        select(DeliverySchedule)
        .options(selectinload(DeliverySchedule.indicators), selectinload(DeliverySchedule.organisation))
        .order_by(DeliverySchedule.name, DeliverySchedule.id),
        page,
    )  # fmt: skip


SCHEDULE_COLUMNS = [
    Column(_l("Bezeichnung"), lambda s: s.name),
    Column(_l("Organisation"), lambda s: s.organisation.name),
    Column(_l("Indikatoren"), lambda s: ", ".join(i.code for i in s.indicators)),
    Column(_l("Ebene"), lambda s: s.level),
    Column(_l("Turnus"), lambda s: str(s.periodicity.label)),
    Column(_l("Erster Zeitraum"), lambda s: s.first_period),
    Column(_l("Letzter Zeitraum"), lambda s: s.last_period),
    Column(_l("Fällig (Monate nach Zeitraum)"), lambda s: s.due_months),
    Column(_l("Aktiv"), lambda s: s.active),
]


@bp.route("/lieferungen/plaene/export.<any(csv, xlsx):kind>")
@requires(Permission.DOMAIN_EDIT)
def schedule_list_export(kind: str):
    return list_download(kind, "lieferplaene", SCHEDULE_COLUMNS, lambda: _schedules(1), _("Lieferpläne"))  # fmt: skip


@bp.route("/lieferungen/plaene/neu", methods=["GET", "POST"])
@bp.route("/lieferungen/plaene/<id:schedule_id>/bearbeiten", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def schedule_form(schedule_id: int | None = None):
    schedule = db.get_or_404(DeliverySchedule, schedule_id) if schedule_id else None
    form = ScheduleForm(obj=schedule)
    if schedule and request.method == "GET":
        form.organisation.data = schedule.organisation.name
        form.indicators.data = ", ".join(
            indicator_label(i.code, i.name) for i in schedule.indicators
        )
        form.within.data = (
            area_label(schedule.within.name, schedule.within.code) if schedule.within else ""
        )
        form.periodicity.data = schedule.periodicity.value
    if form.validate_on_submit():
        data = deliveries.ScheduleData(
            name=form.name.data, organisation_id=form.organisation.chosen_id, level=form.level.data.strip(),
            indicator_ids=form.indicators.ids, first_period=form.first_period.data,
            last_period=form.last_period.data or None, due_months=form.due_months.data if form.due_months.data is not None else 3,
            within_id=form.within.chosen_id, periodicity=form.periodicity.data, active=bool(form.active.data),
        )  # fmt: skip
        ok, _saved = commit_or_show(
            form.first_period,
            lambda: deliveries.save_schedule(schedule, data, today_in_berlin()),
            _(
                "Der Lieferplan wurde gespeichert; die erwarteten Lieferungen stehen als Fristen im Kalender."
            ),
        )
        if ok:
            return redirect(url_for("monitoring.schedule_list"))
    return form_page(
        form,
        _("Lieferplan bearbeiten") if schedule else _("Neuer Lieferplan"),
        url_for("monitoring.schedule_list"),
    )


@bp.route("/lieferungen/plaene/<id:schedule_id>/loeschen", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def schedule_delete(schedule_id: int):
    schedule = db.get_or_404(DeliverySchedule, schedule_id)
    back = url_for("monitoring.schedule_list")
    return delete_or_explain(
        lambda: deliveries.delete_schedule(schedule),
        _("Der Lieferplan wurde gelöscht."),
        back,
        back,
    )


def _delivery_or_404(delivery_id: int):
    delivery = deliveries.visible_delivery(current_user, delivery_id)
    if delivery is None:
        abort(404)
    return delivery


@bp.route("/lieferungen/<id:delivery_id>")
@requires(Permission.DASHBOARD_VIEW)
def delivery_detail(delivery_id: int):
    return _delivery_page(
        _delivery_or_404(delivery_id), DeliveryUploadForm(formdata=None), page_arg()
    )


def _delivery_page(delivery, form: DeliveryUploadForm, page: int):
    return render_template(
        "monitoring/delivery_detail.html",
        delivery=delivery,
        form=form,
        jobs_page=jobs.jobs_page(current_user, page, delivery_id=delivery.id),
        action_form=Form(),
        today=today_in_berlin(),
        areas=len(deliveries.schedule_areas(delivery.schedule)),
        is_stale=jobs.is_stale,
    ), 422 if form.errors else 200


@bp.route("/lieferungen/<id:delivery_id>/vorlage.<any(csv, xlsx):kind>")
@requires(Permission.DASHBOARD_VIEW)
def delivery_template(delivery_id: int, kind: str):
    delivery = _delivery_or_404(delivery_id)
    return download(*deliveries.template(delivery, kind))


@bp.route("/lieferungen/<id:delivery_id>/hochladen", methods=["POST"])
@requires(Permission.DASHBOARD_VIEW)
def delivery_upload(delivery_id: int):
    delivery = _delivery_or_404(delivery_id)
    form = DeliveryUploadForm()
    if form.validate_on_submit():
        ok, job = commit_or_show(
            form.file,
            lambda: jobs.create_job(current_user, form.file.data.stream, form.file.data.filename,
                                    delivery=delivery, provisional=bool(form.provisional.data)),
            _("Die Datei wurde angenommen und wird geprüft."),
        )  # fmt: skip
        if ok:
            jobs.start(job)
            return redirect(url_for("monitoring.job_detail", job_id=job.id))
    return _delivery_page(delivery, form, 1)


@bp.route("/lieferungen/<id:delivery_id>/geprueft", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def delivery_check(delivery_id: int):
    delivery = _delivery_or_404(delivery_id)
    back = url_for("monitoring.delivery_detail", delivery_id=delivery.id)
    return delete_or_explain(lambda: deliveries.mark_checked(delivery, current_user),
                             _("Die Lieferung ist als geprüft markiert."), back, back)  # fmt: skip


@bp.route("/meine-lieferungen")
@requires(Permission.DELIVERIES_OWN)
def my_deliveries():
    org_id = current_user.organisation_id
    return render_template(
        "monitoring/my_deliveries.html",
        open_items=deliveries.open_deliveries(org_id) if org_id else [],
        page=deliveries.deliveries_of_organisation(org_id, page_arg()) if org_id else None,
        today=today_in_berlin(),
        can_plan=can(Permission.DOMAIN_EDIT),
    )
