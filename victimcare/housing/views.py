"""The facility register with today's occupancy, and placing a person from the case page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from victimcare.accounts import policy
from victimcare.accounts.models import Organisation
from victimcare.accounts.views import show_violation
from victimcare.audit import services as audit
from victimcare.errors import RuleViolation
from victimcare.extensions import db
from victimcare.housing import forms, labels, rules, services
from victimcare.housing.models import Facility
from victimcare.i18n import _

housing_bp = Blueprint("housing", __name__, template_folder="templates")


@housing_bp.app_template_filter("dkk")
def dkk_filter(ore: int | None) -> str:
    """An amount in øre as kroner, the way the user's language writes money."""
    from flask_babel import format_currency

    if ore is None:
        return "—"
    return format_currency(Decimal(ore) / rules.ORE_PER_KRONE, "DKK")


def _labels() -> dict:
    return {"kind": lambda v: labels.label(labels.KIND_LABELS, v),
            "gender": lambda v: labels.label(labels.GENDER_LABELS, v),
            "age": lambda v: labels.label(labels.AGE_LABELS, v),
            "residence": lambda v: labels.label(labels.RESIDENCE_LABELS, v),
            "payer": lambda v: services.payer_label(rules.Payer(v)),
            "payers": lambda requirement: [services.payer_label(p) for p in rules.Payer
                                           if p in rules.payers_of(requirement)]}


@housing_bp.route("/housing")
def occupancy():
    """Today's occupancy of every facility: counts only, no names (no case is read)."""
    rows = services.occupancy_today()
    active = [o for f, o in rows if f.is_active and o.fixed is not None]
    return render_template("housing/occupancy.html", rows=rows, day=services.today(),
                           labels=_labels(), totals={
                               "fixed": sum(o.fixed for o in active),
                               "occupied": sum(o.occupied for f, o in rows if f.is_active),
                               "overbooked": sum(o.overbooked for o in active)})


def _operators() -> list[Organisation]:
    return list(db.session.scalars(sa.select(Organisation).where(
        Organisation.kind.in_(services.OPERATOR_KINDS)).order_by(Organisation.name)))


@housing_bp.route("/housing/facilities/new", methods=["GET", "POST"])
def new_facility():
    form = forms.FacilityForm(operators=_operators())
    if form.is_submitted() is False:
        form.admits_gender.data, form.age_group.data = "anyone", "adults"
        form.residence_requirement.data, form.extra_places.data = "any", 0
    return _save_facility(form, None)


@housing_bp.route("/housing/facilities/<int:facility_id>", methods=["GET", "POST"])
def edit_facility(facility_id: int):
    facility = db.session.get(Facility, facility_id)
    if facility is None:
        abort(404)
    form = forms.FacilityForm(obj=facility, operators=_operators())
    if not form.is_submitted():
        form.kind.data = facility.kind.value
        form.admits_gender.data = facility.admits_gender.value
        form.age_group.data = facility.age_group.value
        form.residence_requirement.data = facility.residence_requirement.value
        form.operator_organisation_id.data = str(facility.operator_organisation_id or "")
        form.price.data = (_plain_kroner(facility.price_per_night_ore)
                           if facility.price_per_night_ore is not None else "")
        form.version.data = facility.version
    return _save_facility(form, facility)


def _plain_kroner(ore: int) -> str:
    kroner, rest = divmod(ore, rules.ORE_PER_KRONE)
    return str(kroner) if rest == 0 else f"{kroner},{rest:02d}"


def _save_facility(form, facility: Facility | None):
    if form.validate_on_submit():
        try:
            with db.transaction():
                saved = services.save_facility(current_user, facility, form.data_for_service(),
                                               form.version.data)
        except RuleViolation as error:
            show_violation(form, error)
        else:
            flash(_("%(facility)s is saved.", facility=saved.name), "success")
            return redirect(url_for("housing.occupancy") + f"#facility-{saved.id}")
    return render_template("housing/facility_form.html", form=form, facility=facility)


