"""Pages of bodies, memberships, papers and resolutions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from planner.core.exports import Column
from planner.core.forms import Form
from planner.core.panels import panels_for
from planner.core.permissions import Permission, requires
from planner.core.transaction import commit_or_show
from planner.core.urls import id_arg, page_arg
from planner.core.views import form_page, list_download
from planner.deadlines.services import today_in_berlin
from planner.extensions import db
from planner.files.forms import FileUploadForm
from planner.files.services import files_of
from planner.governance import bp, services
from planner.governance.forms import (
    BodyFilterForm,
    BodyForm,
    MembershipForm,
    PaperFilterForm,
    PaperForm,
    ResolutionFilterForm,
    ResolutionForm,
)
from planner.governance.lookups import paper_label
from planner.governance.models import Body, Membership, Paper, Resolution
from planner.stakeholders.lookups import label_of

# --- bodies -------------------------------------------------------------------------------


def _bodies(page: int):
    form = BodyFilterForm(request.args, meta={"csrf": False})
    valid = form.validate()
    return form, services.body_page(
        (form.q.data or "").strip() or None if valid else None,
        bool(form.archived.data) if valid else False,
        page,
    )


@bp.route("/gremien/")
@requires(Permission.PROCESS_VIEW)
def body_list():
    form, page = _bodies(page_arg())
    return render_template("governance/body_list.html", form=form, page=page)


BODY_COLUMNS = [
    Column(_l("Nr."), lambda b: b.id),
    Column(_l("Name"), lambda b: b.name),
    Column(_l("Kurzname"), lambda b: b.short_name),
    Column(_l("Art"), lambda b: str(b.kind.label)),
    Column(_l("Archiviert"), lambda b: b.archived),
]


@bp.route("/gremien/export.<any(csv, xlsx):kind>")
@requires(Permission.PROCESS_VIEW)
def body_list_export(kind: str):
    return list_download(kind, "gremien", BODY_COLUMNS, lambda: _bodies(1)[1], _("Gremien"))


@bp.route("/gremien/<id:body_id>")
@requires(Permission.PROCESS_VIEW)
def body_detail(body_id: int):
    body = db.get_or_404(Body, body_id)
    today = today_in_berlin()
    return render_template(
        "governance/body_detail.html",
        body=body,
        current=services.members(body, today, current=True),
        former=services.members(body, today, current=False, limit=50),
        resolutions=services.resolutions_of_body(body.id),
        panels=panels_for("body", body),
        action_form=Form(),
        membership_form=MembershipForm(formdata=None),
    )


def _body_data(form: BodyForm) -> services.BodyData:
    return services.BodyData(
        name=form.name.data,
        kind=form.kind.data,
        short_name=form.short_name.data,
        organisation_id=form.organisation.chosen_id,
        description=form.description.data,
    )


@bp.route("/gremien/neu", methods=["GET", "POST"])
@bp.route("/gremien/<id:body_id>/bearbeiten", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def body_form(body_id: int | None = None):
    body = db.get_or_404(Body, body_id) if body_id else None
    form = BodyForm(obj=body)
    if body and request.method == "GET":
        form.kind.data = body.kind.value
        form.organisation.data = body.organisation.name if body.organisation else ""
    if form.validate_on_submit():
        ok, saved = commit_or_show(
            form.name,
            lambda: services.save_body(body, _body_data(form)),
            lambda b: _("Das Gremium „%(name)s“ wurde gespeichert.", name=b.name),
            fields={services.NameTaken: form.name},
        )
        if ok:
            return redirect(url_for("governance.body_detail", body_id=saved.id))
    return form_page(
        form,
        _("Gremium bearbeiten") if body else _("Neues Gremium"),
        url_for("governance.body_detail", body_id=body.id)
        if body
        else url_for("governance.body_list"),
    )


@bp.route("/gremien/<id:body_id>/<any(archivieren, reaktivieren):action>", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def body_archive(body_id: int, action: str):
    body = db.get_or_404(Body, body_id)
    if not Form().validate_on_submit():
        abort(400)
    services.set_body_archived(body, action == "archivieren")
    db.session.commit()
    flash(
        _("Das Gremium ist archiviert.") if body.archived else _("Das Gremium ist wieder aktiv."),
        "success",
    )
    return redirect(url_for("governance.body_detail", body_id=body.id))


def _membership_data(form: MembershipForm) -> services.MembershipData:
    return services.MembershipData(
        person_id=form.person.chosen_id,
        role=form.role.data,
        start_date=form.start_date.data,
        end_date=form.end_date.data,
    )


@bp.route("/gremien/<id:body_id>/mitglieder/neu", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def membership_create(body_id: int):
    body = db.get_or_404(Body, body_id)
    form = MembershipForm()
    if form.validate_on_submit():
        ok, _saved = commit_or_show(
            form.person,
            lambda: services.save_membership(Membership(body_id=body.id), _membership_data(form)),
            _("Die Mitgliedschaft wurde eingetragen."),
            fields={services.PeriodError: form.end_date},
        )
        if ok:
            return redirect(url_for("governance.body_detail", body_id=body.id) + "#mitglieder")
    return form_page(
        form,
        _("Mitglied eintragen: %(body)s", body=body.name),
        url_for("governance.body_detail", body_id=body.id),
    )


@bp.route("/mitgliedschaften/<id:membership_id>/bearbeiten", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def membership_edit(membership_id: int):
    membership = db.get_or_404(Membership, membership_id)
    form = MembershipForm(obj=membership)
    if request.method == "GET":
        form.person.data = label_of(membership.person)
        form.role.data = membership.role.value
    if form.validate_on_submit():
        ok, _saved = commit_or_show(
            form.person,
            lambda: services.save_membership(membership, _membership_data(form)),
            _("Die Mitgliedschaft wurde gespeichert."),
            fields={services.PeriodError: form.end_date},
        )
        if ok:
            return redirect(
                url_for("governance.body_detail", body_id=membership.body_id) + "#mitglieder"
            )
    return form_page(
        form,
        _("Mitgliedschaft bearbeiten: %(body)s", body=membership.body.name),
        url_for("governance.body_detail", body_id=membership.body_id),
    )


@bp.route("/mitgliedschaften/<id:membership_id>/entfernen", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def membership_remove(membership_id: int):
    membership = db.get_or_404(Membership, membership_id)
    if not Form().validate_on_submit():
        abort(400)
    body_id = membership.body_id
    services.remove_membership(membership)
    db.session.commit()
    flash(_("Die Mitgliedschaft wurde entfernt."), "success")
    return redirect(url_for("governance.body_detail", body_id=body_id) + "#mitglieder")


# --- papers -------------------------------------------------------------------------------


def _papers(page: int):
    form = PaperFilterForm(request.args, meta={"csrf": False})
    valid = form.validate()
    return form, services.paper_page(
        (form.q.data or "").strip() or None if valid else None,
        (form.kind.data or None) if valid else None,
        page,
    )


@bp.route("/vorlagen/")
@requires(Permission.PROCESS_VIEW)
def paper_list():
    form, page = _papers(page_arg())
    return render_template("governance/paper_list.html", form=form, page=page)


PAPER_COLUMNS = [
    Column(_l("Datum"), lambda p: p.date),
    Column(_l("Nummer"), lambda p: p.reference),
    Column(_l("Betreff"), lambda p: p.title),
    Column(_l("Art"), lambda p: str(p.kind.label)),
    Column(_l("Eingebracht von"), lambda p: p.originator.name if p.originator else None),
]


@bp.route("/vorlagen/export.<any(csv, xlsx):kind>")
@requires(Permission.PROCESS_VIEW)
def paper_list_export(kind: str):
    return list_download(kind, "vorlagen", PAPER_COLUMNS, lambda: _papers(1)[1], _("Vorlagen"))


@bp.route("/vorlagen/<id:paper_id>")
@requires(Permission.PROCESS_VIEW)
def paper_detail(paper_id: int):
    paper = db.get_or_404(Paper, paper_id)
    return render_template(
        "governance/paper_detail.html",
        paper=paper,
        resolutions=services.resolutions_of_paper(paper.id),
        files=files_of("paper", paper.id),
        upload_form=FileUploadForm(formdata=None),
        action_form=Form(),
    )


def _paper_data(form: PaperForm) -> services.PaperData:
    return services.PaperData(
        reference=form.reference.data,
        title=form.title.data,
        kind=form.kind.data,
        date=form.date.data,
        originator_id=form.originator.chosen_id,
        text=form.text.data,
    )


@bp.route("/vorlagen/neu", methods=["GET", "POST"])
@bp.route("/vorlagen/<id:paper_id>/bearbeiten", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def paper_form(paper_id: int | None = None):
    paper = db.get_or_404(Paper, paper_id) if paper_id else None
    form = PaperForm(obj=paper)
    if paper and request.method == "GET":
        form.kind.data = paper.kind.value
        form.originator.data = paper.originator.name if paper.originator else ""
    if form.validate_on_submit():
        ok, saved = commit_or_show(
            form.title,
            lambda: services.save_paper(paper, _paper_data(form)),
            lambda p: _("Die Vorlage %(ref)s wurde gespeichert.", ref=p.reference),
            fields={services.ReferenceTaken: form.reference},
        )
        if ok:
            return redirect(url_for("governance.paper_detail", paper_id=saved.id))
    return form_page(
        form,
        _("Vorlage bearbeiten") if paper else _("Neue Vorlage"),
        url_for("governance.paper_detail", paper_id=paper.id)
        if paper
        else url_for("governance.paper_list"),
    )


# --- resolutions --------------------------------------------------------------------------


def _resolutions(page: int):
    form = ResolutionFilterForm(request.args, meta={"csrf": False})
    valid = form.validate()
    return form, services.resolution_page(
        (form.q.data or "").strip() or None if valid else None,
        (form.body.data or "").strip() or None if valid else None,
        page,
    )


@bp.route("/beschluesse/")
@requires(Permission.PROCESS_VIEW)
def resolution_list():
    form, page = _resolutions(page_arg())
    return render_template("governance/resolution_list.html", form=form, page=page)


RESOLUTION_COLUMNS = [
    Column(_l("Datum"), lambda r: r.date),
    Column(_l("Gremium"), lambda r: r.body.name),
    Column(_l("Betreff"), lambda r: r.title),
    Column(_l("Abstimmung"), lambda r: r.vote_text),
    Column(_l("Ja"), lambda r: r.votes_yes),
    Column(_l("Nein"), lambda r: r.votes_no),
    Column(_l("Enthaltungen"), lambda r: r.votes_abstain),
    Column(_l("Vorlage"), lambda r: r.paper.reference if r.paper else None),
]


@bp.route("/beschluesse/export.<any(csv, xlsx):kind>")
@requires(Permission.PROCESS_VIEW)
def resolution_list_export(kind: str):
    return list_download(kind, "beschluesse", RESOLUTION_COLUMNS, lambda: _resolutions(1)[1], _("Beschlüsse"))  # fmt: skip


@bp.route("/beschluesse/<id:resolution_id>")
@requires(Permission.PROCESS_VIEW)
def resolution_detail(resolution_id: int):
    resolution = db.get_or_404(Resolution, resolution_id)
    return render_template(
        "governance/resolution_detail.html",
        resolution=resolution,
        panels=panels_for("resolution", resolution),
    )


def _resolution_data(form: ResolutionForm) -> services.ResolutionData:
    return services.ResolutionData(
        body_id=form.body.chosen_id,
        date=form.date.data,
        title=form.title.data,
        text=form.text.data,
        vote=form.vote.data or None,
        votes_yes=form.votes_yes.data,
        votes_no=form.votes_no.data,
        votes_abstain=form.votes_abstain.data,
        paper_id=form.paper.chosen_id,
    )


@bp.route("/beschluesse/neu", methods=["GET", "POST"])
@bp.route("/beschluesse/<id:resolution_id>/bearbeiten", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def resolution_form(resolution_id: int | None = None):
    resolution = db.get_or_404(Resolution, resolution_id) if resolution_id else None
    form = ResolutionForm(obj=resolution)
    if request.method == "GET":
        if resolution:
            form.body.data = resolution.body.name
            form.vote.data = resolution.vote.value if resolution.vote else ""
            form.paper.data = (
                paper_label(resolution.paper.reference, resolution.paper.title)
                if resolution.paper
                else ""
            )
        elif id_arg("vorlage"):
            paper = db.session.get(Paper, id_arg("vorlage"))
            form.paper.data = paper_label(paper.reference, paper.title) if paper else ""
    if form.validate_on_submit():
        ok, saved = commit_or_show(
            form.title,
            lambda: services.save_resolution(resolution, _resolution_data(form)),
            _("Der Beschluss wurde gespeichert."),
            fields={services.VoteError: form.vote},
        )
        if ok:
            return redirect(url_for("governance.resolution_detail", resolution_id=saved.id))
    return form_page(
        form,
        _("Beschluss bearbeiten") if resolution else _("Neuer Beschluss"),
        url_for("governance.resolution_detail", resolution_id=resolution.id)
        if resolution
        else url_for("governance.resolution_list"),
    )
