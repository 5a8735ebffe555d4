"""Pages of measures: list with filters and exports, the measure page with its justification,
forms, the bulk update."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.core.forms import Form, options
from planner.core.panels import panels_for
from planner.core.permissions import Permission, requires
from planner.core.shell import list_query
from planner.core.transaction import DomainError, commit_or_show
from planner.core.urls import id_arg, page_arg
from planner.core.views import (
    TABLE_MIMETYPES,
    delete_or_explain,
    download,
    form_page,
    saved_upload,
)
from planner.deadlines.services import today_in_berlin
from planner.extensions import db
from planner.measures import bp, services, transfer
from planner.measures.forms import (
    BulkUpdateForm,
    CommentForm,
    JustificationForm,
    MeasureFilterForm,
    MeasureForm,
    MilestoneForm,
    ProgressForm,
    StatusForm,
    TargetForm,
)
from planner.measures.lookups import measure_label
from planner.measures.models import Justification, Measure, Milestone
from planner.meetings import services as meetings
from planner.monitoring.imports import ImportFailed
from planner.monitoring.lookups import area_names, indicator_names
from planner.stakeholders.lookups import label_of


def _measure_or_404(measure_id: int) -> Measure:
    return db.get_or_404(Measure, measure_id)


def _editable_or_403(measure: Measure) -> Measure:
    if not services.may_edit(current_user, measure):
        abort(403)
    return measure


def _to(measure_id: int, anchor: str = "") -> str:
    return url_for("measures.measure_detail", measure_id=measure_id) + anchor


def _filters() -> tuple[MeasureFilterForm, services.MeasureFilter]:
    form = MeasureFilterForm(request.args, meta={"csrf": False})
    valid = form.validate()
    if not valid:
        return form, services.MeasureFilter()
    return form, services.MeasureFilter(
        status=form.status.data or None,
        area_id=form.area.chosen_id,
        organisation_id=form.organisation.chosen_id,
        indicator_id=form.indicator.chosen_id,
        meeting_id=form.sitzung.data,
        unjustified=bool(form.unjustified.data),
        text=(form.q.data or "").strip() or None,
    )


@bp.route("/massnahmen/")
@requires(Permission.MEASURES_VIEW)
def measure_list():
    form, filters = _filters()
    page = services.measure_page(filters, page_arg())
    return render_template("measures/measure_list.html", form=form, page=page, query=list_query())


@bp.route("/massnahmen/export.<any(csv, xlsx):kind>")
@requires(Permission.MEASURES_VIEW)
def measure_export(kind: str):
    _form, filters = _filters()
    return download(transfer.export(filters, kind), f"massnahmen.{kind}", TABLE_MIMETYPES[kind])


@bp.route("/massnahmen/<id:measure_id>")
@requires(Permission.MEASURES_VIEW)
def measure_detail(measure_id: int):
    return _detail(_measure_or_404(measure_id))


def _measure_data(form: MeasureForm, meeting_id: int | None) -> services.MeasureData:
    return services.MeasureData(
        title=form.title.data, problem=form.problem.data, goal=form.goal.data,
        description=form.description.data, target_groups=form.target_groups.data,
        start_date=form.start_date.data, end_date=form.end_date.data, budget=form.budget.data,
        organisation_ids=form.organisations.ids, contact_id=form.contact.chosen_id,
        area_ids=form.areas.ids, parent_id=form.parent.chosen_id, meeting_id=meeting_id,
        agenda_item_id=int(form.agenda_item.data) if form.agenda_item.data else None,
    )  # fmt: skip


@bp.route("/massnahmen/neu", methods=["GET", "POST"])
@bp.route("/massnahmen/<id:measure_id>/bearbeiten", methods=["GET", "POST"])
@requires(Permission.MEASURES_LOG)
def measure_form(measure_id: int | None = None):
    measure = _editable_or_403(_measure_or_404(measure_id)) if measure_id else None
    meeting = None
    if measure is None:
        meeting_id = id_arg("sitzung")
        meeting = meetings.get_meeting(meeting_id) if meeting_id else None
        if meeting_id and meeting is None:
            abort(404)
        if not services.edits_all(current_user) and not services.may_log_at(current_user, meeting):
            abort(403)
    form = MeasureForm(obj=measure)
    origin = meeting or (measure.meeting if measure else None)
    items = meetings.items_of(origin.id) if origin else []
    form.agenda_item.choices = options(
        [("", _("– keiner –")), *((i.id, str(i)[:120]) for i in items)]
    )
    if measure is not None:
        form.agenda_item.render_kw = {"disabled": True}
    if measure and request.method == "GET":
        form.organisations.data = ", ".join(o.name for o in measure.organisations)
        form.contact.data = label_of(measure.contact) if measure.contact else ""
        form.areas.data = ", ".join(area_names(services.target_area_ids(measure.id)).values())
        form.parent.data = (
            measure_label(measure.parent.id, measure.parent.title) if measure.parent else ""
        )
        form.budget.data = (
            f"{measure.budget:.2f}".replace(".", ",") if measure.budget is not None else ""
        )
        form.agenda_item.data = str(measure.agenda_item_id or "")
    elif (
        request.method == "GET"
        and current_user.organisation_id
        and not services.edits_all(current_user)
    ):
        form.organisations.data = current_user.organisation.name
    if form.validate_on_submit():
        ok, saved = commit_or_show(
            form.title,
            lambda: services.save_measure(measure, _measure_data(form, meeting.id if meeting else None), current_user),
            lambda m: _("Die Maßnahme „%(title)s“ wurde gespeichert.", title=m.title),
            fields={services.DateError: form.end_date, services.BudgetError: form.budget,
                    services.ParentError: form.parent},
        )  # fmt: skip
        if ok:
            if measure is None:
                return redirect(url_for("measures.justification_form", measure_id=saved.id))
            return redirect(_to(saved.id))
    heading = _("Maßnahme bearbeiten") if measure else (
        _("Maßnahme erfassen: %(meeting)s", meeting=meeting.title) if meeting else _("Neue Maßnahme"))  # fmt: skip
    back = _to(measure.id) if measure else (
        url_for("meetings.meeting_detail", meeting_id=meeting.id) if meeting else url_for("measures.measure_list"))  # fmt: skip
    return form_page(form, heading, back)


@bp.route("/massnahmen/<id:measure_id>/status", methods=["POST"])
@requires(Permission.MEASURES_LOG)
def measure_status(measure_id: int):
    measure = _editable_or_403(_measure_or_404(measure_id))
    form = StatusForm()
    if not form.validate_on_submit():
        return _detail(measure, status_form=form)
    ok, _x = commit_or_show(
        form.status,
        lambda: services.set_status(measure, form.status.data, current_user),
        lambda m: _("Der Status ist jetzt „%(s)s“.", s=m.status.label),
    )
    if ok:
        return redirect(_to(measure.id))
    return _detail(measure, status_form=form)


def _status_form(measure: Measure) -> StatusForm:
    """The status select offers the steps the workflow allows from here."""
    form = StatusForm(formdata=None)
    form.status.choices = options((s.value, s.label) for s in services.allowed_next(measure.status))
    return form


def _detail(measure: Measure, **forms):
    """The measure page; with a refused form (its message at its field) answered with 422."""
    children = services.children_of(measure.id)
    status_form = _status_form(measure)
    if "status_form" in forms:
        forms["status_form"].status.choices = status_form.status.choices
    context = {
        "measure": measure,
        "justifications": services.justification_views(measure, current_user),
        "children": children,
        "progress": services.parent_progress(children) if children else None,
        "notes": services.progress_notes(measure.id),
        "comments": services.comments_of(measure.id),
        "milestones": services.milestones_of(measure.id),
        "areas": area_names(services.target_area_ids(measure.id)),
        "editable": services.may_edit(current_user, measure),
        "status_form": status_form,
        "next_status": services.allowed_next(measure.status),
        "comment_form": CommentForm(formdata=None),
        "action_form": Form(),
        "panels": panels_for("measure", measure),
        **forms,
    }
    return render_template("measures/measure_detail.html", **context), 422 if forms else 200


@bp.route("/massnahmen/<id:measure_id>/loeschen", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def measure_delete(measure_id: int):
    measure = _measure_or_404(measure_id)
    return delete_or_explain(lambda: services.delete_measure(measure), _("Die Maßnahme wurde gelöscht."),
                             url_for("measures.measure_list"), _to(measure.id))  # fmt: skip


# --- justification ----------------------------------------------------------------------------


@bp.route("/massnahmen/<id:measure_id>/begruendungen/neu", methods=["GET", "POST"])
@requires(Permission.MEASURES_LOG)
def justification_form(measure_id: int):
    measure = _editable_or_403(_measure_or_404(measure_id))
    form = JustificationForm()
    discussed_areas, discussed = (
        meetings.discussed(measure.meeting_id) if measure.meeting_id else ([], [])
    )
    names = indicator_names(discussed)
    form.discussed.choices = options(
        [("", _("– bitte wählen –")), *sorted(names.items(), key=lambda p: p[1])]
    )
    if not names:
        del form.discussed
    if request.method == "GET" and discussed_areas and not form.areas.data:
        form.areas.data = ", ".join(area_names(discussed_areas[:10]).values())
    if form.validate_on_submit():
        discussed_field = getattr(form, "discussed", None)
        chosen = form.indicator.chosen_id or (
            int(discussed_field.data)
            if discussed_field is not None and discussed_field.data
            else None
        )
        data = services.JustificationData(
            indicator_id=chosen, area_ids=form.areas.ids, period=form.period.data.strip(),
            baseline=form.baseline.number, target=form.target.number, note=form.note.data,
        )  # fmt: skip
        ok, _x = commit_or_show(
            form.indicator,
            lambda: services.add_justification(measure, data, current_user),
            lambda rows: _("%(n)s Begründung(en) mit dem Wert von %(p)s festgehalten.", n=len(rows), p=data.period),
            fields={services.PeriodError: form.period, services.TargetError: form.target},
        )  # fmt: skip
        if ok:
            return redirect(_to(measure.id, "#begruendung"))
    return form_page(form, _("Begründung durch einen Indikator"), _to(measure.id, "#begruendung"),
                     intro=_("„%(title)s“: Der Wert des gewählten Zeitraums wird mit der Maßnahme "
                             "festgehalten; spätere Korrekturen der Daten ändern ihn nicht.",
                             title=measure.title))  # fmt: skip


@bp.route("/begruendungen/<id:justification_id>/ziel", methods=["GET", "POST"])
@requires(Permission.MEASURES_LOG)
def justification_target(justification_id: int):
    justification = db.get_or_404(Justification, justification_id)
    measure = _editable_or_403(justification.measure)
    form = TargetForm()
    if request.method == "GET":
        from planner.monitoring.tabular import german_number

        form.baseline.data = (
            german_number(justification.baseline, 6).rstrip("0").rstrip(",")
            if justification.baseline is not None
            else ""
        )
        form.target.data = (
            german_number(justification.target, 6).rstrip("0").rstrip(",")
            if justification.target is not None
            else ""
        )
    if form.validate_on_submit():
        ok, _x = commit_or_show(
            form.target,
            lambda: services.update_target(justification, form.baseline.number, form.target.number, current_user),
            _("Ausgangs- und Zielwert wurden gespeichert."),
        )  # fmt: skip
        if ok:
            return redirect(_to(measure.id, "#begruendung"))
    return form_page(
        form, _("Ausgangs- und Zielwert"), _to(measure.id, "#begruendung"), intro=measure.title
    )


@bp.route("/begruendungen/<id:justification_id>/entfernen", methods=["POST"])
@requires(Permission.MEASURES_LOG)
def justification_remove(justification_id: int):
    justification = db.get_or_404(Justification, justification_id)
    measure = _editable_or_403(justification.measure)
    back = _to(measure.id, "#begruendung")
    return delete_or_explain(lambda: services.remove_justification(justification, current_user),
                             _("Die Begründung wurde entfernt."), back, back)  # fmt: skip


# --- progress, comments, milestones ----------------------------------------------------------


@bp.route("/massnahmen/<id:measure_id>/fortschritt", methods=["GET", "POST"])
@requires(Permission.MEASURES_LOG)
def progress_form(measure_id: int):
    measure = _editable_or_403(_measure_or_404(measure_id))
    form = ProgressForm()
    if request.method == "GET":
        form.day.data = today_in_berlin()
        form.percent.data = measure.progress
    if form.validate_on_submit():
        ok, _x = commit_or_show(
            form.text,
            lambda: services.add_progress(measure, form.day.data, form.text.data, form.percent.data, current_user),
            _("Der Fortschritt wurde vermerkt."),
            fields={services.DateError: form.day},
        )  # fmt: skip
        if ok:
            return redirect(_to(measure.id, "#fortschritt"))
    return form_page(
        form, _("Fortschritt vermerken"), _to(measure.id, "#fortschritt"), intro=measure.title
    )


@bp.route("/massnahmen/<id:measure_id>/kommentare", methods=["POST"])
@requires(Permission.MEASURES_LOG)
def comment_add(measure_id: int):
    measure = _measure_or_404(measure_id)
    form = CommentForm()
    if form.validate_on_submit():
        ok, _x = commit_or_show(form.text, lambda: services.add_comment(measure, form.text.data, current_user),
                                _("Ihr Kommentar wurde gespeichert."))  # fmt: skip
        if ok:
            return redirect(_to(measure.id, "#kommentare"))
    return _detail(measure, comment_form=form)


@bp.route("/massnahmen/<id:measure_id>/meilensteine/neu", methods=["GET", "POST"])
@requires(Permission.MEASURES_LOG)
def milestone_form(measure_id: int):
    measure = _editable_or_403(_measure_or_404(measure_id))
    form = MilestoneForm()
    if form.validate_on_submit():
        ok, _x = commit_or_show(
            form.title,
            lambda: services.add_milestone(measure, form.title.data, form.due_date.data, current_user),
            _("Der Meilenstein steht als Frist im Kalender."),
            fields={services.DateError: form.due_date},
        )  # fmt: skip
        if ok:
            return redirect(_to(measure.id, "#meilensteine"))
    return form_page(
        form, _("Neuer Meilenstein"), _to(measure.id, "#meilensteine"), intro=measure.title
    )


@bp.route("/meilensteine/<id:milestone_id>")
@requires(Permission.MEASURES_VIEW)
def milestone_detail(milestone_id: int):
    """Where a milestone's deadline links to: its measure."""
    milestone = db.get_or_404(Milestone, milestone_id)
    return redirect(_to(milestone.measure_id, "#meilensteine"))


