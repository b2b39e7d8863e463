"""The task forms of workflows/support.bpmn, registered with the workflow engine."""

from __future__ import annotations

from datetime import date, timedelta

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from victimcare import clock
from victimcare.forms import NoControlCharacters, day_not_in_the_future, day_within_a_year
from victimcare.i18n import _l
from victimcare.support import rules, services
from victimcare.support.labels import EXTENSION_REASONS
from victimcare.workflow import services as workflow
from victimcare.workflow.forms import TaskForm, register
from victimcare.workflow.labels import FIELD_LABELS, VALUE_LABELS

NOTES_MAX = 2000

PERIOD_KINDS = [("reflection", _l("Reflection period (Immigration Service)")),
                ("restitution", _l("Restitution period (CMM)")),
                ("asylum", _l("Asylum seeker: reflection period from the final rejection"))]
REVIEW_DECISIONS = [
    ("extend", _l("Ask for an extension (special reasons)")),
    ("prepared_return", _l("Prepared return: ask for an extension to cooperate on it")),
    ("asylum", _l("The person has applied for asylum: the period ends")),
    ("end", _l("Let the period end"))]
YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]
ASYLUM_OUTCOMES = [("rejected", _l("Finally rejected")), ("granted", _l("Granted"))]

VALUE_LABELS.update({"period_kind": PERIOD_KINDS, "review_decision": REVIEW_DECISIONS,
                     "asylum_outcome": ASYLUM_OUTCOMES,
                     "reason": EXTENSION_REASONS})
FIELD_LABELS.update({
    "period_kind": _l("Period"), "period_starts_on": _l("Period starts"),
    "period_ends_on": _l("Period ends"), "asylum_rejected_on": _l("Final rejection of asylum"),
    "review_decision": _l("Contact person's review"), "extended": _l("Extended"),
    "days": _l("Length in days"), "notes": _l("Notes"), "reason": _l("Reason"),
})


def _within_the_cap(form, field):
    """A new end within 120 days of today is all a reflection period can reach; a
    restitution period within a year (the handler checks the exact limit)."""
    if field.data and not clock.today() <= field.data <= clock.today() + timedelta(days=366):
        raise ValidationError(_l("Give a day from today and within a year."))


def _notes(required: bool = False):
    return TextAreaField(_l("Notes"), validators=[
        InputRequired(_l("Write a short note.")) if required else Optional(),
        Length(max=NOTES_MAX), NoControlCharacters(multiline=True)])


def clock_data(ends_on: date) -> dict:
    """The period's end and review time, for the process's timers."""
    return {"period_ends_on": ends_on.isoformat(),
            "review_at": rules.review_at(ends_on, clock.LOCAL_ZONE).isoformat(),
            "ends_at": rules.ends_at(ends_on, clock.LOCAL_ZONE).isoformat()}


class AsylumDecisionForm(FlaskForm):
    asylum_outcome = RadioField(_l("The final asylum decision"),
                                choices=[SelectChoice(k, v) for k, v in ASYLUM_OUTCOMES],
                                validators=[InputRequired(_l("Choose one."))])
    decided_on = DateField(_l("Date of the decision"), validators=[
        InputRequired(_l("Give a date.")), day_not_in_the_future, day_within_a_year])
    notes = _notes()


def _asylum_data(form) -> dict:
    day = form.decided_on.data.isoformat()
    return {"asylum_outcome": form.asylum_outcome.data, "notes": form.notes.data or "",
            "asylum_rejected_on": day if form.asylum_outcome.data == "rejected" else None}


class GrantPeriodForm(FlaskForm):
    starts_on = DateField(_l("The period starts on"), default=clock.today, validators=[
        InputRequired(_l("Give a date.")), day_not_in_the_future, day_within_a_year])
    days = IntegerField(_l("Length in days"), default=rules.REFLECTION_DAYS, validators=[
        InputRequired(_l("Give the number of days.")),
        NumberRange(min=1, max=366, message=_l("Give a number of days from 1 to 366."))])
    notes = _notes()


def _grant_data(form) -> dict:
    starts_on = form.starts_on.data
    return {"period_starts_on": starts_on.isoformat(), "days": form.days.data,
            "notes": form.notes.data or "",
            **clock_data(rules.end_date(starts_on, form.days.data))}


class PeriodReviewForm(FlaskForm):
    review_decision = RadioField(_l("What should happen when the period ends?"),
                                 choices=[SelectChoice(k, v) for k, v in REVIEW_DECISIONS],
                                 validators=[InputRequired(_l("Choose one."))])
    notes = _notes()


def _review_data(form) -> dict:
    return {"review_decision": form.review_decision.data, "notes": form.notes.data or ""}


class ExtendPeriodForm(FlaskForm):
    extended = RadioField(_l("Extend the period?"),
                          choices=[SelectChoice(k, v) for k, v in YES_NO],
                          validators=[InputRequired(_l("Choose yes or no."))])
    ends_on = DateField(_l("New last day of the period"), validators=[Optional(),
                                                                      _within_the_cap])
    reason = RadioField(_l("Reason"), choices=[SelectChoice(k, v) for k, v in EXTENSION_REASONS],
                        validators=[Optional()])
    notes = _notes()

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.extended.data == "yes":
            for field, message in ((self.ends_on, _l("Give the new last day.")),
                                   (self.reason, _l("Choose the reason for the extension."))):
                if not field.data and not field.errors:
                    field.errors.append(message)
                    ok = False
        return ok


def _extend_data(form) -> dict:
    if form.extended.data != "yes":
        return {"extended": False, "notes": form.notes.data or ""}
    return {"extended": True, "reason": form.reason.data, "notes": form.notes.data or "",
            **clock_data(form.ends_on.data)}


PERIOD_CONTEXT = ("first_name", "period_kind", "period_starts_on", "period_ends_on")

register("asylum_rejection", TaskForm(
    AsylumDecisionForm, _asylum_data, handler=services.record_asylum_decision,
    context_keys=("first_name", "period_kind")))
register("grant_period", TaskForm(
    GrantPeriodForm, _grant_data, handler=services.grant_period,
    context_keys=("first_name", "period_kind", "asylum_rejected_on"),
    process_keys=("period_starts_on", "period_ends_on", "review_at", "ends_at"),
    history_keys=("period_starts_on", "days", "period_ends_on", "notes")))
register("period_review", TaskForm(
    PeriodReviewForm, _review_data, context_keys=PERIOD_CONTEXT,
    process_keys=("review_decision",)))
register("extend_period", TaskForm(
    ExtendPeriodForm, _extend_data, handler=services.extend_period,
    context_keys=(*PERIOD_CONTEXT, "review_decision"),
    process_keys=("extended", "period_ends_on", "review_at", "ends_at"),
    history_keys=("extended", "period_ends_on", "reason", "notes")))

workflow.register_operation("period_ended", services.period_ended)
# The review of a period, and CMM's extensions, are the contact person's work.
workflow.CONTACT_PERSON_PROCESSES.add(services.PROCESS_KEY)
