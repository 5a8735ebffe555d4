"""Pages of funding: the overview, programmes with modules and calls, applications with their
status, grant and duties, budget lines with the block, its lift and the money for measures."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from planner.accounts.lookups import person_label
from planner.core.exports import Column
from planner.core.forms import Form, options
from planner.core.money import money_input
from planner.core.permissions import Permission, can, requires
from planner.core.shell import list_query
from planner.core.transaction import commit_or_show
from planner.core.urls import id_arg, page_arg
from planner.core.views import (
    TABLE_MIMETYPES,
    delete_or_explain,
    download,
    form_page,
    list_download,
)
from planner.deadlines.services import today_in_berlin
from planner.extensions import db
from planner.files.forms import FileUploadForm
from planner.files.services import files_of
from planner.funding import bp, budget, rules, services, transfer
from planner.funding import overview as sums
from planner.funding.forms import (
    AllocationForm,
    ApplicationFilterForm,
    ApplicationForm,
    BudgetFilterForm,
    BudgetLineForm,
    CallForm,
    LiftForm,
    ModuleForm,
    ObligationForm,
    OverviewFilterForm,
    ProgrammeFilterForm,
    ProgrammeForm,
    StatusForm,
)
from planner.funding.lookups import application_label
from planner.funding.models import (
    BUDGET_STATE_LABELS,
    BudgetAllocation,
    BudgetLine,
    FundingApplication,
    FundingCall,
    FundingModule,
    FundingProgramme,
    GrantObligation,
)
from planner.measures import services as measures
from planner.measures.lookups import measure_label
from planner.process import services as process
from planner.process.lookups import step_label

FILE_OWNER = "funding_application"


# --- overview -------------------------------------------------------------------------------


@bp.route("/foerderung/")
@requires(Permission.FUNDING_VIEW)
def overview():
    form = OverviewFilterForm(request.args, meta={"csrf": False})
    valid = form.validate()
    year_from = form.von.data if valid else None
    year_to = form.bis.data if valid else None
    today = today_in_berlin()
    overdue, coming = sums.open_deadlines(today)
    return render_template(
        "funding/overview.html", form=form,
        overview=sums.overview(year_from, year_to), overdue=overdue, upcoming=coming,
        unfunded=sums.unfunded_measures(10) if can(Permission.MEASURES_VIEW) else [],
        today=today,
    )  # fmt: skip


@bp.route("/foerderung/massnahmen-ohne-finanzierung")
@requires(Permission.FUNDING_VIEW)
def unfunded():
    if not can(Permission.MEASURES_VIEW):
        abort(403)
    return render_template("funding/unfunded.html", measures=sums.unfunded_measures(200))


# --- programmes -----------------------------------------------------------------------------


def _programme_or_404(programme_id: int) -> FundingProgramme:
    return db.get_or_404(FundingProgramme, programme_id)


def _to_programme(programme_id: int, anchor: str = "") -> str:
    return url_for("funding.programme_detail", programme_id=programme_id) + anchor


@bp.route("/foerderung/programme/")
@requires(Permission.FUNDING_VIEW)
def programme_list():
    form, page = _programmes(page_arg())
    return render_template("funding/programme_list.html", form=form, page=page, choose=False)


def _programmes(page: int):
    form = ProgrammeFilterForm(request.args, meta={"csrf": False})
    text = (form.q.data or "").strip() if form.validate() else ""
    return form, services.programme_page(text or None, page)


PROGRAMME_COLUMNS = [
    Column(_l("Programm"), lambda p: p.name),
    Column(_l("Fördergeber"), lambda p: p.funder.name if p.funder else None),
    Column(_l("Rechtsgrundlage"), lambda p: p.legal_basis),
    Column(_l("Erstes Jahr"), lambda p: p.first_year),
    Column(_l("Letztes Jahr"), lambda p: p.last_year),
    Column(_l("Höchstbetrag (EUR)"), lambda p: p.max_amount, decimals=2),
    Column(_l("Eigenanteil (%)"), lambda p: p.own_share_percent),
]


@bp.route("/foerderung/programme/export.<any(csv, xlsx):kind>")
@requires(Permission.FUNDING_VIEW)
def programme_list_export(kind: str):
    return list_download(kind, "foerderprogramme", PROGRAMME_COLUMNS, lambda: _programmes(1)[1], _("Förderprogramme"))  # fmt: skip


@bp.route("/foerderung/programme/<id:programme_id>")
@requires(Permission.FUNDING_VIEW)
def programme_detail(programme_id: int):
    programme = _programme_or_404(programme_id)
    calls = services.calls_of(programme.id)
    from planner.deadlines import services as deadlines

    return render_template(
        "funding/programme_detail.html", programme=programme,
        modules=services.modules_of(programme.id), calls=calls,
        call_deadlines=deadlines.states_of(rules.CALL_OWNER, [c.id for c in calls]),
        applications=services.applications_of_programme(programme.id, 21),
        overview=sums.overview(programme_id=programme.id),
        rule=rules.rule_for(programme, None), fmt_percent=rules.fmt_percent,
        action_form=Form(),
    )  # fmt: skip


def _programme_data(form: ProgrammeForm) -> services.ProgrammeData:
    return services.ProgrammeData(
        name=form.name.data, funder_id=form.funder.chosen_id, legal_basis=form.legal_basis.data,
        first_year=form.first_year.data, last_year=form.last_year.data,
        max_amount=form.max_amount.data, own_share_percent=form.own_share_percent.data,
        eligible_costs=form.eligible_costs.data, notes=form.notes.data,
        responsible_id=form.responsible.chosen_id,
    )  # fmt: skip


@bp.route("/foerderung/programme/neu", methods=["GET", "POST"])
@bp.route("/foerderung/programme/<id:programme_id>/bearbeiten", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def programme_form(programme_id: int | None = None):
    programme = _programme_or_404(programme_id) if programme_id else None
    form = ProgrammeForm(obj=programme)
    if programme and request.method == "GET":
        form.funder.data = programme.funder.name if programme.funder else ""
        form.responsible.data = person_label(programme.responsible) if programme.responsible else ""
        form.max_amount.data = money_input(programme.max_amount)
        form.own_share_percent.data = rules.fmt_percent(programme.own_share_percent).replace(
            "\u00a0%", ""
        )
    if form.validate_on_submit():
        ok, saved = commit_or_show(
            form.name, lambda: services.save_programme(programme, _programme_data(form)),
            lambda p: _("Das Förderprogramm „%(name)s“ wurde gespeichert.", name=p.name),
            fields={rules.YearError: form.last_year, rules.PercentError: form.own_share_percent,
                    rules.AmountError: form.max_amount},
        )  # fmt: skip
        if ok:
            return redirect(_to_programme(saved.id))
    back = _to_programme(programme.id) if programme else url_for("funding.programme_list")
    return form_page(
        form, _("Förderprogramm bearbeiten") if programme else _("Neues Förderprogramm"), back
    )


@bp.route("/foerderung/programme/<id:programme_id>/loeschen", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def programme_delete(programme_id: int):
    programme = _programme_or_404(programme_id)
    return delete_or_explain(lambda: services.delete_programme(programme),
                             _("Das Förderprogramm wurde gelöscht."),
                             url_for("funding.programme_list"), _to_programme(programme.id))  # fmt: skip


@bp.route("/foerderung/programme/<id:programme_id>/module/neu", methods=["GET", "POST"])
@bp.route("/foerderung/module/<id:module_id>/bearbeiten", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def module_form(programme_id: int | None = None, module_id: int | None = None):
    module = db.get_or_404(FundingModule, module_id) if module_id else None
    programme = module.programme if module else _programme_or_404(programme_id)
    form = ModuleForm(obj=module)
    if module and request.method == "GET":
        form.max_amount.data = money_input(module.max_amount)
        form.own_share_percent.data = rules.fmt_percent(module.own_share_percent).replace(
            "\u00a0%", ""
        )
    if form.validate_on_submit():
        data = services.ModuleData(name=form.name.data, max_amount=form.max_amount.data,
                                   own_share_percent=form.own_share_percent.data,
                                   eligible_costs=form.eligible_costs.data)  # fmt: skip
        ok, _x = commit_or_show(
            form.name, lambda: services.save_module(programme, module, data),
            _("Das Modul wurde gespeichert."),
            fields={rules.PercentError: form.own_share_percent, rules.AmountError: form.max_amount},
        )  # fmt: skip
        if ok:
            return redirect(_to_programme(programme.id, "#module"))
    return form_page(form, _("Modul bearbeiten") if module else _("Neues Modul"),
                     _to_programme(programme.id, "#module"), intro=programme.name)  # fmt: skip


@bp.route("/foerderung/module/<id:module_id>/loeschen", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def module_delete(module_id: int):
    module = db.get_or_404(FundingModule, module_id)
    back = _to_programme(module.programme_id, "#module")
    return delete_or_explain(lambda: services.delete_module(module),
                             _("Das Modul wurde gelöscht."), back, back)  # fmt: skip


@bp.route("/foerderung/programme/<id:programme_id>/aufrufe/neu", methods=["GET", "POST"])
@bp.route("/foerderung/aufrufe/<id:call_id>/bearbeiten", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def call_form(programme_id: int | None = None, call_id: int | None = None):
    call = db.get_or_404(FundingCall, call_id) if call_id else None
    programme = call.programme if call else _programme_or_404(programme_id)
    form = CallForm(obj=call)
    form.modul.choices = options(
        [("", _("– alle Module –")), *((m.id, m.name) for m in services.modules_of(programme.id))]
    )
    if call and request.method == "GET":
        form.modul.data = str(call.module_id or "")
    if form.validate_on_submit():
        data = services.CallData(
            title=form.title.data, year=form.year.data, closes_on=form.closes_on.data,
            opens_on=form.opens_on.data, module_id=int(form.modul.data) if form.modul.data else None,
            notes=form.notes.data,
        )  # fmt: skip
        ok, _x = commit_or_show(
            form.title, lambda: services.save_call(programme, call, data),
            _("Der Aufruf wurde gespeichert; sein Einreichungsschluss steht im Kalender."),
            fields={rules.YearError: form.year, rules.DateError: form.closes_on},
        )  # fmt: skip
        if ok:
            return redirect(_to_programme(programme.id, "#aufrufe"))
    return form_page(form, _("Aufruf bearbeiten") if call else _("Neuer Aufruf"),
                     _to_programme(programme.id, "#aufrufe"), intro=programme.name)  # fmt: skip


@bp.route("/foerderung/aufrufe/<id:call_id>")
@requires(Permission.FUNDING_VIEW)
def call_detail(call_id: int):
    """Where a call's deadline links to: its programme."""
    call = db.get_or_404(FundingCall, call_id)
    return redirect(_to_programme(call.programme_id, "#aufrufe"))


