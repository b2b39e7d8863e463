"""The task forms of workflows/prepared_return.bpmn, registered with the workflow engine.

Some forms need the prepared return they belong to (the proposed partner, the household the
budget is for, the follow-up count): ``_prepared()`` finds it through the task being shown
or completed (``/tasks/<task_id>``), never from anything the browser sends.
"""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from victimcare import clock
from victimcare.extensions import db
from victimcare.forms import NoControlCharacters, day_not_in_the_future, day_within_a_year
from victimcare.housing.forms import parse_dkk
from victimcare.i18n import _, _l
from victimcare.returns import labels, rules, services
from victimcare.returns.rules import BudgetCategory
from victimcare.workflow import services as workflow
from victimcare.workflow.forms import TaskForm, register
from victimcare.workflow.labels import FIELD_LABELS, VALUE_LABELS

TEXT_MAX = 2000
#: The largest amount a budget line or a debt is recorded with (DKK): a guard against typing
#: errors far above any real budget, not a rule.
AMOUNT_MAX_DKK = 10_000_000
#: How many months follow-up can be extended by at a time (a typing guard).
EXTEND_MAX_MONTHS = 12

VALUE_LABELS.update({"answer": labels.ANSWERS, "ministry_decision": labels.MINISTRY_DECISIONS,
                     "plan_state": labels.PLAN_STATES, "outcome": labels.OUTCOMES,
                     **{f"{d}_rating": labels.RATINGS for d in rules.SAFETY_DIMENSIONS}})
FIELD_LABELS.update({
    "answer": _l("Answer"), "answered_on": _l("Answered on"),
    "destination_country": _l("Destination country"),
    "accompanying_children": _l("Accompanying minor children"),
    "provider": _l("Provides for dependants"), "high_risk": _l("High risk"),
    "signed_off": _l("Signed off"), "over_maximum": _l("Over a maximum"),
    "exception_approved": _l("Exception approved"),
    "ministry_decision": _l("The Ministry's decision"),
    "ministry_decided_on": _l("Decided on"), "departed_on": _l("Departure"),
    "follow_ups_done": _l("Follow-ups done"), "follow_ups_planned": _l("Follow-ups planned"),
    "follow_up_due_at": _l("Next follow-up"), "plan_state": _l("State of the plan"),
    "extend_months": _l("Extended by months"), "outcome": _l("Outcome"),
})


def _text(label, required: bool = False, message=None):
    return TextAreaField(label, validators=[
        InputRequired(message or _l("Write a short note.")) if required else Optional(),
        Length(max=TEXT_MAX), NoControlCharacters(multiline=True)])


def _day(label):
    return DateField(label, default=clock.today, validators=[
        InputRequired(_l("Give a date.")), day_not_in_the_future, day_within_a_year])


class _Amount:
    def __call__(self, form, field):
        try:
            ore = parse_dkk(field.data)
        except ValueError:
            raise ValidationError(_l("Give an amount in kroner, e.g. 40000 or 40.000,00.")) \
                from None
        if ore is not None and not 0 <= ore <= AMOUNT_MAX_DKK * rules.ORE_PER_KRONE:
            raise ValidationError(_l("Give an amount from 0 to %(max)s kroner.",
                                     max=f"{AMOUNT_MAX_DKK:,}".replace(",", ".")))


def _amount(label):
    return StringField(label, validators=[Optional(), Length(max=20), _Amount()])


def _ore(field) -> int | None:
    return parse_dkk(field.data)


def _task():
    from victimcare.workflow.models import WorkflowTask

    task_id = (request.view_args or {}).get("task_id")
    return db.session.get(WorkflowTask, task_id) if task_id is not None else None


def _prepared():
    from sqlalchemy import select

    from victimcare.returns.models import PreparedReturn

    task = _task()
    if task is None:
        return None
    return db.session.scalar(select(PreparedReturn).where(
        PreparedReturn.instance_id == task.instance_id))


def _yes_no(label):
    return RadioField(label, choices=[SelectChoice("yes", _l("Yes")),
                                      SelectChoice("no", _l("No"))],
                      validators=[InputRequired(_l("Choose yes or no."))])


# --- offer -----------------------------------------------------------------------------------


