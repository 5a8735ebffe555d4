"""The reply to an invitation through its signed link, without login."""

from __future__ import annotations

from flask import redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from planner.core.permissions import public
from planner.core.transaction import commit_or_show
from planner.meetings import bp, mails, services
from planner.meetings.forms import ReplyForm

REFUSALS = {
    "ungueltig": _l("Dieser Antwort-Link ist ungültig: Er ist unvollständig kopiert, verändert "
                    "oder die Einladung wurde zurückgenommen."),
    "abgelaufen": _l("Dieser Antwort-Link ist abgelaufen: Die Sitzung ist vorbei."),
    "abgesagt": _l("Die Sitzung wurde abgesagt; eine Antwort ist nicht mehr nötig."),
}  # fmt: skip


@bp.route("/antwort/<token>", methods=["GET", "POST"])
@public
def reply(token: str):
    try:
        invitation = mails.invitation_for_token(token)
    except mails.LinkRefused as refused:
        return render_template("meetings/reply_refused.html", reason=refused.reason,
                               text=REFUSALS[refused.reason], meeting=refused.meeting), 410 if refused.reason != "ungueltig" else 404  # fmt: skip
    meeting = invitation.meeting
    form = ReplyForm()
    if form.is_submitted() is False and invitation.reply.value != "offen":
        form.reply.data = invitation.reply.value
        form.substitute.data = invitation.substitute
    if form.validate_on_submit():
        saved, _x = commit_or_show(
            form.reply,
            lambda: services.set_reply(invitation, form.reply.data, form.substitute.data),
            _("Vielen Dank, Ihre Antwort wurde gespeichert."),
        )
        if saved:
            return redirect(request.path)  # a reload does not send the answer again
    items = [i for i in services.items_of(meeting.id) if i.public]
    return render_template("meetings/reply.html", meeting=meeting, invitation=invitation,
                           form=form, items=items,
                           times=services.schedule(meeting, items)), 422 if form.errors else 200  # fmt: skip
