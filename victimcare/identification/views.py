"""Registering a referral, and the printable 1a form."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from victimcare.accounts import policy
from victimcare.accounts.views import show_violation
from victimcare.audit import services as audit
from victimcare.cases import services as cases
from victimcare.cases.models import Person
from victimcare.errors import RuleViolation
from victimcare.extensions import db
from victimcare.i18n import _
from victimcare.identification import forms, labels, services
from victimcare.identification.models import Interview

identification_bp = Blueprint("identification", __name__, template_folder="templates")


@identification_bp.route("/cases/new", methods=["GET", "POST"])
def new_referral():
    form = forms.ReferralForm(actor_organisation_id=current_user.organisation_id)
    matches: list[Person] = []
    if form.validate_on_submit():
        data = _referral_data(form)
        link = (form.link_person.data or "").strip()
        person = None
        if not data["no_case"] and not link:
            matches = services.likely_earlier_records(
                data["given_name"], data["family_name"], data["date_of_birth"],
                data["nationality"])
        if link.isdigit():
            person = _linkable_person(int(link))
        if matches:
            flash(_("This person may have been here before. Check the earlier records below "
                    "and choose."), "info")
        else:
            try:
                with db.transaction():
                    referral = services.register_referral(current_user, data, person)
            except RuleViolation as error:
                show_violation(form, error)
            else:
                if referral.case is None:
                    flash(_("The contact is logged. It leads to no case."), "success")
                    return redirect(url_for("cases.list_cases"))
                flash(_("The case is open and the identification has started."), "success")
                return redirect(url_for("cases.show_case", reference=referral.case.reference))
    return render_template("identification/referral_form.html", form=form, matches=[
        (person, services.case_histories(services.cases_of(person))) for person in matches],
        labels=labels)


def _referral_data(form) -> dict:
    data = {name: field.data for name, field in form._fields.items()
            if name not in ("csrf_token", "link_person")}
    data["occurred_at"] = forms.to_utc(form.occurred_at.data)
    data["detained_at"] = forms.to_utc(form.detained_at.data)
    return data


def _linkable_person(person_id: int) -> Person:
    """An earlier record the caseworker chose: only one with a case the caseworker may see."""
    person = db.session.get(Person, person_id)
    if person is None or not any(policy.can_view_case(current_user, case)
                                 for case in services.cases_of(person)):
        abort(404)
    return person


@identification_bp.route("/cases/<reference>/interviews/<int:interview_id>")
def show_interview(reference: str, interview_id: int):
    """The 1a form, printable (the print style sheet drops the navigation)."""
    case = policy.load_case_or_404(reference, current_user)
    interview = db.session.get(Interview, interview_id)
    if interview is None or interview.case_id != case.id:
        abort(404)
    with db.transaction():
        audit.record(current_user, "interview.viewed", "interview", interview.id,
                     case_id=case.id)
    return render_template("identification/interview.html", case=case, interview=interview,
                           labels=labels)


@identification_bp.route("/cases/<reference>/disclosures/new", methods=["GET", "POST"])
def new_disclosure(reference: str):
    """Record that the 1a form or the assessment went to the police (with consent)."""
    with db.transaction():  # an audited read of the case
        case = cases.open_case(current_user, reference)
    form = forms.DisclosureForm()
    if form.validate_on_submit():
        try:
            with db.transaction():
                services.disclose_to_police(case, current_user, form.document.data,
                                            form.recipient.data,
                                            forms.as_utc(form.sent_at.data))
        except RuleViolation as error:
            show_violation(form, error)
        else:
            flash(_("The disclosure to the police is recorded."), "success")
            return redirect(url_for("cases.show_case", reference=case.reference)
                            + "#identification")
    consent = services.latest_consenting_interview(case.id)
    return render_template("identification/disclosure_form.html", case=case, form=form,
                           consent=consent,
                           assessment=services.latest_assessment(case.id))