class OfferForm(FlaskForm):
    answer = RadioField(_l("The person's answer"),
                        choices=[SelectChoice(k, v) for k, v in labels.ANSWERS],
                        validators=[InputRequired(_l("Choose one."))])
    answered_on = _day(_l("Date of the answer"))
    destination_country = SelectField(_l("Destination country"), validators=[
        InputRequired(_l("Choose the country the person would return to."))])
    accompanying_children = IntegerField(_l("Minor children returning with the person"),
                                         default=0, validators=[
        InputRequired(_l("Give a number, 0 if none.")),
        NumberRange(min=0, max=20, message=_l("Give a number from 0 to 20."))])
    provider = BooleanField(_l("Provides for dependants (with them or at home)"))
    notes = _text(_l("Notes"))

    def __init__(self, *args, **kwargs):
        from victimcare.identification.forms import country_choices

        super().__init__(*args, **kwargs)
        self.destination_country.choices = country_choices()


def _offer_data(form) -> dict:
    return {"answer": form.answer.data, "answered_on": form.answered_on.data.isoformat(),
            "destination_country": form.destination_country.data,
            "accompanying_children": form.accompanying_children.data,
            "provider": bool(form.provider.data), "notes": form.notes.data or ""}


# --- safety ----------------------------------------------------------------------------------


def _rating(label):
    return RadioField(label, choices=[SelectChoice(k, v) for k, v in labels.RATINGS],
                      validators=[InputRequired(_l("Rate it: low, medium or high."))])


class SafetyForm(FlaskForm):
    threats_rating = _rating(_l("Threats from the traffickers"))
    threats_notes = _text(_l("Notes on threats"))
    debt_rating = _rating(_l("Debt"))
    debt_to = StringField(_l("Debt to whom"), validators=[Optional(), Length(max=120),
                                                          NoControlCharacters()])
    debt_amount = _amount(_l("Debt: how much (DKK)"))
    debt_notes = _text(_l("Notes on debt"))
    health_rating = _rating(_l("Health"))
    health_notes = _text(_l("Notes on health"))
    geography_rating = _rating(_l("Geography: where the person will live"))
    geography_notes = _text(_l("Notes on geography"))
    retrafficking_rating = _rating(_l("Risk of being trafficked again"))
    retrafficking_notes = _text(_l("Notes on the risk of being trafficked again"))
    own_view_rating = _rating(_l("The person's own view"))
    own_view_notes = _text(_l("The person's own view, in their words"), required=True)
    child_best_interests = _text(_l("For a child: the child's best interests"))
    receiving_care = _text(_l("For a child: the care that receives the child"))


def _safety_data(form) -> dict:
    ratings = {d: getattr(form, f"{d}_rating").data for d in rules.SAFETY_DIMENSIONS}
    return {**{f"{d}_rating": v for d, v in ratings.items()},
            **{f"{d}_notes": getattr(form, f"{d}_notes").data or ""
               for d in rules.SAFETY_DIMENSIONS},
            "debt_to": form.debt_to.data or "", "debt_amount_ore": _ore(form.debt_amount),
            "child_best_interests": form.child_best_interests.data or "",
            "receiving_care": form.receiving_care.data or "",
            "high_risk": rules.is_high_risk(ratings)}


class SignOffForm(FlaskForm):
    signed_off = _yes_no(_l("Sign off the return despite the high risk?"))
    notes = _text(_l("Reasons"), required=True, message=_l("Write the reasons."))


def _sign_off_data(form) -> dict:
    return {"signed_off": form.signed_off.data == "yes", "notes": form.notes.data or ""}


# --- plan and budget -------------------------------------------------------------------------