@housing_bp.route("/cases/<reference>/housing/new", methods=["GET", "POST"])
def new_placement(reference: str):
    """Place the person, or move them: the facilities that fit are proposed with today's free
    places; beyond the fixed places the overbooking must be confirmed."""
    case = policy.load_case_or_404(reference, current_user)
    fitting, unfitting = services.proposals(case)
    current = services.current_placement(case)
    settled_payer = services.settled_payer(case)
    form = forms.PlacementForm()
    form.facility_id.choices = [(str(p.facility.id), p.facility.name) for p in fitting]
    overbooking = False
    if not form.is_submitted():
        form.start_date.data = services.today()
        form.current_version.data = current.version if current is not None else ""
    elif form.validate():
        try:
            with db.transaction():
                services.place_person(
                    case, current_user, facility_id=int(form.facility_id.data),
                    start_date=form.start_date.data,
                    price_per_night_ore=forms.parse_dkk(form.price.data),
                    confirm_extra_place=bool(form.confirm_extra_place.data),
                    payer=form.payer.data or None, current_version=form.current_version.data)
        except services.OverbookingWarning as warning:
            overbooking = True
            show_violation(form, warning)
        except RuleViolation as error:
            show_violation(form, error)
        else:
            flash(_("The placement is recorded."), "success")
            return redirect(url_for("cases.show_case", reference=case.reference) + "#housing")
    with db.transaction():
        audit.record(current_user, "case.viewed", "case", case.id, case_id=case.id)
    return render_template(
        "housing/placement_form.html", case=case, form=form, fitting=fitting,
        unfitting=unfitting, current=current, settled_payer=settled_payer,
        child=services.person_is_child(case), overbooking=overbooking or bool(
            form.confirm_extra_place.data), labels=_labels(),
        person=_person_labels(case))


def _person_labels(case) -> dict:
    from victimcare.identification import labels as identification_labels

    person = case.person
    return {"gender": identification_labels.label(identification_labels.GENDERS,
                                                  getattr(person.gender, "value", None)),
            "residence": identification_labels.label(
                identification_labels.RESIDENCE, getattr(person.residence_status, "value",
                                                         None))}


def _placement_or_404(case, placement_id: int):
    placement = services.load_placement(case, placement_id)
    if placement is None:
        abort(404)
    return placement


@housing_bp.route("/cases/<reference>/housing/<int:placement_id>/end", methods=["GET", "POST"])
def end_placement(reference: str, placement_id: int):
    case = policy.load_case_or_404(reference, current_user)
    placement = _placement_or_404(case, placement_id)
    form = forms.EndPlacementForm()
    if not form.is_submitted():
        form.end_date.data = services.today()
        form.version.data = placement.version
    elif form.validate():
        try:
            with db.transaction():
                services.end_placement(case, current_user, placement,
                                       end_date=form.end_date.data,
                                       reason=rules.EndReason(form.reason.data),
                                       version=form.version.data)
        except RuleViolation as error:
            db.session.refresh(placement)
            show_violation(form, error)
        else:
            if form.reason.data == rules.EndReason.LEFT_WITHOUT_NOTICE:
                flash(_("The stay has ended. CMM is alerted that the person left without "
                        "notice."), "success")
            else:
                flash(_("The stay has ended."), "success")
            return redirect(url_for("cases.show_case", reference=case.reference) + "#housing")
    with db.transaction():
        audit.record(current_user, "case.viewed", "case", case.id, case_id=case.id)
    return render_template("housing/end_form.html", case=case, placement=placement, form=form,
                           labels=_labels(), nights=rules.nights(
                               placement.start_date, placement.end_date or _end_day(form),
                               services.today()))


def _end_day(form) -> date | None:
    return form.end_date.data if isinstance(form.end_date.data, date) else None


@housing_bp.route("/cases/<reference>/housing/<int:placement_id>/followed-up",
                  methods=["POST"])
def follow_up(reference: str, placement_id: int):
    case = policy.load_case_or_404(reference, current_user)
    placement = _placement_or_404(case, placement_id)
    form = forms.FollowUpForm()
    if form.validate_on_submit():
        try:
            with db.transaction():
                services.follow_up_departure(case, current_user, placement)
        except RuleViolation as error:
            flash(error.message, "error")
        else:
            flash(_("Marked as followed up. The alert is closed."), "success")
    return redirect(url_for("cases.show_case", reference=case.reference) + "#housing")
