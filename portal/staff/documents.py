"""Staff pages of the document review (issue 17): the queue of file-checked documents and one document's review."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.domain.roles import Perm
from portal.services import document_review as reviews
from portal.services.pages import document_review as pages
from portal.staff import bp
from portal.web import ctx, staff_required
from portal.web.forms import FORM_ERRORS, apply_errors
from portal.web.forms.documents import DocumentReviewForm


@bp.get("/documents/review")
@staff_required(Perm.REVIEW_DOCUMENTS)
def document_review_queue():
    """Documents whose file was checked and that wait for a person's review, oldest first."""
    queue = pages.review_queue(ctx(), request.args.get("cursor"))
    return render_template("staff/document_queue.html", queue=queue)


@bp.route("/documents/<doc_id>/review", methods=["GET", "POST"])
@staff_required(Perm.REVIEW_DOCUMENTS)
def document_review(doc_id: str):
    """One document beside the customer's record: confirm its content (已审核) or refuse it with a reason."""
    view = pages.document_review(ctx(), doc_id)
    form = DocumentReviewForm(version=view.document.version)
    problem = None
    if request.method == "POST" and form.validate_on_submit():
        try:
            reviews.review(ctx(), doc_id, accept=form.decision.data == "confirm", reason=form.reason.data,
                                   version=form.version.data)
        except FORM_ERRORS as exc:
            problem = apply_errors(form, exc)
        else:
            flash(_("Reviewed.") if form.decision.data == "confirm" else _("Refused; the customer is told why."),
                  "success")
            return redirect(url_for("staff.document_review_queue"))
    return render_template("staff/document_review.html", view=view, form=form, problem=problem)
