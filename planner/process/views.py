"""Process pages: list, overview, timeline, step page, forms for processes, phases, steps,
dependencies, status, cycles and the mandates of resolutions."""

from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.core import services as core_services
from planner.core.forms import Form, options
from planner.core.panels import panels_for
from planner.core.permissions import Permission, requires
from planner.core.transaction import commit_or_show
from planner.core.urls import id_arg
from planner.core.views import form_page
from planner.deadlines.services import today_in_berlin
from planner.extensions import db
from planner.files.forms import FileUploadForm
from planner.files.services import files_of
from planner.governance.lookups import resolution_label
from planner.governance.models import Resolution
from planner.process import bp, services, timeline
from planner.process.forms import (
    CycleForm,
    DependencyForm,
    MandateForm,
    PhaseForm,
    ProcessCreateForm,
    ProcessForm,
    StatusForm,
    StepForm,
)
from planner.process.models import Phase, Process, Step
from planner.stakeholders.lookups import label_of


def _process_data(form: ProcessForm) -> services.ProcessData:
    return services.ProcessData(
        title=form.title.data,
        start_date=form.start_date.data,
        description=form.description.data,
        organisation_id=form.organisation.chosen_id,
    )


@bp.route("/prozesse/")
@requires(Permission.PROCESS_VIEW)
def process_list():
    return render_template("process/process_list.html", rows=services.process_list())