@bp.route("/meilensteine/<id:milestone_id>/loeschen", methods=["POST"])
@requires(Permission.MEASURES_LOG)
def milestone_delete(milestone_id: int):
    milestone = db.get_or_404(Milestone, milestone_id)
    _editable_or_403(_measure_or_404(milestone.measure_id))
    back = _to(milestone.measure_id, "#meilensteine")
    return delete_or_explain(lambda: services.delete_milestone(milestone, current_user),
                             _("Der Meilenstein wurde gelöscht."), back, back)  # fmt: skip


# --- bulk update ---------------------------------------------------------------------------


@bp.route("/massnahmen/aktualisieren", methods=["GET", "POST"])
@requires(Permission.MEASURES_LOG)
def bulk_update():
    form = BulkUpdateForm()
    problems = None
    if form.validate_on_submit():
        path = saved_upload(form.file.data)
        try:
            count = transfer.apply_file(path, current_user, today_in_berlin())
        except ImportFailed as exc:
            db.session.rollback()
            problems = exc.problems
            form.file.errors = [*form.file.errors, str(exc)]
        except DomainError as exc:
            db.session.rollback()
            form.file.errors = [*form.file.errors, str(exc)]
        else:
            db.session.commit()
            flash(_("%(n)s Maßnahme(n) aktualisiert.", n=count), "success")
            return redirect(url_for("measures.measure_list"))
        finally:
            path.unlink(missing_ok=True)
    return render_template(
        "measures/bulk_update.html", form=form, problems=problems
    ), 422 if form.errors else 200


@bp.route("/massnahmen/aktualisieren/vorlage.csv")
@requires(Permission.MEASURES_LOG)
def bulk_template():
    return download(
        transfer.template_rows(), "massnahmen-aktualisieren.csv", "text/csv; charset=utf-8"
    )
