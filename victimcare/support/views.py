"""Support on the case page: the contact person (and a minor's representative), and lawful
residence ending during a restitution period."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import InputRequired, Length, Optional

from victimcare.accounts.models import User
from victimcare.accounts.views import show_violation
from victimcare.cases import services as cases
from victimcare.errors import RuleViolation
from victimcare.extensions import db
from victimcare.forms import NoControlCharacters, day_not_in_the_future
from victimcare.i18n import _, _l
from victimcare.support import labels, rules, services

support_bp = Blueprint("support", __name__, template_folder="templates")


@support_bp.app_context_processor
def _labels() -> dict:
    return {"period_kind_label": lambda code: labels.label(labels.PERIOD_KINDS, code),
            "end_reason_label": lambda code: labels.label(labels.END_REASONS, code),
            "extension_reason_label": lambda code: labels.label(labels.EXTENSION_REASONS,
                                                                code)}


class ResidenceEndedForm(FlaskForm):
    ended_on = DateField(_l("Lawful residence ended on"), validators=[
        InputRequired(_l("Give a date.")), day_not_in_the_future])
    #: The case as the user saw it: a change made meanwhile is not overwritten.
    version = HiddenField()


@support_bp.route("/cases/<reference>/residence-ended", methods=["GET", "POST"])
def residence_ended(reference: str):
    """CMM records that lawful residence ended: the Immigration Service takes over with a
    new reflection period (DOMAIN.md §5)."""
    with db.transaction():  # an audited read of the case
        case = cases.open_case(current_user, reference)
    form = ResidenceEndedForm()
    if form.validate_on_submit():
        try:
            with db.transaction():
                cases.claim_case_version(case, form.version.data)
                services.lawful_residence_ended(case, current_user, form.ended_on.data)
        except RuleViolation as error:  # a ConcurrentEditError too
            show_violation(form, error)
        else:
            flash(_("Recorded. The Immigration Service has a task to grant a new reflection "
                    "period."), "success")
            return redirect(url_for("cases.show_case", reference=case.reference)
                            + "#support")
    if not form.is_submitted():
        form.version.data = str(case.version)
    return render_template("support/residence_ended.html", case=case, form=form,
                           support=services.support_of(case),
                           reflection_days=rules.REFLECTION_DAYS)



class ContactPersonForm(FlaskForm):
    contact_person_id = SelectField(_l("Contact person"), coerce=int, validators=[
        InputRequired(_l("Choose a contact person."))])
    unaccompanied_minor = BooleanField(_l("Unaccompanied minor (a representative is "
                                          "appointed)"))
    representative_name = StringField(_l("Representative's name"), validators=[
        Optional(), Length(max=120), NoControlCharacters()])
    representative_contact = StringField(_l("Representative's contact details"), validators=[
        Optional(), Length(max=200), NoControlCharacters()])
    version = HiddenField()


@support_bp.route("/cases/<reference>/contact-person", methods=["GET", "POST"])
def contact_person(reference: str):
    """The coordinator names the victim's contact person (and a minor's representative)."""
    with db.transaction():  # an audited read of the case
        case = cases.open_case(current_user, reference)
    candidates = services.contact_person_candidates()
    form = ContactPersonForm(obj=None if request.method == "POST" else case)
    form.contact_person_id.choices = [
        SelectChoice(u.id, f"{u.full_name} ({u.organisation.name})") for u in candidates]
    if form.validate_on_submit():
        try:
            with db.transaction():
                cases.claim_case_version(case, form.version.data)
                services.set_contact_person(
                    case, current_user, db.session.get(User, form.contact_person_id.data),
                    form.unaccompanied_minor.data, form.representative_name.data or "",
                    form.representative_contact.data or "")
        except RuleViolation as error:
            show_violation(form, error)
        else:
            flash(_("The contact person is saved."), "success")
            return redirect(url_for("cases.show_case", reference=case.reference))
    if not form.is_submitted():
        form.version.data = str(case.version)
    return render_template("support/contact_person.html", case=case, form=form)
