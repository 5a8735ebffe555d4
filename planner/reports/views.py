"""Pages of the social report: the editions, an edition with its contents and its way through
agreement, the section editor with preview and block picker, a section with its comments,
the printable edition, PDF and DOCX, the changes since the freeze, two editions compared."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from planner.core.exports import Column
from planner.core.forms import Form, options
from planner.core.permissions import Permission, requires
from planner.core.transaction import commit_or_show
from planner.core.urls import page_arg
from planner.core.views import delete_or_explain, download, form_page, list_download
from planner.deadlines.services import states_of, today_in_berlin
from planner.extensions import db
from planner.governance import services as governance
from planner.monitoring import index as index_runs
from planner.monitoring import values
from planner.monitoring.lookups import indicator_label
from planner.process import services as process
from planner.reports import bp, output, services, tags
from planner.reports.forms import (
    AgreementForm,
    AnswerForm,
    CommentForm,
    CompareForm,
    DecisionForm,
    EditionForm,
    PickerForm,
    PublishForm,
    SectionForm,
)
from planner.reports.models import EditionState, ReportComment, ReportEdition, ReportSection


def _edition_or_404(edition_id: int) -> ReportEdition:
    edition = db.get_or_404(ReportEdition, edition_id)
    if not services.may_read(current_user, edition):
        abort(404)
    return edition


def _section_or_404(edition: ReportEdition, section_id: int) -> ReportSection:
    section = db.get_or_404(ReportSection, section_id)
    if section.edition_id != edition.id:
        abort(404)
    return section


def _to_edition(edition_id: int, anchor: str = "") -> str:
    return url_for("reports.edition_detail", edition_id=edition_id) + anchor


# --- editions ----------------------------------------------------------------------------


@bp.route("/berichte/")
@requires(Permission.REPORTS_VIEW)
def edition_list():
    return render_template("reports/edition_list.html",
                           page=services.edition_page(current_user, page_arg()))  # fmt: skip


EDITION_COLUMNS = [
    Column(_l("Ausgabe"), lambda e: e.title),
    Column(_l("Berichtsjahr"), lambda e: e.year),
    Column(_l("Stand"), lambda e: str(e.state.label)),
    Column(_l("Veröffentlicht am"), lambda e: e.published_on),
    Column(_l("Zuletzt geändert"), lambda e: e.updated_at),
]


@bp.route("/berichte/export.<any(csv, xlsx):kind>")
@requires(Permission.REPORTS_VIEW)
def edition_list_export(kind: str):
    return list_download(kind, "sozialberichte", EDITION_COLUMNS,
                         lambda: services.edition_page(current_user, 1), _("Sozialberichte"))  # fmt: skip


@bp.route("/berichte/neu", methods=["GET", "POST"])
@bp.route("/berichte/<id:edition_id>/bearbeiten", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def edition_form(edition_id: int | None = None):
    edition = db.get_or_404(ReportEdition, edition_id) if edition_id else None
    form = EditionForm(obj=edition)
    if form.validate_on_submit():
        data = services.EditionData(form.title.data, form.year.data, form.summary.data)
        ok, saved = commit_or_show(
            form.title, lambda: services.save_edition(edition, data, current_user),
            _("Die Ausgabe wurde gespeichert."),
        )  # fmt: skip
        if ok:
            return redirect(_to_edition(saved.id))
    back = _to_edition(edition.id) if edition else url_for("reports.edition_list")
    return form_page(form, _("Ausgabe bearbeiten") if edition else _("Neue Ausgabe des Sozialberichts"),
                     back)  # fmt: skip


@bp.route("/berichte/<id:edition_id>/loeschen", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def edition_delete(edition_id: int):
    edition = db.get_or_404(ReportEdition, edition_id)
    return delete_or_explain(lambda: services.delete_edition(edition),
                             _("Die Ausgabe wurde gelöscht."), url_for("reports.edition_list"),
                             _to_edition(edition.id))  # fmt: skip


def _detail(edition: ReportEdition, **forms):
    sections = services.sections_of(edition.id)
    changes, more = services.changes_since_freeze(edition, 50)
    context = {
        "edition": edition,
        "sections": sections,
        "counts": services.comment_counts(edition.id),
        "open_comments": services.open_comment_count(edition.id),
        "changes": changes,
        "more_changes": more,
        "step": process.get_step(edition.agreement_step_id),
        "resolution": governance.get_resolution(edition.resolution_id),
        "deadline": states_of(services.OWNER, [edition.id]).get(edition.id),
        "edits": services.edits(current_user),
        "agreement_form": forms.get("agreement_form") or AgreementForm(formdata=None),
        "decision_form": forms.get("decision_form") or DecisionForm(formdata=None),
        "publish_form": forms.get("publish_form")
        or PublishForm(formdata=None, data={"on": today_in_berlin()}),
        "action_form": Form(),
        "States": EditionState,
    }
    return render_template("reports/edition_detail.html", **context), 422 if forms else 200


@bp.route("/berichte/<id:edition_id>")
@requires(Permission.REPORTS_VIEW)
def edition_detail(edition_id: int):
    return _detail(_edition_or_404(edition_id))


# --- the way through agreement -----------------------------------------------------------


class _Notice:
    """Where commit_or_show puts an error that belongs to no field (a broken block of the
    text): shown as a message at the top of the page."""

    def __init__(self):
        self.errors: list[str] = []


def _state_change(edition_id: int, form_cls, name: str, action, success, field, fields=None):
    edition = db.get_or_404(ReportEdition, edition_id)
    if request.method == "GET":
        return redirect(_to_edition(edition.id, "#stand"))
    form = form_cls()
    if not form.validate_on_submit():
        return _detail(edition, **{name: form})
    notice = _Notice()
    ok, _x = commit_or_show(field(form), lambda: action(edition, form), success,
                            fields={services.BlockErrors: notice, **(fields(form) if fields else {})})  # fmt: skip
    if ok:
        return redirect(_to_edition(edition.id))
    for message in notice.errors:
        flash(message, "error")
    return _detail(edition, **{name: form})


@bp.route("/berichte/<id:edition_id>/abstimmung", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def edition_agreement(edition_id: int):
    return _state_change(
        edition_id, AgreementForm, "agreement_form",
        lambda e, f: services.send_to_agreement(e, f.due.data, f.step.chosen_id, current_user,
                                                today_in_berlin()),
        _("Die Ausgabe ist in der Abstimmung; ihre Daten sind eingefroren."),
        lambda f: f.due,
    )  # fmt: skip


@bp.route("/berichte/<id:edition_id>/beschluss", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def edition_decision(edition_id: int):
    return _state_change(
        edition_id, DecisionForm, "decision_form",
        lambda e, f: services.decide(e, f.resolution.chosen_id, current_user),
        _("Die Ausgabe ist beschlossen."), lambda f: f.resolution,
    )  # fmt: skip


@bp.route("/berichte/<id:edition_id>/veroeffentlichung", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def edition_publish(edition_id: int):
    return _state_change(
        edition_id, PublishForm, "publish_form", lambda e, f: services.publish(e, f.on.data),
        _("Die Ausgabe ist veröffentlicht."), lambda f: f.on,
    )  # fmt: skip


@bp.route("/berichte/<id:edition_id>/entwurf", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def edition_back(edition_id: int):
    edition = db.get_or_404(ReportEdition, edition_id)
    return delete_or_explain(
        lambda: services.back_to_draft(edition),
        _("Die Ausgabe ist wieder ein Entwurf; die eingefrorenen Daten sind verworfen."),
        _to_edition(edition.id), _to_edition(edition.id),
    )  # fmt: skip


# --- sections ----------------------------------------------------------------------------


def _picker() -> PickerForm:
    form = PickerForm(request.args, meta={"csrf": False})
    form.ebene.choices = options([("", "–"), *((lv, lv) for lv in values.levels())])
    form.lauf.choices = options(
        [("", "–"), *((r.id, f"{r.name} ({r.period}, Nr. {r.id})") for r in index_runs.recent_runs())]
    )  # fmt: skip
    return form


@bp.route("/berichte/<id:edition_id>/abschnitte/neu", methods=["GET", "POST"])
@bp.route("/berichte/<id:edition_id>/abschnitte/<id:section_id>/bearbeiten",
          methods=["GET", "POST"])  # fmt: skip
@requires(Permission.DOMAIN_EDIT)
def section_form(edition_id: int, section_id: int | None = None):
    edition = db.get_or_404(ReportEdition, edition_id)
    section = _section_or_404(edition, section_id) if section_id else None
    form = SectionForm(data={"heading": section.title, "text": section.body} if section else None)
    preview = None
    if form.validate_on_submit():
        if "vorschau" in request.form:
            preview = output.preview(form.text.data or "", form.heading.data)
        else:
            ok, saved = commit_or_show(
                form.text,
                lambda: services.save_section(edition, section, form.heading.data,
                                              form.text.data or ""),
                _("Der Abschnitt wurde gespeichert."),
                fields={services.Frozen: form.heading},
            )  # fmt: skip
            if ok:
                return redirect(url_for("reports.section_detail", edition_id=edition.id,
                                        section_id=saved.id))  # fmt: skip
    elif request.method == "GET":
        preview = output.preview(form.text.data or "", form.heading.data or "")
    return render_template(
        "reports/section_form.html", edition=edition, section=section, form=form,
        preview=preview, picker=_picker(), kinds=tags.KINDS,
    ), 422 if form.errors else 200  # fmt: skip


@bp.route("/berichte/vorschau", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def section_preview():
    """The live preview beside the editor (a fragment; the editor's script asks for it)."""
    form = SectionForm()
    if not form.validate_on_submit():
        errors = [e for f in form for e in f.errors]
        return render_template("reports/_preview.html", preview=None, errors=errors), 422
    return render_template("reports/_preview.html",
                           preview=output.preview(form.text.data or "", form.heading.data),
                           errors=[])  # fmt: skip


@bp.route("/berichte/baustein")
@requires(Permission.DOMAIN_EDIT)
def block_picker():
    """The tag the picker built (JSON for the editor's script; a page to copy it from without
    script)."""
    form = _picker()
    tag, error = None, None
    if form.validate():
        params = {"indikator": (form.indikator.data and form.indikator.data.split(" (", 1)[0])
                  or "", "ebene": form.ebene.data or "", "zeitraum": form.zeitraum.data or "",
                  "lauf": form.lauf.data or ""}  # fmt: skip
        if form.gebiet.chosen_id:
            code = values.areas_by_ids([form.gebiet.chosen_id])[form.gebiet.chosen_id].code
            params["gebiet" if form.art.data in ("profil", "massnahmen") else
                   "gebiete" if form.art.data == "diagramm" else "in"] = code  # fmt: skip
        kind = tags.KINDS[form.art.data]
        allowed = {k: v for k, v in params.items() if v and k in (*kind.required, *kind.optional)}
        try:
            tag = tags.build(kind.name, allowed)
            tags.parse(tag)
        except tags.TagError as exc:
            tag, error = None, str(exc)
    else:
        error = "; ".join(e for f in form for e in f.errors)
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"tag": tag, "error": error}), 200 if tag else 422
    return render_template("reports/picker.html", form=form, tag=tag, error=error,
                           kinds=tags.KINDS), 200 if tag else 422  # fmt: skip


