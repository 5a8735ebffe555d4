"""Pages of the monitoring: areas and their profiles, the indicator catalogue, the indicator
across areas (table, map, time series), imports, the index and data extracts."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from planner.core.exports import Column
from planner.core.forms import Form, options
from planner.core.pagination import paginate
from planner.core.panels import panels_for
from planner.core.permissions import Permission, requires
from planner.core.transaction import DomainError, commit_or_show
from planner.core.urls import page_arg
from planner.core.views import (
    TABLE_MIMETYPES,
    delete_or_explain,
    download,
    form_page,
    list_download,
    saved_upload,
)
from planner.extensions import db
from planner.monitoring import areas as area_services
from planner.monitoring import bp, catalogue, charts, extracts, jobs, values
from planner.monitoring import index as index_services
from planner.monitoring.forms import (
    AreaFilterForm,
    AreaForm,
    AreaImportForm,
    ExtractForm,
    IndexForm,
    IndicatorFilterForm,
    IndicatorForm,
    SeriesForm,
    UploadForm,
    ViewForm,
)
from planner.monitoring.imports import ImportFailed
from planner.monitoring.lookups import area_label, indicator_code, resolve_area
from planner.monitoring.models import Area, IndexRun, Indicator, Observation
from planner.monitoring.tabular import TableError

# --- areas ------------------------------------------------------------------------------


def _areas(page: int):
    form = AreaFilterForm(request.args, meta={"csrf": False})
    valid = form.validate()
    q = (form.q.data or "").strip() if valid else ""
    level = (form.ebene.data or "").strip() if valid else ""
    return form, q, level, area_services.children_page(None, page, q or None, level or None)


@bp.route("/raeume/")
@requires(Permission.MONITORING_VIEW)
def area_list():
    form, q, level, page = _areas(page_arg())
    return render_template(
        "monitoring/area_list.html",
        form=form,
        page=page,
        counts=area_services.child_counts([a.id for a in page.items]),
        levels=values.levels(),
        filtered=bool(q or level),
    )


AREA_COLUMNS = [
    Column(_l("Schlüssel"), lambda a: a.code),
    Column(_l("Name"), lambda a: a.name),
    Column(_l("Ebene"), lambda a: a.level),
    Column(_l("Einwohner"), lambda a: a.population),
    Column(_l("Gültig ab"), lambda a: a.valid_from),
    Column(_l("Gültig bis"), lambda a: a.valid_to),
]


@bp.route("/raeume/export.<any(csv, xlsx):kind>")
@requires(Permission.MONITORING_VIEW)
def area_list_export(kind: str):
    return list_download(kind, "raeume", AREA_COLUMNS, lambda: _areas(1)[3], _("Räume"))


@bp.route("/raeume/<id:area_id>")
@requires(Permission.MONITORING_VIEW)
def area_detail(area_id: int):
    area = db.get_or_404(Area, area_id)
    page = area_services.children_page(area.id, page_arg())
    return render_template(
        "monitoring/area_detail.html",
        area=area,
        chain=values.ancestors(area),
        children=page,
        counts=area_services.child_counts([a.id for a in page.items]),
        rows=values.profile(area, current_user),
        root=values.root_area(),
        action_form=Form(),
        panels=panels_for("area", area),
    )


def _area_data(form: AreaForm) -> area_services.AreaData:
    return area_services.AreaData(
        code=form.code.data, name=form.name.data, level=form.level.data,
        parent_id=form.parent.chosen_id, population=form.population.data,
        valid_from=form.valid_from.data, valid_to=form.valid_to.data, notes=form.notes.data,
    )  # fmt: skip


@bp.route("/raeume/neu", methods=["GET", "POST"])
@bp.route("/raeume/<id:area_id>/bearbeiten", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def area_form(area_id: int | None = None):
    area = db.get_or_404(Area, area_id) if area_id else None
    form = AreaForm(obj=area)
    if area and request.method == "GET" and area.parent:
        form.parent.data = area_label(area.parent.name, area.parent.code)
    if form.validate_on_submit():
        ok, saved = commit_or_show(
            form.code,
            lambda: area_services.save_area(area, _area_data(form)),
            lambda a: _("Der Raum „%(n)s“ wurde gespeichert.", n=a.name),
            fields={area_services.AreaError: form.parent, area_services.CodeTaken: form.code},
        )
        if ok:
            return redirect(url_for("monitoring.area_detail", area_id=saved.id))
    back = (
        url_for("monitoring.area_detail", area_id=area.id)
        if area
        else url_for("monitoring.area_list")
    )
    return form_page(form, _("Raum bearbeiten") if area else _("Neuer Raum"), back)


@bp.route("/raeume/<id:area_id>/loeschen", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def area_delete(area_id: int):
    area = db.get_or_404(Area, area_id)
    return delete_or_explain(lambda: area_services.delete_area(area), _("Der Raum wurde gelöscht."),
                             url_for("monitoring.area_list"), url_for("monitoring.area_detail", area_id=area_id))  # fmt: skip


@bp.route("/raeume/import", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def area_import():
    form = AreaImportForm()
    problems = None
    if form.validate_on_submit():
        path = saved_upload(form.file.data)
        try:
            result = area_services.import_areas_file(
                path, (form.key_property.data or "code").strip()
            )
            db.session.commit()
            flash(
                _(
                    "Räume übernommen: %(c)s neu, %(u)s aktualisiert, %(g)s Geometrien.",
                    c=result.created,
                    u=result.updated,
                    g=result.geometries,
                ),
                "success",
            )
            return redirect(url_for("monitoring.area_list"))
        except (ImportFailed, TableError) as exc:
            db.session.rollback()
            problems = getattr(exc, "problems", None)
            form.file.errors = [*form.file.errors, str(exc)]
        finally:
            path.unlink(missing_ok=True)
    return render_template(
        "monitoring/area_import.html", form=form, problems=problems
    ), 422 if form.errors else 200


# --- indicators -------------------------------------------------------------------------


def _indicators(page: int):
    form = IndicatorFilterForm(request.args, meta={"csrf": False})
    valid = form.validate()
    return form, catalogue.indicator_page(
        (form.q.data or "").strip() or None if valid else None,
        (form.thema.data or "").strip() or None if valid else None,
        page,
    )


@bp.route("/indikatoren/")
@requires(Permission.MONITORING_VIEW)
def indicator_list():
    form, page = _indicators(page_arg())
    return render_template(
        "monitoring/indicator_list.html", form=form, page=page, topics=catalogue.topics()
    )


INDICATOR_COLUMNS = [
    Column(_l("Kürzel"), lambda i: i.code),
    Column(_l("Name"), lambda i: i.name),
    Column(_l("Thema"), lambda i: i.topic),
    Column(_l("Einheit"), lambda i: i.unit),
    Column(_l("Zähler"), lambda i: i.numerator),
    Column(_l("Nenner"), lambda i: i.denominator),
    Column(_l("Polarität"), lambda i: str(i.polarity.label)),
    Column(_l("Turnus"), lambda i: str(i.periodicity.label)),
    Column(_l("Quelle"), lambda i: i.source),
    Column(_l("Zeiträume"), lambda i: ", ".join(i.periods or [])),
]


@bp.route("/indikatoren/export.<any(csv, xlsx):kind>")
@requires(Permission.MONITORING_VIEW)
def indicator_list_export(kind: str):
    return list_download(kind, "indikatoren", INDICATOR_COLUMNS, lambda: _indicators(1)[1], _("Indikatoren"))  # fmt: skip


@bp.route("/indikatoren/<id:indicator_id>")
@requires(Permission.MONITORING_VIEW)
def indicator_detail(indicator_id: int):
    indicator = db.get_or_404(Indicator, indicator_id)
    return render_template("monitoring/indicator_detail.html", indicator=indicator, action_form=Form(),
                           secrecy=values.secrecy_limit(),
                           panels=panels_for("indicator", indicator))  # fmt: skip


def _indicator_data(form: IndicatorForm) -> catalogue.IndicatorData:
    return catalogue.IndicatorData(
        code=form.code.data, name=form.name.data, unit=form.unit.data, polarity=form.polarity.data,
        topic=form.topic.data or None, numerator=form.numerator.data or None,
        denominator=form.denominator.data or None, factor=form.factor.data,
        computed=bool(form.computed.data), source=form.source.data or None,
        supplier_id=form.supplier.chosen_id, periodicity=form.periodicity.data,
        decimals=form.decimals.data if form.decimals.data is not None else 1, notes=form.notes.data or None,
    )  # fmt: skip


@bp.route("/indikatoren/neu", methods=["GET", "POST"])
@bp.route("/indikatoren/<id:indicator_id>/bearbeiten", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def indicator_form(indicator_id: int | None = None):
    indicator = db.get_or_404(Indicator, indicator_id) if indicator_id else None
    form = IndicatorForm(obj=indicator)
    if indicator and request.method == "GET":
        form.polarity.data = indicator.polarity.value
        form.periodicity.data = indicator.periodicity.value
        form.supplier.data = indicator.supplier.name if indicator.supplier else ""
    if form.validate_on_submit():
        ok, saved = commit_or_show(
            form.code,
            lambda: catalogue.save_indicator(indicator, _indicator_data(form)),
            lambda i: _("Der Indikator %(c)s wurde gespeichert.", c=i.code),
            fields={
                catalogue.IndicatorError: form.periodicity,
                catalogue.IndicatorCodeTaken: form.code,
            },
        )
        if ok:
            return redirect(url_for("monitoring.indicator_detail", indicator_id=saved.id))
    back = (
        url_for("monitoring.indicator_detail", indicator_id=indicator.id)
        if indicator
        else url_for("monitoring.indicator_list")
    )
    return form_page(form, _("Indikator bearbeiten") if indicator else _("Neuer Indikator"), back)


@bp.route("/indikatoren/<id:indicator_id>/loeschen", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def indicator_delete(indicator_id: int):
    indicator = db.get_or_404(Indicator, indicator_id)
    return delete_or_explain(lambda: catalogue.delete_indicator(indicator), _("Der Indikator wurde gelöscht."),
                             url_for("monitoring.indicator_list"),
                             url_for("monitoring.indicator_detail", indicator_id=indicator_id))  # fmt: skip


def _view_form(indicator: Indicator) -> tuple[ViewForm, str | None, str | None, Area | None]:
    """The level, period and (optional) parent area chosen; defaults: the level below the
    top and the latest period."""
    form = ViewForm(request.args, meta={"csrf": False})
    levels = values.levels()
    periods = list(reversed(indicator.periods or []))
    form.ebene.choices = options((lv, lv) for lv in levels)
    form.zeitraum.choices = options((p, p) for p in periods)
    valid = form.validate()
    level = (
        form.ebene.data
        if valid and form.ebene.data
        else (levels[1] if len(levels) > 1 else (levels[0] if levels else None))
    )
    period = (
        form.zeitraum.data if valid and form.zeitraum.data else (periods[0] if periods else None)
    )
    within = None
    if valid and form.in_raum.data:
        found = resolve_area(form.in_raum.data)
        within = db.session.get(Area, found[0][0]) if len(found) == 1 else None
        if within is None:
            form.in_raum.errors = [_("Dieser Raum wurde nicht gefunden.")]
    form.ebene.data, form.zeitraum.data = level, period
    return form, level, period, within


@bp.route("/indikatoren/<id:indicator_id>/tabelle")
@requires(Permission.MONITORING_VIEW)
def indicator_table(indicator_id: int):
    indicator = db.get_or_404(Indicator, indicator_id)
    form, level, period, within = _view_form(indicator)
    table = None
    if level and period:
        sort = form.sortierung.data if form.sortierung.data in values.SORTS else "name"
        table = values.indicator_table(indicator, level, period, current_user, within, sort,
                                       form.absteigend.data is True)  # fmt: skip
    return render_template(
        "monitoring/indicator_table.html", indicator=indicator, form=form, table=table
    )


@bp.route("/indikatoren/<id:indicator_id>/karte")
@requires(Permission.MONITORING_VIEW)
def indicator_map(indicator_id: int):
    indicator = db.get_or_404(Indicator, indicator_id)
    form, level, period, within = _view_form(indicator)
    svg, legend, table = None, [], None
    if level and period:
        table = values.indicator_table(indicator, level, period, current_user, within)
        method = form.methode.data if form.methode.data in charts.METHODS else "quantile"
        classes = int(form.klassen.data) if form.klassen.data in ("3", "4", "5", "6", "7") else 5
        form.methode.data, form.klassen.data = method, str(classes)
        title = _(
            "%(name)s, %(level)s, %(period)s", name=indicator.name, level=level, period=period
        )
        svg, legend = charts.choropleth(
            [(r.area, r.shown) for r in table.rows],
            values.outlines([r.area.id for r in table.rows]),
            method, classes, indicator.decimals, title,
        )  # fmt: skip
    return render_template(
        "monitoring/indicator_map.html",
        indicator=indicator,
        form=form,
        svg=svg,
        legend=legend,
        table=table,
    )


@bp.route("/indikatoren/<id:indicator_id>/verlauf")
@requires(Permission.MONITORING_VIEW)
def indicator_series(indicator_id: int):
    indicator = db.get_or_404(Indicator, indicator_id)
    form = SeriesForm(request.args, meta={"csrf": False})
    chosen: list[Area] = []
    if form.validate():
        for entry in form.raeume.entries()[:6]:
            found = resolve_area(entry)
            if len(found) == 1:
                chosen.append(db.session.get(Area, found[0][0]))
            else:
                form.raeume.errors = [
                    *form.raeume.errors,
                    _("„%(e)s“ wurde nicht gefunden.", e=entry[:60]),
                ]
    if not chosen:
        root = values.root_area()
        chosen = [root] if root else []
    data = values.series(indicator, chosen, current_user)
    series = [(a.name, [(p, s.value) for p, s in data[a.id]]) for a in chosen]
    title = _("Verlauf: %(name)s", name=indicator.name)
    svg = charts.line_chart(series, indicator.unit, indicator.decimals, title)
    periods = sorted({p for a in chosen for p, _s in data[a.id]})
    cells = {a.id: dict(data[a.id]) for a in chosen}
    form.raeume.data = ", ".join(area_label(a.name, a.code) for a in chosen)
    return render_template("monitoring/indicator_series.html", indicator=indicator, form=form, svg=svg,
                           areas=chosen, periods=periods, cells=cells)  # fmt: skip


@bp.route("/werte/<id:observation_id>")
@requires(Permission.MONITORING_VIEW)
def observation_detail(observation_id: int):
    obs = db.get_or_404(Observation, observation_id)
    shown = values.show(obs, obs.indicator, current_user)
    history = values.history_of(obs.id) if shown.value is not None or obs.withheld else []
    return render_template("monitoring/observation_detail.html", obs=obs, shown=shown, history=history,
                           show=lambda h: values.show(h, obs.indicator, current_user))  # fmt: skip


# --- imports ----------------------------------------------------------------------------


@bp.route("/werte/import", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def value_import():
    form = UploadForm()
    if form.validate_on_submit():
        if form.layout.data == "wide" and not form.period.data:
            form.period.errors = [_("Für den breiten Aufbau bitte den Zeitraum angeben.")]
        else:
            ok, job = commit_or_show(
                form.file,
                lambda: jobs.create_job(current_user, form.file.data.stream, form.file.data.filename,
                                        layout=form.layout.data or "auto", period=form.period.data or None,
                                        provisional=bool(form.provisional.data)),
                _("Die Datei wurde angenommen und wird geprüft."),
            )  # fmt: skip
            if ok:
                jobs.start(job)
                return redirect(url_for("monitoring.job_detail", job_id=job.id))
    return form_page(form, _("Werte importieren"), url_for("monitoring.job_list"), multipart=True,
                     intro=_("Lang: eine Zeile je Wert mit den Spalten indikator;raum;zeitraum;wert[;zaehler;nenner]. "
                             "Breit: eine Zeile je Raum (Spalte raum) und eine Spalte je Indikatorkürzel. "
                             "Trennzeichen ; oder , und Dezimalkomma werden erkannt; - oder . steht für fehlend, "
                             "x oder * für geheim gehalten. Übernommen wird nur eine fehlerfreie Datei."),
                     submit=_("Hochladen und prüfen"))  # fmt: skip


@bp.route("/werte/importe/")
@requires(Permission.DASHBOARD_VIEW)
def job_list():
    return render_template(
        "monitoring/job_list.html",
        page=jobs.jobs_page(current_user, page_arg()),
        is_stale=jobs.is_stale,
    )


JOB_COLUMNS = [
    Column(_l("Nr."), lambda j: j.id),
    Column(_l("Hochgeladen"), lambda j: j.created_at),
    Column(_l("Datei"), lambda j: j.filename),
    Column(_l("von"), lambda j: j.user.name if j.user else None),
    Column(_l("Ergebnis"), lambda j: _("abgebrochen") if jobs.is_stale(j) else str(j.state.label)),
    Column(_l("Zeilen"), lambda j: j.done),
    Column(_l("Neu"), lambda j: j.written),
    Column(_l("Korrigiert"), lambda j: j.corrected),
    Column(_l("Probleme"), lambda j: j.problem_count),
]


@bp.route("/werte/importe/export.<any(csv, xlsx):kind>")
@requires(Permission.DASHBOARD_VIEW)
def job_list_export(kind: str):
    return list_download(kind, "importe", JOB_COLUMNS, lambda: jobs.jobs_page(current_user, 1), _("Importe"))  # fmt: skip


@bp.route("/werte/importe/<id:job_id>")
@requires(Permission.DASHBOARD_VIEW)
def job_detail(job_id: int):
    job = jobs.visible_job(current_user, job_id)
    if job is None:
        abort(404)
    return render_template("monitoring/job_detail.html", job=job, stale=jobs.is_stale(job))


@bp.route("/werte/importe/<id:job_id>/status.json")
@requires(Permission.DASHBOARD_VIEW)
def job_status(job_id: int):
    job = jobs.visible_job(current_user, job_id)
    if job is None:
        abort(404)
    return {"state": job.state.value, "label": str(job.state.label), "phase": job.phase, "done": job.done,
            "total": job.total, "stale": jobs.is_stale(job)}  # fmt: skip


# --- index ------------------------------------------------------------------------------


def _runs(page: int):
    return paginate(
        select(IndexRun).order_by(IndexRun.created_at.desc(), IndexRun.id.desc()), page, per_page=30
    )


@bp.route("/index/")
@requires(Permission.MONITORING_VIEW)
def index_list():
    return render_template("monitoring/index_list.html", page=_runs(page_arg()))


RUN_COLUMNS = [
    Column(_l("Nr."), lambda r: r.id),
    Column(_l("Bezeichnung"), lambda r: r.name),
    Column(_l("Ebene"), lambda r: r.level),
    Column(_l("Zeitraum"), lambda r: r.period),
    Column(_l("Vergleichszeitraum"), lambda r: r.from_period),
    Column(_l("Mindesteinwohnerzahl"), lambda r: r.min_population),
    Column(_l("Berechnet"), lambda r: r.created_at),
]


@bp.route("/index/export.<any(csv, xlsx):kind>")
@requires(Permission.MONITORING_VIEW)
def index_list_export(kind: str):
    return list_download(kind, "indexlaeufe", RUN_COLUMNS, lambda: _runs(1), _("Indexläufe"))


@bp.route("/index/neu", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def index_form():
    form = IndexForm()
    if request.method == "GET" and not form.level.data:
        levels = values.levels()
        form.level.data = levels[-1] if levels else ""
    if form.validate_on_submit():

        def run():
            spec = index_services.IndexSpec(
                codes=[indicator_code(e) for e in form.indicators.entries()],
                level=form.level.data.strip(),
                period=form.period.data,
                from_period=form.from_period.data or None,
                min_population=form.min_population.data
                if form.min_population.data is not None
                else 300,
                status_classes=index_services.parse_thresholds(
                    form.status_thresholds.data or "-1 1 1,5",
                    [c for _b, c in index_services.STATUS_CLASSES],
                ),
                dynamics_classes=index_services.parse_thresholds(
                    form.dynamics_thresholds.data or "-1 1",
                    [c for _b, c in index_services.DYNAMICS_CLASSES],
                ),
            )
            return index_services.run_index(spec, form.name.data, current_user)

        ok, saved = commit_or_show(
            form.indicators, run, _("Der Index wurde berechnet und gespeichert.")
        )
        if ok:
            return redirect(url_for("monitoring.index_detail", run_id=saved.id))
    return form_page(form, _("Index berechnen"), url_for("monitoring.index_list"), submit=_("Berechnen"),
                     intro=_("Jeder Indikator wird über die Räume der Ebene z-standardisiert (Vorzeichen gedreht, "
                             "wenn ein höherer Wert günstiger ist); die Summe wird erneut standardisiert. Räume unter "
                             "der Mindesteinwohnerzahl bleiben außen vor."))  # fmt: skip


def _run_or_404(run_id: int) -> IndexRun:
    return db.get_or_404(IndexRun, run_id)


@bp.route("/index/<id:run_id>")
@requires(Permission.MONITORING_VIEW)
def index_detail(run_id: int):
    run = _run_or_404(run_id)
    items, legend = index_services.run_map(run)
    svg = charts.map_svg(items, [0.5, 1.5, 2.5], [colour for _l, colour, _n in legend],
                         _("Statusindex: %(n)s", n=run.name), 0)  # fmt: skip
    return render_template("monitoring/index_detail.html", run=run, svg=svg, legend=legend,
                           page=index_services.results_page(run, page_arg()))  # fmt: skip


@bp.route("/index/<id:run_id>.<any(csv, xlsx):kind>")
@requires(Permission.MONITORING_VIEW)
def index_csv(run_id: int, kind: str = "csv"):
    from planner.core.exports import csv_bytes, xlsx_bytes

    run = _run_or_404(run_id)
    if kind == "xlsx":
        body = xlsx_bytes(*index_services.run_table(run, raw=True), sheet_title=run.name)
    else:
        body = csv_bytes(*index_services.run_table(run))
    return download(body, f"index-{run.id}.{kind}", TABLE_MIMETYPES[kind])


# --- extracts ---------------------------------------------------------------------------


@bp.route("/auszuege/neu", methods=["GET", "POST"])
@requires(Permission.MONITORING_EXTRACT)
def extract_form():
    form = ExtractForm()
    if request.method == "GET" and not form.level.data:
        levels = values.levels()
        form.level.data = levels[1] if len(levels) > 1 else (levels[0] if levels else "")
    if form.validate_on_submit():
        within = db.session.get(Area, form.within.chosen_id) if form.within.chosen_id else None
        spec = extracts.ExtractSpec(
            codes=[indicator_code(e) for e in form.indicators.entries()],
            level=form.level.data.strip(), within=within,
            period_from=form.period_from.data, period_to=form.period_to.data,
            file_format=form.file_format.data or "csv", purpose=form.purpose.data or None,
        )  # fmt: skip
        try:
            body, filename, mimetype, _rows = extracts.build(spec, current_user)
        except DomainError as exc:
            db.session.rollback()
            form.indicators.errors = [*form.indicators.errors, str(exc)]
        else:
            db.session.commit()
            return download(body, filename, mimetype, private=True)
    return form_page(form, _("Datenauszug"), url_for("monitoring.indicator_list"), submit=_("Herunterladen"),
                     intro=_("Jeder Auszug wird protokolliert (wer, wann, welche Daten, Datenstand), damit "
                             "nachvollziehbar bleibt, welche Planung auf welchen Daten beruht. Werte auf kleinen "
                             "Fallzahlen bleiben geheim wie auf jeder Seite."))  # fmt: skip


@bp.route("/auszuege/")
@requires(Permission.DOMAIN_EDIT)
def extract_log():
    return render_template("monitoring/extract_log.html", page=extracts.extract_log(page_arg()))


EXTRACT_COLUMNS = [
    Column(_l("Wann"), lambda e: e.created_at),
    Column(_l("Wer"), lambda e: e.user.name if e.user else None),
    Column(_l("Zweck"), lambda e: e.purpose),
    Column(_l("Indikatoren"), lambda e: ", ".join(e.indicators or [])),
    Column(_l("Räume"), lambda e: e.areas),
    Column(_l("Zeiträume"), lambda e: e.periods),
    Column(_l("Format"), lambda e: e.file_format),
    Column(_l("Zeilen"), lambda e: e.rows),
    Column(_l("Datenstand"), lambda e: e.data_state),
]


@bp.route("/auszuege/export.<any(csv, xlsx):kind>")
@requires(Permission.DOMAIN_EDIT)
def extract_log_export(kind: str):
    return list_download(kind, "datenauszuege", EXTRACT_COLUMNS, lambda: extracts.extract_log(1), _("Datenauszüge"))  # fmt: skip