@bp.route("/prozesse/neu", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def process_create():
    form = ProcessCreateForm()
    if request.method == "GET":
        form.template.data = "standard"
    if form.validate_on_submit():
        ok, process = commit_or_show(
            form.title,
            lambda: services.create_process(_process_data(form), form.template.data or None),
            lambda p: _("Der Prozess „%(title)s“ wurde angelegt.", title=p.title),
            fields={services.DateError: form.start_date},
        )
        if ok:
            return redirect(url_for("process.overview", process_id=process.id))
    return form_page(form, _("Neuer Planungsprozess"), url_for("process.process_list"))


@bp.route("/prozesse/<id:process_id>")
@requires(Permission.PROCESS_VIEW)
def overview(process_id: int):
    process = db.get_or_404(Process, process_id)
    phases = services.plan(process)
    today = today_in_berlin()
    steps = [s for p in phases for s in p.steps]
    return render_template(
        "process/process_overview.html",
        process=process,
        phases=phases,
        today=today,
        total=sum(len(p.counted) for p in phases),
        done=sum(p.done for p in phases),
        late=[s for s in steps if s.late(today)],
    )


@bp.route("/prozesse/<id:process_id>/zeitplan")
@requires(Permission.PROCESS_VIEW)
def process_timeline(process_id: int):
    process = db.get_or_404(Process, process_id)
    phases = services.plan(process)
    today = today_in_berlin()
    steps = [s for p in phases for s in p.steps]
    return render_template(
        "process/process_timeline.html",
        process=process,
        phases=phases,
        chart=timeline.build(steps, today),
        today=today,
    )


@bp.route("/prozesse/<id:process_id>/bearbeiten", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def process_edit(process_id: int):
    process = db.get_or_404(Process, process_id)
    form = ProcessForm(obj=process)
    if request.method == "GET":
        form.organisation.data = process.organisation.name if process.organisation else ""
    if form.validate_on_submit():
        ok, _saved = commit_or_show(
            form.title,
            lambda: services.update_process(process, _process_data(form)),
            _("Der Prozess wurde gespeichert."),
            fields={services.DateError: form.start_date},
        )
        if ok:
            return redirect(url_for("process.overview", process_id=process.id))
    return form_page(
        form, _("Prozess bearbeiten"), url_for("process.overview", process_id=process.id),
        intro=_("Ein anderer Beginn verschiebt die Termine der Schritte nicht; ändern Sie sie "
                "dort oder legen Sie einen neuen Zyklus an."),
    )  # fmt: skip


@bp.route("/prozesse/<id:process_id>/neuer-zyklus", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def process_cycle(process_id: int):
    process = db.get_or_404(Process, process_id)
    form = CycleForm()
    if request.method == "GET":
        base = re.sub(r"\s*\(\d+\. Zyklus\)$", "", process.title)
        form.title.data = f"{base} ({process.cycle + 1}. Zyklus)"[:300]
        form.start_date.data = services.default_next_start(process)
    if form.validate_on_submit():
        ok, copy = commit_or_show(
            form.start_date,
            lambda: services.new_cycle(process, form.title.data, form.start_date.data),
            lambda c: _("Der %(n)s. Zyklus wurde angelegt.", n=c.cycle),
        )
        if ok:
            return redirect(url_for("process.overview", process_id=copy.id))
    return form_page(
        form, _("Neuer Zyklus: %(title)s", title=process.title),
        url_for("process.overview", process_id=process.id),
        intro=_("Der Plan wird für den nächsten Berichtszeitraum kopiert: Phasen, Schritte, "
                "Abhängigkeiten und Zuständigkeiten; alle Schritte sind wieder offen."),
        submit=_("Zyklus anlegen"),
    )  # fmt: skip


@bp.route("/prozesse/<id:process_id>/phasen/neu", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def phase_create(process_id: int):
    process = db.get_or_404(Process, process_id)
    form = PhaseForm()
    if form.validate_on_submit():
        ok, _phase = commit_or_show(
            form.title, lambda: services.add_phase(process, form.title.data),
            _("Die Phase wurde angelegt."),
        )  # fmt: skip
        if ok:
            return redirect(url_for("process.overview", process_id=process.id))
    return form_page(form, _("Neue Phase"), url_for("process.overview", process_id=process.id))


@bp.route("/phasen/<id:phase_id>/bearbeiten", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def phase_edit(phase_id: int):
    phase = db.get_or_404(Phase, phase_id)
    form = PhaseForm(obj=phase)
    if form.validate_on_submit():
        ok, _phase = commit_or_show(
            form.title, lambda: services.rename_phase(phase, form.title.data),
            _("Die Phase wurde gespeichert."),
        )  # fmt: skip
        if ok:
            return redirect(url_for("process.overview", process_id=phase.process_id))
    return form_page(
        form, _("Phase umbenennen"), url_for("process.overview", process_id=phase.process_id)
    )


def _step_data(form: StepForm) -> services.StepData:
    return services.StepData(
        title=form.title.data,
        phase_id=int(form.phase.data) if (form.phase.data or "").isdigit() else 0,
        description=form.description.data,
        responsible_organisation_id=form.responsible_organisation.chosen_id,
        responsible_person_id=form.responsible_person.chosen_id,
        start_date=form.start_date.data,
        due_date=form.due_date.data,
        resolution_id=form.resolution.chosen_id if "resolution" in form else None,
    )


def _phase_choices(form: StepForm, process_id: int) -> None:
    form.phase.choices = options((p.id, p.title) for p in services.phases_of(process_id))


@bp.route("/prozesse/<id:process_id>/schritte/neu", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def step_create(process_id: int):
    process = db.get_or_404(Process, process_id)
    form = StepForm()
    _phase_choices(form, process.id)
    if request.method == "GET" and id_arg("phase"):
        form.phase.data = str(id_arg("phase"))
    if form.validate_on_submit():
        ok, step = commit_or_show(
            form.title,
            lambda: services.create_step(process, _step_data(form)),
            lambda s: _("Der Schritt „%(title)s“ wurde angelegt.", title=s.title),
            fields={services.DateError: form.due_date},
        )
        if ok:
            return redirect(url_for("process.step_detail", step_id=step.id))
    return form_page(form, _("Neuer Schritt"), url_for("process.overview", process_id=process.id))


@bp.route("/prozessschritte/<id:step_id>")
@requires(Permission.PROCESS_VIEW)
def step_detail(step_id: int):
    step = db.get_or_404(Step, step_id)
    process = db.session.get(Process, step.process_id)
    status_form = StatusForm(formdata=None)
    status_form.status.data = step.status.value
    return render_template(
        "process/step_detail.html",
        step=step,
        process=process,
        today=today_in_berlin(),
        successors=services.successors_of(step),
        waiting=services.open_predecessors(step),
        history=services.step_history(step),
        files=files_of("step", step.id),
        upload_form=FileUploadForm(formdata=None),
        action_form=Form(),
        panels=panels_for("step", step),
        status_form=status_form,
        trail=core_services.created_and_changed("Step", step.id),
    )


def _fill_step_form(form: StepForm, step: Step) -> None:
    form.phase.data = str(step.phase_id)
    org = step.responsible_organisation
    form.responsible_organisation.data = org.name if org else ""
    if step.responsible_person:
        form.responsible_person.data = label_of(step.responsible_person)
    res = step.resolution
    form.resolution.data = (
        resolution_label(res.id, res.body.short_name or res.body.name, res.date, res.title)
        if res
        else ""
    )


@bp.route("/prozessschritte/<id:step_id>/bearbeiten", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def step_edit(step_id: int):
    step = db.get_or_404(Step, step_id)
    form = StepForm(obj=step)
    _phase_choices(form, step.process_id)
    if request.method == "GET":
        _fill_step_form(form, step)
    if form.validate_on_submit():
        ok, _saved = commit_or_show(
            form.title,
            lambda: services.update_step(step, _step_data(form)),
            _("Der Schritt wurde gespeichert."),
            fields={services.DateError: form.due_date},
        )
        if ok:
            return redirect(url_for("process.step_detail", step_id=step.id))
    return form_page(form, _("Schritt bearbeiten"), url_for("process.step_detail", step_id=step.id))


@bp.route("/prozessschritte/<id:step_id>/status", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def step_status(step_id: int):
    step = db.get_or_404(Step, step_id)
    form = StatusForm()
    if not form.validate_on_submit():
        flash(_("Bitte wählen Sie einen gültigen Status."), "error")
        return redirect(url_for("process.step_detail", step_id=step.id))
    try:
        services.set_status(step, form.status.data, current_user)
    except services.ProcessError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("process.step_detail", step_id=step.id))
    db.session.commit()
    flash(_("Status: %(label)s.", label=step.status.label), "success")
    return redirect(url_for("process.step_detail", step_id=step.id))


@bp.route("/prozessschritte/<id:step_id>/abhaengigkeiten", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def step_dependencies(step_id: int):
    step = db.get_or_404(Step, step_id)
    form = DependencyForm()
    form.predecessors.choices = services.steps_for_choice(step.process_id, exclude=step.id)
    if request.method == "GET":
        form.predecessors.data = [p.id for p in step.predecessors]
    if form.validate_on_submit():
        ok, _saved = commit_or_show(
            form.predecessors,
            lambda: services.set_dependencies(step, form.predecessors.data or []),
            _("Die Abhängigkeiten wurden gespeichert."),
        )
        if ok:
            return redirect(url_for("process.step_detail", step_id=step.id))
    return form_page(
        form, _("Abhängigkeiten: %(title)s", title=step.title),
        url_for("process.step_detail", step_id=step.id),
        intro=_("Ein Schritt beginnt erst, wenn die Schritte, von denen er abhängt, erledigt sind."),
    )  # fmt: skip


@bp.route("/prozessschritte/<id:step_id>/loeschen", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def step_delete(step_id: int):
    step = db.get_or_404(Step, step_id)
    if not Form().validate_on_submit():
        abort(400)
    process_id, title = step.process_id, step.title
    from planner.files.services import delete_files_of, drop_unreferenced

    hashes = delete_files_of("step", step.id)
    services.delete_step(step)
    db.session.commit()
    for sha in hashes:
        drop_unreferenced(sha)
    flash(_("Der Schritt „%(title)s“ wurde gelöscht.", title=title), "success")
    return redirect(url_for("process.overview", process_id=process_id))


@bp.route("/beschluesse/<id:resolution_id>/auftrag", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def mandate(resolution_id: int):
    resolution = db.get_or_404(Resolution, resolution_id)
    if not resolution.adopted:
        flash(_("Ein abgelehnter Beschluss erteilt keinen Auftrag."), "error")
        return redirect(url_for("governance.resolution_detail", resolution_id=resolution.id))
    form = MandateForm()
    del form.resolution
    form.phase.label.text = _("Prozess und Phase")
    form.phase.choices = options(
        (phase_id, f"{process_title} › {phase_title}")
        for phase_id, process_title, phase_title in db.session.execute(
            db.select(Phase.id, Process.title, Phase.title)
            .join(Process, Process.id == Phase.process_id)
            .order_by(Process.start_date.desc(), Process.id.desc(), Phase.position)
            .limit(200)
        )
    )
    if form.validate_on_submit():
        phase = db.session.get(Phase, int(form.phase.data))
        process = db.session.get(Process, phase.process_id)
        ok, step = commit_or_show(
            form.title,
            lambda: services.mandate(resolution, process, _step_data(form)),
            _("Der Auftrag ist als Prozessschritt angelegt."),
            fields={services.DateError: form.due_date},
        )
        if ok:
            return redirect(url_for("process.step_detail", step_id=step.id))
    return form_page(
        form, _("Auftrag aus dem Beschluss: %(title)s", title=resolution.title),
        url_for("governance.resolution_detail", resolution_id=resolution.id),
        intro=_("Jeder Auftrag wird ein Schritt im Prozessplan; sein Fälligkeitsdatum erscheint als Frist."),
    )  # fmt: skip