@bp.route("/berichte/<id:edition_id>/abschnitte/<id:section_id>")
@requires(Permission.REPORTS_VIEW)
def section_detail(edition_id: int, section_id: int, comment_form=None, answer_forms=None):
    edition = _edition_or_404(edition_id)
    section = _section_or_404(edition, section_id)
    sections = services.sections_of(edition.id)
    number = next((i for i, s in enumerate(sections, start=1) if s.id == section.id), 1)
    doc = services.document(edition, sections, only=section.id)
    rendered = doc.sections[0]
    # the agreement's comments (with their authors' names) stay with those who take part in it
    comments = (
        services.comments_of(edition.id, section.id) if services.comments(current_user) else []
    )
    return render_template(
        "reports/section_detail.html", edition=edition, section=section, rendered=rendered,
        number=number, doc=doc, comments=comments,
        may_comment=services.may_comment(current_user, edition),
        comment_form=comment_form or CommentForm(formdata=None),
        answer_forms=answer_forms or {}, answer_form=AnswerForm(formdata=None),
        action_form=Form(), edits=services.edits(current_user),
        prev=sections[number - 2] if number > 1 else None,
        next=sections[number] if number < len(sections) else None,
    ), 422 if comment_form or answer_forms else 200  # fmt: skip


@bp.route("/berichte/<id:edition_id>/abschnitte/<id:section_id>/verschieben", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def section_move(edition_id: int, section_id: int):
    edition = db.get_or_404(ReportEdition, edition_id)
    section = _section_or_404(edition, section_id)
    step = -1 if request.form.get("richtung") == "hoch" else 1
    return delete_or_explain(lambda: services.move_section(edition, section, step),
                             _("Die Reihenfolge wurde geändert."), _to_edition(edition.id, "#inhalt"),
                             _to_edition(edition.id, "#inhalt"))  # fmt: skip


@bp.route("/berichte/<id:edition_id>/abschnitte/<id:section_id>/loeschen", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def section_delete(edition_id: int, section_id: int):
    edition = db.get_or_404(ReportEdition, edition_id)
    section = _section_or_404(edition, section_id)
    return delete_or_explain(lambda: services.delete_section(edition, section),
                             _("Der Abschnitt wurde gelöscht."), _to_edition(edition.id, "#inhalt"),
                             _to_edition(edition.id, "#inhalt"))  # fmt: skip


# --- comments ----------------------------------------------------------------------------


@bp.route("/berichte/<id:edition_id>/abschnitte/<id:section_id>/stellungnahme",
          methods=["GET", "POST"])  # fmt: skip
@requires(Permission.REPORTS_COMMENT)
def comment_add(edition_id: int, section_id: int):
    edition = _edition_or_404(edition_id)
    section = _section_or_404(edition, section_id)
    back = url_for("reports.section_detail", edition_id=edition.id, section_id=section.id)
    if request.method == "GET":
        return redirect(back + "#stellungnahmen")
    form = CommentForm()
    if form.validate_on_submit():
        ok, _x = commit_or_show(
            form.comment, lambda: services.add_comment(edition, section, form.comment.data, current_user),
            _("Ihre Stellungnahme wurde gespeichert."),
        )  # fmt: skip
        if ok:
            return redirect(back + "#stellungnahmen")
    return section_detail(edition.id, section.id, comment_form=form)


@bp.route("/berichte/<id:edition_id>/stellungnahmen/<id:comment_id>/antwort",
          methods=["GET", "POST"])  # fmt: skip
@requires(Permission.DOMAIN_EDIT)
def comment_answer(edition_id: int, comment_id: int):
    edition = _edition_or_404(edition_id)
    comment = db.get_or_404(ReportComment, comment_id)
    if comment.edition_id != edition.id:
        abort(404)
    back = url_for("reports.section_detail", edition_id=edition.id,
                   section_id=comment.section_id) + f"#stellungnahme-{comment.id}"  # fmt: skip
    if request.method == "GET":
        return redirect(back)
    form = AnswerForm()
    if form.validate_on_submit():
        ok, _x = commit_or_show(
            form.answer,
            lambda: services.answer_comment(edition, comment, form.answer.data,
                                            form.resolve.data is True, current_user),
            _("Die Antwort wurde gespeichert."),
        )  # fmt: skip
        if ok:
            return redirect(back)
    return section_detail(edition.id, comment.section_id, answer_forms={comment.id: form})


# --- output ------------------------------------------------------------------------------


@bp.route("/berichte/<id:edition_id>/druckfassung")
@requires(Permission.REPORTS_VIEW)
def edition_document(edition_id: int):
    edition = _edition_or_404(edition_id)
    return render_template("reports/document.html", edition=edition,
                           doc=services.document(edition),
                           resolution=governance.get_resolution(edition.resolution_id))  # fmt: skip


@bp.route("/berichte/<id:edition_id>/pdf")
@requires(Permission.REPORTS_VIEW)
def edition_pdf(edition_id: int):
    edition = _edition_or_404(edition_id)
    body = output.pdf(edition, services.document(edition),
                      governance.get_resolution(edition.resolution_id))  # fmt: skip
    return download(body, f"{output.filename(edition)}.pdf", "application/pdf")


@bp.route("/berichte/<id:edition_id>/docx")
@requires(Permission.REPORTS_VIEW)
def edition_docx(edition_id: int):
    edition = _edition_or_404(edition_id)
    sections = services.sections_of(edition.id)
    body = output.docx(edition, sections, services.document(edition, sections))
    return download(body, f"{output.filename(edition)}.docx", output.DOCX_MIMETYPE)


@bp.route("/berichte/<id:edition_id>/aenderungen")
@requires(Permission.REPORTS_VIEW)
def edition_changes(edition_id: int):
    edition = _edition_or_404(edition_id)
    changes, more = services.changes_since_freeze(edition, 500)
    return render_template("reports/changes.html", edition=edition, changes=changes, more=more)


@bp.route("/berichte/vergleich")
@requires(Permission.REPORTS_VIEW)
def compare():
    form = CompareForm(request.args, meta={"csrf": False})
    editions = services.readable_editions(current_user)
    choices = options((e.id, e.title) for e in editions)
    form.a.choices, form.b.choices = choices, choices
    result, a, b = None, None, None
    if request.args and editions and form.validate():
        by_id = {e.id: e for e in editions}
        a, b = by_id.get(int(form.a.data)), by_id.get(int(form.b.data))
        if a is b:
            form.b.errors = [_("Bitte wählen Sie zwei verschiedene Ausgaben.")]
        elif a and b:
            result = services.compare(a, b, form.indikatoren.ids or None)
            form.indikatoren.data = ", ".join(indicator_label(c.indicator.code, c.indicator.name)
                                              for c in result) if form.indikatoren.ids else ""  # fmt: skip
    return render_template("reports/compare.html", form=form, result=result, a=a, b=b,
                           editions=editions)  # fmt: skip