@bp.route("/foerderung/aufrufe/<id:call_id>/loeschen", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def call_delete(call_id: int):
    call = db.get_or_404(FundingCall, call_id)
    back = _to_programme(call.programme_id, "#aufrufe")
    return delete_or_explain(lambda: services.delete_call(call),
                             _("Der Aufruf wurde gelöscht."), back, back)  # fmt: skip


# --- applications ---------------------------------------------------------------------------


def _application_or_404(application_id: int) -> FundingApplication:
    app = services.get_application(application_id)
    if app is None:
        abort(404)
    return app


def _to_application(application_id: int, anchor: str = "") -> str:
    return url_for("funding.application_detail", application_id=application_id) + anchor


def _application_filters() -> tuple[ApplicationFilterForm, services.ApplicationFilter]:
    form = ApplicationFilterForm(request.args, meta={"csrf": False})
    if not form.validate():
        return form, services.ApplicationFilter()
    return form, services.ApplicationFilter(
        programme_id=form.programm.data, status=form.status.data or None, year=form.year.data,
        applicant_id=form.applicant.chosen_id, text=(form.q.data or "").strip() or None,
    )  # fmt: skip


@bp.route("/foerderung/antraege/")
@requires(Permission.FUNDING_VIEW)
def application_list():
    form, filters = _application_filters()
    page = services.application_page(filters, page_arg())
    programme = (
        db.session.get(FundingProgramme, filters.programme_id) if filters.programme_id else None
    )
    return render_template("funding/application_list.html", form=form, page=page, query=list_query(),
                           programme=programme)  # fmt: skip


@bp.route("/foerderung/antraege/export.<any(csv, xlsx):kind>")
@requires(Permission.FUNDING_VIEW)
def application_export(kind: str):
    _form, filters = _application_filters()
    return download(
        transfer.export_applications(filters, kind),
        f"foerderantraege.{kind}",
        TABLE_MIMETYPES[kind],
    )


@bp.route("/foerderung/antraege/<id:application_id>")
@requires(Permission.FUNDING_VIEW)
def application_detail(application_id: int):
    return _detail(_application_or_404(application_id))


def _status_form(app: FundingApplication) -> StatusForm:
    form = StatusForm(formdata=None)
    form.status.choices = options(
        [
            ("", _("– bitte wählen –")),
            *((s.value, s.label) for s in services.allowed_next(app.status)),
        ]
    )
    form.on.data = today_in_berlin()
    return form


def _detail(app: FundingApplication, **forms):
    from planner.deadlines import services as deadlines

    obligations = services.obligations_of(app.id)
    status_form = _status_form(app)
    if "status_form" in forms:
        forms["status_form"].status.choices = status_form.status.choices
    context = {
        "app": app,
        "rule": rules.rule_for(app.programme, app.module),
        "fmt_percent": rules.fmt_percent,
        "measures": measures.measures_by_ids(services.linked_measure_ids(app.id)),
        "steps": process.steps_by_ids(services.linked_step_ids(app.id)),
        "obligations": obligations,
        "obligation_deadlines": deadlines.states_of(
            rules.OBLIGATION_OWNER, [o.id for o in obligations]
        ),  # fmt: skip
        "budget_lines": budget.budget_lines_of_application(app.id),
        "next_status": services.allowed_next(app.status),
        "status_form": status_form,
        "files": files_of(FILE_OWNER, app.id),
        "upload_form": FileUploadForm(formdata=None),
        "action_form": Form(),
        "budget_labels": BUDGET_STATE_LABELS,
        **forms,
    }
    return render_template("funding/application_detail.html", **context), 422 if forms else 200


def _application_data(
    form: ApplicationForm, programme: FundingProgramme
) -> services.ApplicationData:
    return services.ApplicationData(
        programme_id=programme.id, applicant_id=form.applicant.chosen_id, title=form.title.data,
        year=form.year.data, total_costs=form.total_costs.data, requested=form.requested.data,
        module_id=int(form.modul.data) if form.modul.data else None,
        call_id=int(form.aufruf.data) if form.aufruf.data else None,
        reference=form.reference.data, responsible_id=form.responsible.chosen_id,
        notes=form.notes.data, measure_ids=form.measures.ids, step_ids=form.steps.ids,
    )  # fmt: skip


@bp.route("/foerderung/antraege/neu", methods=["GET", "POST"])
@bp.route("/foerderung/antraege/<id:application_id>/bearbeiten", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def application_form(application_id: int | None = None):
    app = _application_or_404(application_id) if application_id else None
    if app is None:
        programme_id = id_arg("programm")
        if programme_id is None:  # first the programme
            form = ProgrammeFilterForm(request.args, meta={"csrf": False})
            text = (form.q.data or "").strip() if form.validate() else ""
            chosen = measures.measures_by_ids([m]) if (m := id_arg("massnahme")) else []
            return render_template("funding/programme_list.html", form=form, choose=True,
                                   page=services.programme_page(text or None, page_arg()),
                                   measure_id=chosen[0].id if chosen else None,
                                   measure=chosen[0] if chosen else None)  # fmt: skip
        programme = _programme_or_404(programme_id)
    else:
        programme = app.programme
    form = ApplicationForm(obj=app)
    modules = services.modules_of(programme.id)
    form.modul.choices = options([("", _("– keines –")), *((m.id, m.name) for m in modules)])
    form.aufruf.choices = options(
        [("", _("– keiner –")), *((c.id, f"{c.title} (Einreichung bis {c.closes_on:%d.%m.%Y})")
                                  for c in services.calls_of(programme.id))]
    )  # fmt: skip
    if app and request.method == "GET":
        form.applicant.data = app.applicant.name
        form.modul.data = str(app.module_id or "")
        form.aufruf.data = str(app.call_id or "")
        form.total_costs.data = money_input(app.total_costs)
        form.requested.data = money_input(app.requested)
        form.responsible.data = person_label(app.responsible) if app.responsible else ""
        form.measures.data = ", ".join(
            measure_label(m.id, m.title)
            for m in measures.measures_by_ids(services.linked_measure_ids(app.id))
        )
        form.steps.data = ", ".join(
            step_label(s.id, s.title)
            for s in process.steps_by_ids(services.linked_step_ids(app.id))
        )
    elif request.method == "GET":
        if len(modules) == 1:  # the one module (and its rule) is the application's
            form.modul.data = str(modules[0].id)
        form.applicant.data = current_user.organisation.name if current_user.organisation else ""
        form.responsible.data = person_label(current_user)
        measure_id = id_arg("massnahme")
        chosen = measures.measures_by_ids([measure_id]) if measure_id else []
        if chosen:
            form.measures.data = measure_label(chosen[0].id, chosen[0].title)
            form.title.data = chosen[0].title
    if form.validate_on_submit():
        ok, saved = commit_or_show(
            form.title,
            lambda: services.save_application(app, _application_data(form, programme)),
            lambda a: _("Der Förderantrag „%(title)s“ wurde gespeichert.", title=a.title),
            fields={rules.TotalCostsError: form.total_costs, rules.AmountError: form.requested,
                    rules.YearError: form.year, rules.ModuleError: form.modul,
                    rules.CallError: form.aufruf},
        )  # fmt: skip
        if ok:
            return redirect(_to_application(saved.id))
    rule = rules.rule_for(programme, None)
    intro = _("Programm „%(p)s“", p=programme.name)
    if rule.max_amount or rule.own_share_percent:
        intro += " – " + _("Regel: höchstens %(max)s, Eigenanteil mindestens %(pct)s (Module "
                           "können eigene Werte haben).",
                           max=services.fmt_money(rule.max_amount) if rule.max_amount else "–",
                           pct=rules.fmt_percent(rule.own_share_percent) or "0 %")  # fmt: skip
    back = _to_application(app.id) if app else url_for("funding.application_list")
    if app is None and (measure_id := id_arg("massnahme")):
        back = url_for("measures.measure_detail", measure_id=measure_id)
    return form_page(form, _("Förderantrag bearbeiten") if app else _("Neuer Förderantrag"),
                     back, intro=intro)  # fmt: skip


@bp.route("/foerderung/antraege/<id:application_id>/status", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def application_status(application_id: int):
    app = _application_or_404(application_id)
    if request.method == "GET":  # the address after a refused change, reloaded
        return redirect(_to_application(app.id, "#statuswechsel"))
    form = StatusForm()
    if not form.validate_on_submit():
        return _detail(app, status_form=form)
    change = services.StatusChange(
        status=form.status.data, on=form.on.data, granted=form.granted.data,
        authority_id=form.authority.chosen_id, period_start=form.period_start.data,
        period_end=form.period_end.data, reference=form.reference.data,
    )  # fmt: skip

    def success(proposed) -> str:
        text = _("Der Antrag ist jetzt „%(s)s“.", s=app.status.label)
        if app.status.granted and proposed:
            text += " " + ngettext(
                "Die Bewilligung erfüllt die Bedingung eines Sperrvermerks: Planner schlägt die "
                "Aufhebung vor; der Schritt für den Beschluss steht im Prozessplan (siehe unten "
                "unter „Haushaltsansätze“).",
                "Die Bewilligung erfüllt die Bedingung von %(num)s Sperrvermerken: Planner schlägt "
                "die Aufhebung vor; die Schritte für die Beschlüsse stehen im Prozessplan (siehe "
                "unten unter „Haushaltsansätze“).", len(proposed))  # fmt: skip
        return text

    ok, _x = commit_or_show(
        form.status, lambda: services.change_status(app, change, today_in_berlin()), success,
        fields={rules.GrantError: form.granted, rules.DateError: form.on},
    )  # fmt: skip
    if ok:
        return redirect(_to_application(app.id))
    return _detail(app, status_form=form)


@bp.route("/foerderung/antraege/<id:application_id>/loeschen", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def application_delete(application_id: int):
    app = _application_or_404(application_id)
    return delete_or_explain(lambda: services.delete_application(app),
                             _("Der Förderantrag wurde gelöscht."),
                             url_for("funding.application_list"), _to_application(app.id))  # fmt: skip


@bp.route("/foerderung/antraege/<id:application_id>/fristen/neu", methods=["GET", "POST"])
@bp.route("/foerderung/fristen/<id:obligation_id>/bearbeiten", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def obligation_form(application_id: int | None = None, obligation_id: int | None = None):
    obligation = db.get_or_404(GrantObligation, obligation_id) if obligation_id else None
    app = _application_or_404(obligation.application_id if obligation else application_id)
    form = ObligationForm(obj=obligation)
    if form.validate_on_submit():
        ok, _x = commit_or_show(
            form.title,
            lambda: services.save_obligation(app, obligation, form.kind.data, form.title.data,
                                             form.due_date.data),
            _("Die Frist wurde gespeichert und steht im Kalender."),
            fields={rules.DateError: form.due_date},
        )  # fmt: skip
        if ok:
            return redirect(_to_application(app.id, "#fristen"))
    return form_page(form, _("Frist bearbeiten") if obligation else _("Neue Frist aus der Bewilligung"),
                     _to_application(app.id, "#fristen"), intro=app.title)  # fmt: skip


@bp.route("/foerderung/fristen/<id:obligation_id>")
@requires(Permission.FUNDING_VIEW)
def obligation_detail(obligation_id: int):
    """Where a duty's deadline links to: its application."""
    obligation = db.get_or_404(GrantObligation, obligation_id)
    return redirect(_to_application(obligation.application_id, "#fristen"))


@bp.route("/foerderung/fristen/<id:obligation_id>/loeschen", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def obligation_delete(obligation_id: int):
    obligation = db.get_or_404(GrantObligation, obligation_id)
    back = _to_application(obligation.application_id, "#fristen")
    return delete_or_explain(lambda: services.delete_obligation(obligation),
                             _("Die Frist wurde gelöscht."), back, back)  # fmt: skip


# --- budget lines ---------------------------------------------------------------------------


def _line_or_404(line_id: int) -> BudgetLine:
    return db.get_or_404(BudgetLine, line_id)


def _to_line(line_id: int, anchor: str = "") -> str:
    return url_for("funding.budget_detail", line_id=line_id) + anchor


def _budget_filters() -> tuple[BudgetFilterForm, budget.BudgetFilter]:
    form = BudgetFilterForm(request.args, meta={"csrf": False})
    if not form.validate():
        return form, budget.BudgetFilter()
    return form, budget.BudgetFilter(year=form.year.data, state=form.state.data or None,
                                       text=(form.q.data or "").strip() or None)  # fmt: skip


@bp.route("/foerderung/haushalt/")
@requires(Permission.FUNDING_VIEW)
def budget_list():
    form, filters = _budget_filters()
    page = budget.budget_page(filters, page_arg())
    return render_template("funding/budget_list.html", form=form, page=page,
                           labels=BUDGET_STATE_LABELS, query=list_query())  # fmt: skip


@bp.route("/foerderung/haushalt/export.<any(csv, xlsx):kind>")
@requires(Permission.FUNDING_VIEW)
def budget_export(kind: str):
    _form, filters = _budget_filters()
    return download(
        transfer.export_budget_lines(filters, kind),
        f"haushaltsansaetze.{kind}",
        TABLE_MIMETYPES[kind],
    )


@bp.route("/foerderung/haushalt/<id:line_id>")
@requires(Permission.FUNDING_VIEW)
def budget_detail(line_id: int):
    line = _line_or_404(line_id)
    planned, spent = budget.line_totals(line.id)
    return render_template(
        "funding/budget_detail.html", line=line, labels=BUDGET_STATE_LABELS,
        allocations=budget.allocations_of(line.id), planned=planned, spent=spent,
        action_form=Form(),
    )  # fmt: skip


@bp.route("/foerderung/haushalt/neu", methods=["GET", "POST"])
@bp.route("/foerderung/haushalt/<id:line_id>/bearbeiten", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def budget_form(line_id: int | None = None):
    line = _line_or_404(line_id) if line_id else None
    form = BudgetLineForm(obj=line)
    form.plan.choices = options(
        [("", _("– der zuletzt begonnene –")), *process.processes_for_choice(50)]
    )
    if line and request.method == "GET":
        form.amount.data = money_input(line.amount)
        form.lift_body.data = line.lift_body.name if line.lift_body else ""
        form.application.data = (application_label(line.application.id, line.application.title)
                                 if line.application else "")  # fmt: skip
        form.plan.data = str(line.process_id or "")
    if form.validate_on_submit():
        data = budget.BudgetLineData(
            year=form.year.data, amount=form.amount.data, purpose=form.purpose.data,
            cost_centre=form.cost_centre.data, blocked=form.blocked.data,
            block_condition=form.block_condition.data, lift_body_id=form.lift_body.chosen_id,
            application_id=form.application.chosen_id,
            process_id=int(form.plan.data) if form.plan.data else None, notes=form.notes.data,
        )  # fmt: skip
        ok, saved = commit_or_show(
            form.purpose, lambda: budget.save_budget_line(line, data),
            _("Der Haushaltsansatz wurde gespeichert."),
            fields={rules.AmountError: form.amount, rules.YearError: form.year,
                    rules.BlockError: form.block_condition},
        )  # fmt: skip
        if ok:
            return redirect(_to_line(saved.id))
    back = _to_line(line.id) if line else url_for("funding.budget_list")
    return form_page(
        form, _("Haushaltsansatz bearbeiten") if line else _("Neuer Haushaltsansatz"), back
    )


@bp.route("/foerderung/haushalt/<id:line_id>/aufheben", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def budget_lift(line_id: int):
    line = _line_or_404(line_id)
    if not line.blocked or line.lifted_on is not None:
        flash(_("Dieser Ansatz ist nicht (mehr) gesperrt."), "info")
        return redirect(_to_line(line.id))
    form = LiftForm()
    if request.method == "GET":
        form.lifted_on.data = today_in_berlin()
    if form.validate_on_submit():
        ok, _x = commit_or_show(
            form.resolution,
            lambda: budget.lift_block(line, form.lifted_on.data, form.resolution.chosen_id,
                                        today_in_berlin()),
            _("Die Sperre ist aufgehoben; die Mittel stehen zur Verfügung."),
            fields={rules.DateError: form.lifted_on},
        )  # fmt: skip
        if ok:
            return redirect(_to_line(line.id))
    intro = str(line)
    if line.lift_body:
        intro += " – " + _("die Sperre hebt „%(b)s“ auf", b=line.lift_body.name)
    return form_page(form, _("Sperrvermerk aufheben"), _to_line(line.id), intro=intro)


@bp.route("/foerderung/haushalt/<id:line_id>/aufhebung-zuruecknehmen", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def budget_undo_lift(line_id: int):
    line = _line_or_404(line_id)
    back = _to_line(line.id)
    return delete_or_explain(lambda: budget.undo_lift(line),
                             _("Die Aufhebung ist zurückgenommen; der Ansatz ist wieder gesperrt."),
                             back, back)  # fmt: skip


@bp.route("/foerderung/haushalt/<id:line_id>/loeschen", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def budget_delete(line_id: int):
    line = _line_or_404(line_id)
    return delete_or_explain(lambda: budget.delete_budget_line(line),
                             _("Der Haushaltsansatz wurde gelöscht."),
                             url_for("funding.budget_list"), _to_line(line.id))  # fmt: skip


@bp.route("/foerderung/haushalt/<id:line_id>/mittel", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def allocation_form(line_id: int):
    line = _line_or_404(line_id)
    form = AllocationForm()
    if request.method == "GET":
        measure_id = id_arg("massnahme")
        chosen = measures.measures_by_ids([measure_id]) if measure_id else []
        if chosen:
            form.measure.data = measure_label(chosen[0].id, chosen[0].title)
            existing = budget.allocation_for(line.id, chosen[0].id)
            if existing is not None:
                form.planned.data = money_input(existing.planned)
                form.spent.data = money_input(existing.spent)
    if form.validate_on_submit():
        ok, _x = commit_or_show(
            form.planned,
            lambda: budget.set_allocation(line, form.measure.chosen_id, form.planned.data,
                                            form.spent.data),
            _("Die Mittel für die Maßnahme wurden gespeichert."),
            fields={rules.SpentError: form.spent},
        )  # fmt: skip
        if ok:
            return redirect(_to_line(line.id, "#mittel"))
    return form_page(form, _("Mittel für eine Maßnahme"), _to_line(line.id, "#mittel"),
                     intro=_("%(line)s: %(amount)s", line=str(line), amount=services.fmt_money(line.amount)))  # fmt: skip


@bp.route("/foerderung/mittel/<id:allocation_id>/entfernen", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def allocation_remove(allocation_id: int):
    allocation = db.get_or_404(BudgetAllocation, allocation_id)
    back = _to_line(allocation.budget_line_id, "#mittel")
    return delete_or_explain(lambda: budget.remove_allocation(allocation),
                             _("Die Maßnahme erhält keine Mittel mehr aus diesem Ansatz."), back, back)  # fmt: skip
