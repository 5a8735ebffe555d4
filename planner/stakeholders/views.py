"""Organisation and person pages: list, detail (with the panels of every domain), forms,
archiving, deletion, and the DSGVO export and erasure."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from planner.accounts.lookups import person_label as account_label
from planner.accounts.models import Organisation
from planner.core.exports import Column
from planner.core.forms import Form
from planner.core.panels import panels_for
from planner.core.permissions import Permission, can, requires
from planner.core.transaction import commit_or_show
from planner.core.urls import id_arg, page_arg
from planner.core.views import form_page, json_download, list_download
from planner.extensions import db
from planner.stakeholders import bp, privacy, services
from planner.stakeholders.forms import (
    OrganisationFilterForm,
    OrganisationForm,
    PersonFilterForm,
    PersonForm,
)
from planner.stakeholders.lookups import label_of
from planner.stakeholders.models import Person

# --- organisations --------------------------------------------------------------------------


def _visible_org_or_404(org_id: int) -> Organisation:
    org = services.visible_organisation(current_user, org_id)
    if org is None:
        abort(404)
    return org


def _organisations(page: int):
    form = OrganisationFilterForm(request.args, meta={"csrf": False})
    valid = form.validate()
    filters = services.OrganisationFilter(
        kind=(form.kind.data or None) if valid else None,
        text=(form.q.data or "").strip() or None if valid else None,
        archived=bool(form.archived.data) if valid else False,
    )
    return form, services.organisation_page(current_user, filters, page=page)


@bp.route("/organisationen/")
@requires(Permission.DOMAIN_READ)
def organisation_list():
    form, page = _organisations(page_arg())
    return render_template("stakeholders/organisation_list.html", form=form, page=page)


ORGANISATION_COLUMNS = [
    Column(_l("Nr."), lambda o: o.id),
    Column(_l("Name"), lambda o: o.name),
    Column(_l("Kurzname"), lambda o: o.short_name),
    Column(_l("Art"), lambda o: str(o.kind.label)),
    Column(_l("Gehört zu"), lambda o: o.parent.name if o.parent else None),
    Column(_l("Archiviert"), lambda o: o.archived),
    Column(_l("Geändert"), lambda o: o.updated_at),
]


@bp.route("/organisationen/export.<any(csv, xlsx):kind>")
@requires(Permission.DOMAIN_READ)
def organisation_list_export(kind: str):
    return list_download(kind, "organisationen", ORGANISATION_COLUMNS,
                         lambda: _organisations(1)[1], _("Organisationen"))  # fmt: skip


@bp.route("/organisationen/<id:org_id>")
@requires(Permission.DOMAIN_READ)
def organisation_detail(org_id: int):
    org = _visible_org_or_404(org_id)
    return render_template(
        "stakeholders/organisation_detail.html",
        org=org,
        panels=panels_for("organisation", org),
        action_form=Form(),
        sees_all=services.sees_all_organisations(current_user),
    )


def _organisation_data(form: OrganisationForm) -> services.OrganisationData:
    return services.OrganisationData(
        name=form.name.data,
        kind=form.kind.data,
        short_name=form.short_name.data,
        address=form.address.data,
        website=form.website.data,
        notes=form.notes.data,
        parent_id=form.parent.chosen_id,
    )


_ORG_FIELDS = lambda form: {services.NameTaken: form.name, services.ParentError: form.parent}  # noqa: E731


@bp.route("/organisationen/neu", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def organisation_create():
    form = OrganisationForm()
    if form.validate_on_submit():
        ok, org = commit_or_show(
            form.name,
            lambda: services.create_organisation(_organisation_data(form)),
            lambda o: _("Die Organisation „%(name)s“ wurde angelegt.", name=o.name),
            fields=_ORG_FIELDS(form),
        )
        if ok:
            return redirect(url_for("stakeholders.organisation_detail", org_id=org.id))
    return form_page(form, _("Neue Organisation"), url_for("stakeholders.organisation_list"))


@bp.route("/organisationen/<id:org_id>/bearbeiten", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def organisation_edit(org_id: int):
    org = db.get_or_404(Organisation, org_id)
    form = OrganisationForm(obj=org)
    if request.method == "GET":
        form.kind.data = org.kind.value
        form.parent.data = org.parent.name if org.parent else ""
    if form.validate_on_submit():
        ok, _saved = commit_or_show(
            form.name,
            lambda: services.update_organisation(org, _organisation_data(form)),
            _("Die Organisation wurde gespeichert."),
            fields=_ORG_FIELDS(form),
        )
        if ok:
            return redirect(url_for("stakeholders.organisation_detail", org_id=org.id))
    return form_page(
        form,
        _("Organisation bearbeiten"),
        url_for("stakeholders.organisation_detail", org_id=org.id),
    )


@bp.route("/organisationen/<id:org_id>/<any(archivieren, reaktivieren):action>", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def organisation_archive(org_id: int, action: str):
    org = db.get_or_404(Organisation, org_id)
    if not Form().validate_on_submit():
        abort(400)
    services.set_organisation_archived(org, action == "archivieren")
    db.session.commit()
    flash(
        _("Die Organisation ist archiviert.")
        if org.archived
        else _("Die Organisation ist wieder aktiv."),
        "success",
    )
    return redirect(url_for("stakeholders.organisation_detail", org_id=org.id))


@bp.route("/organisationen/<id:org_id>/loeschen", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def organisation_delete(org_id: int):
    org = db.get_or_404(Organisation, org_id)
    form = Form()
    if not form.validate_on_submit():
        abort(400)
    name = org.name
    try:
        services.delete_organisation(org)
    except services.StakeholderError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("stakeholders.organisation_detail", org_id=org_id))
    db.session.commit()
    flash(_("Die Organisation „%(name)s“ wurde gelöscht.", name=name), "success")
    return redirect(url_for("stakeholders.organisation_list"))


# --- persons --------------------------------------------------------------------------------


def _persons(page: int):
    form = PersonFilterForm(request.args, meta={"csrf": False})
    valid = form.validate()
    filters = services.PersonFilter(
        text=(form.q.data or "").strip() or None if valid else None,
        organisation=(form.organisation.data or "").strip() or None if valid else None,
        archived=bool(form.archived.data) if valid else False,
    )
    return form, services.person_page(filters, page=page)


@bp.route("/personen/")
@requires(Permission.PERSONS_VIEW)
def person_list():
    form, page = _persons(page_arg())
    return render_template("stakeholders/person_list.html", form=form, page=page)


PERSON_COLUMNS = [
    Column(_l("Nr."), lambda p: p.id),
    Column(_l("Name"), lambda p: p.name),
    Column(_l("Funktion"), lambda p: p.function),
    Column(_l("Organisation"), lambda p: p.organisation.name if p.organisation else None),
    Column(_l("E-Mail-Adresse"), lambda p: p.email),
    Column(_l("Telefon"), lambda p: p.phone),
    Column(_l("Rechtsgrundlage"), lambda p: str(p.legal_basis.label)),
    Column(_l("Archiviert"), lambda p: p.archived),
]


@bp.route("/personen/export.<any(csv, xlsx):kind>")
@requires(Permission.PERSONS_VIEW)
def person_list_export(kind: str):
    return list_download(kind, "personen", PERSON_COLUMNS, lambda: _persons(1)[1], _("Personen"))


@bp.route("/personen/<id:person_id>")
@requires(Permission.PERSONS_VIEW)
def person_detail(person_id: int):
    person = db.get_or_404(Person, person_id)
    return render_template(
        "stakeholders/person_detail.html",
        person=person,
        panels=panels_for("person", person),
        action_form=Form(),
    )


def _person_data(form: PersonForm) -> services.PersonData:
    return services.PersonData(
        name=form.name.data,
        legal_basis=form.legal_basis.data,
        function=form.function.data,
        organisation_id=form.organisation.chosen_id,
        email=form.email.data,
        phone=form.phone.data,
        user_id=form.account.chosen_id,
        consent_date=form.consent_date.data,
    )


def _person_fields(form: PersonForm) -> dict:
    return {services.ConsentError: form.consent_date, services.AccountLinkError: form.account}


@bp.route("/personen/neu", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def person_create():
    form = PersonForm()
    if request.method == "GET" and id_arg("organisation"):
        org = db.session.get(Organisation, id_arg("organisation"))
        form.organisation.data = org.name if org else ""
    if form.validate_on_submit():
        ok, person = commit_or_show(
            form.name,
            lambda: services.create_person(_person_data(form)),
            lambda p: _("„%(name)s“ wurde angelegt.", name=p.name),
            fields=_person_fields(form),
        )
        if ok:
            return redirect(url_for("stakeholders.person_detail", person_id=person.id))
    return render_template(
        "stakeholders/person_form.html", form=form, person=None
    ), 422 if form.errors else 200


@bp.route("/personen/<id:person_id>/bearbeiten", methods=["GET", "POST"])
@requires(Permission.DOMAIN_EDIT)
def person_edit(person_id: int):
    person = db.get_or_404(Person, person_id)
    if person.erased:
        flash(
            _("Die Daten dieser Person wurden gelöscht; sie kann nicht mehr bearbeitet werden."),
            "error",
        )
        return redirect(url_for("stakeholders.person_detail", person_id=person.id))
    form = PersonForm(obj=person)
    if request.method == "GET":
        form.legal_basis.data = person.legal_basis.value
        org = person.organisation
        form.organisation.data = org.name if org else ""
        form.account.data = account_label(person.user) if person.user else ""
    if form.validate_on_submit():
        ok, _saved = commit_or_show(
            form.name,
            lambda: services.update_person(person, _person_data(form)),
            _("Die Person wurde gespeichert."),
            fields=_person_fields(form),
        )
        if ok:
            return redirect(url_for("stakeholders.person_detail", person_id=person.id))
    return render_template(
        "stakeholders/person_form.html", form=form, person=person
    ), 422 if form.errors else 200


@bp.route("/personen/<id:person_id>/<any(archivieren, reaktivieren):action>", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def person_archive(person_id: int, action: str):
    person = db.get_or_404(Person, person_id)
    if not Form().validate_on_submit():
        abort(400)
    if person.erased:
        abort(404)
    services.set_person_archived(person, action == "archivieren")
    db.session.commit()
    flash(
        _("Die Person ist archiviert.") if person.archived else _("Die Person ist wieder aktiv."),
        "success",
    )
    return redirect(url_for("stakeholders.person_detail", person_id=person.id))


@bp.route("/personen/<id:person_id>/loeschen", methods=["POST"])
@requires(Permission.DOMAIN_EDIT)
def person_delete(person_id: int):
    person = db.get_or_404(Person, person_id)
    if not Form().validate_on_submit():
        abort(400)
    name = person.name
    try:
        services.delete_person(person)
    except services.StakeholderError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("stakeholders.person_detail", person_id=person_id))
    db.session.commit()
    flash(_("„%(name)s“ wurde gelöscht.", name=name), "success")
    return redirect(url_for("stakeholders.person_list"))


@bp.route("/personen/<id:person_id>/auskunft.json")
@requires(Permission.PRIVACY_MANAGE)
def person_export(person_id: int):
    person = db.get_or_404(Person, person_id)
    return json_download(privacy.export_person(person), f"auskunft-person-{person.id}.json")


@bp.route("/personen/<id:person_id>/personendaten-loeschen", methods=["GET", "POST"])
@requires(Permission.PRIVACY_MANAGE)
def person_erase(person_id: int):
    person = db.get_or_404(Person, person_id)
    form = Form()
    if person.erased:
        flash(_("Die Daten dieser Person sind bereits gelöscht."), "info")
        return redirect(url_for("stakeholders.person_detail", person_id=person.id))
    if form.validate_on_submit():
        privacy.erase_person(person)
        db.session.commit()
        flash(
            _(
                "Die personenbezogenen Daten wurden gelöscht; die Geschichte zeigt jetzt "
                "„gelöschte Person“."
            ),  # fmt: skip
            "success",
        )
        return redirect(url_for("stakeholders.person_detail", person_id=person.id))
    return render_template("stakeholders/person_erase.html", person=person, form=form)


# for templates of every domain: the person's label (linked only where persons.view allows)
bp.add_app_template_global(label_of, "person_label")
bp.add_app_template_global(lambda: can(Permission.PERSONS_VIEW), "may_see_persons")