class PlanForm(FlaskForm):
    activity = _text(_l("Income-generating activity or education"), required=True,
                     message=_l("Describe what the person will live from or study."))
    partner_id = SelectField(_l("Return partner"), coerce=int, validators=[
        InputRequired(_l("Choose a partner."))])
    partner_change_reason = _text(_l("Reason for another partner than the proposed one"))
    housing = _amount(_l("In kind: housing"))
    business = _amount(_l("In kind: business start-up"))
    education = _amount(_l("In kind: education"))
    medicine = _amount(_l("In kind: medicine"))
    other = _amount(_l("In kind: other"))
    pocket_money = _amount(_l("Cash: pocket money"))
    health_extra = _amount(_l("Health extras (medicine, aids)"))
    health_reason = _text(_l("Reason for the health extras"))
    justification = _text(_l("Justification for going over a maximum"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        prepared = _prepared()
        self.partner_id.choices = [SelectChoice(p.id, f"{p.name}") for p in
                                   services.partners()]
        if prepared is not None and not self.is_submitted() and self.partner_id.data is None:
            proposed = prepared.partner or services.proposed_partner(
                prepared.destination_country)
            self.partner_id.data = proposed.id if proposed else None
        if prepared is not None:
            limits = services.maximums_text(prepared, clock.today())
            if limits:
                self.justification.label.text = _(
                    "Justification for going over a maximum (%(limits)s)", limits=limits)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        try:
            rules.maximums(rules.Household(provider=True), services.rates_on(clock.today()))
            rules.maximums(rules.Household(), services.rates_on(clock.today()))
        except rules.MissingRate:
            self.form_errors.append(_l("The maximums for prepared returns are not set up. "
                                       "Ask the coordinator (flask seed-return-rates)."))
            return False
        return ok


def _plan_data(form) -> dict:
    lines = {f"{c.value}_ore": _ore(getattr(form, c.value)) or 0 for c in BudgetCategory}
    prepared = _prepared()
    check = services.check_plan(prepared, services.budget_lines(lines), clock.today())
    return {"activity": form.activity.data, "partner_id": form.partner_id.data,
            "partner_change_reason": form.partner_change_reason.data or "",
            "health_reason": form.health_reason.data or "",
            "justification": form.justification.data or "", **lines,
            "total_ore": check.total_ore, "over_maximum": check.over_maximum}


class ExceptionForm(FlaskForm):
    exception_approved = _yes_no(_l("Approve the budget over the maximum?"))
    notes = _text(_l("Reasons"), required=True, message=_l("Write the reasons."))


def _exception_data(form) -> dict:
    return {"exception_approved": form.exception_approved.data == "yes",
            "notes": form.notes.data or ""}


class MinistryForm(FlaskForm):
    ministry_decision = RadioField(_l("The Ministry's decision"), choices=[
        SelectChoice(k, v) for k, v in labels.MINISTRY_DECISIONS],
        validators=[InputRequired(_l("Choose one."))])
    decided_on = _day(_l("Date of the decision"))
    ministry_contact = StringField(_l("Who at the Ministry"), validators=[
        InputRequired(_l("Give the name of the person at the Ministry.")), Length(max=120),
        NoControlCharacters()])
    notes = _text(_l("Changes asked, or notes"))


def _ministry_data(form) -> dict:
    return {"ministry_decision": form.ministry_decision.data,
            "ministry_decided_on": form.decided_on.data.isoformat(),
            "ministry_contact": form.ministry_contact.data, "notes": form.notes.data or ""}


# --- departure and follow-up -------------------------------------------------------------------


class DepartureForm(FlaskForm):
    departed_on = _day(_l("The person left on"))
    travel = _text(_l("Travel (flight, escort, arrival)"), required=True,
                   message=_l("Describe the travel."))


def _departure_data(form) -> dict:
    departed_on = form.departed_on.data
    return {"departed_on": departed_on.isoformat(), "travel": form.travel.data,
            "follow_ups_done": 0, "follow_ups_planned": services.follow_up_months(departed_on),
            "follow_up_due_at": rules.follow_up_due(departed_on, 1,
                                                    clock.LOCAL_ZONE).isoformat()}


class FollowUpForm(FlaskForm):
    partner_contact = _text(_l("Contact with the partner"), required=True,
                            message=_l("Describe the contact with the partner."))
    plan_state = RadioField(_l("State of the plan"), choices=[
        SelectChoice(k, v) for k, v in labels.PLAN_STATES],
        validators=[InputRequired(_l("Choose one."))])
    concerns = _text(_l("Concerns"))
    extend_months = IntegerField(_l("Extend follow-up by months"), default=0, validators=[
        InputRequired(_l("Give a number, 0 if none.")),
        NumberRange(min=0, max=EXTEND_MAX_MONTHS,
                    message=_l("Give a number from 0 to %(max)s.", max=EXTEND_MAX_MONTHS))])
    extension_reason = _text(_l("Reason for extending follow-up"))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.extend_months.data and not (self.extension_reason.data or "").strip() \
                and not self.extension_reason.errors:
            self.extension_reason.errors = [_l("Give the reason for extending follow-up.")]
            ok = False
        return ok


def _follow_up_data(form) -> dict:
    prepared = _prepared()
    context = _task().context or {}
    done = len(prepared.follow_ups) + 1
    planned = (context.get("follow_ups_planned") or 0) + (form.extend_months.data or 0)
    return {"partner_contact": form.partner_contact.data, "plan_state": form.plan_state.data,
            "concerns": form.concerns.data or "", "extend_months": form.extend_months.data,
            "extension_reason": form.extension_reason.data or "",
            "follow_ups_done": done, "follow_ups_planned": planned,
            "follow_up_due_at": rules.follow_up_due(prepared.departed_on, done + 1,
                                                    clock.LOCAL_ZONE).isoformat()}


class OutcomeForm(FlaskForm):
    outcome = RadioField(_l("Outcome"), choices=[
        SelectChoice(k, v) for k, v in labels.OUTCOMES if k != "left_without_notice"],
        validators=[InputRequired(_l("Choose one."))])
    notes = _text(_l("Notes"))


def _outcome_data(form) -> dict:
    return {"outcome": form.outcome.data, "notes": form.notes.data or ""}


CONTEXT = ("first_name",)
#: The safety assessment, plan, budget and follow-ups are CMM's (need to know): the
#: Immigration Service sees the return's status, departure and outcome, not these.
CMM_ONLY = frozenset(workflow.LANE_ROLES["CMM"])
register("return_offer", TaskForm(
    OfferForm, _offer_data, handler=services.record_offer, context_keys=CONTEXT,
    process_keys=("answer",),
    history_keys=("answer", "answered_on", "destination_country", "accompanying_children",
                  "provider")))
register("safety_assessment", TaskForm(
    SafetyForm, _safety_data, handler=services.record_safety,
    context_keys=(*CONTEXT, "answer"), process_keys=("high_risk",),
    history_keys=(*(f"{d}_rating" for d in rules.SAFETY_DIMENSIONS), "high_risk"),
    history_roles=CMM_ONLY))
register("risk_sign_off", TaskForm(
    SignOffForm, _sign_off_data, handler=services.sign_off_risk,
    context_keys=(*CONTEXT, "high_risk"), process_keys=("signed_off",),
    history_keys=("signed_off",),
    history_roles=CMM_ONLY))
register("reintegration_plan", TaskForm(
    PlanForm, _plan_data, handler=services.record_plan, context_keys=CONTEXT,
    process_keys=("over_maximum",), history_keys=("over_maximum",),
    history_roles=CMM_ONLY))
register("budget_exception", TaskForm(
    ExceptionForm, _exception_data, handler=services.decide_exception,
    context_keys=(*CONTEXT, "over_maximum"), process_keys=("exception_approved",),
    history_keys=("exception_approved", "notes"),
    history_roles=CMM_ONLY))
register("ministry_decision", TaskForm(
    MinistryForm, _ministry_data, handler=services.record_ministry, context_keys=CONTEXT,
    process_keys=("ministry_decision",),
    history_keys=("ministry_decision", "ministry_decided_on", "ministry_contact", "notes")))
register("return_departure", TaskForm(
    DepartureForm, _departure_data, handler=services.record_departure, context_keys=CONTEXT,
    process_keys=("departed_on", "follow_ups_done", "follow_ups_planned",
                  "follow_up_due_at"),
    history_keys=("departed_on", "follow_ups_planned")))
register("return_follow_up", TaskForm(
    FollowUpForm, _follow_up_data, handler=services.record_follow_up,
    context_keys=(*CONTEXT, "departed_on", "follow_ups_done", "follow_ups_planned"),
    process_keys=("follow_ups_done", "follow_ups_planned", "follow_up_due_at"),
    history_keys=("plan_state", "follow_ups_done", "follow_ups_planned", "extend_months"),
    history_roles=CMM_ONLY))
register("return_outcome", TaskForm(
    OutcomeForm, _outcome_data, handler=services.record_outcome, context_keys=CONTEXT,
    process_keys=("outcome",), history_keys=("outcome", "notes")))
