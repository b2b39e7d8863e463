"""Forms of the support-activity process (workflows/support_activity.bpmn).

Activities (DOMAIN.md §7) are proposed and approved by CMM, then carried out by an NGO or a
shelter; help never depends on the person agreeing to testify.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

import sqlalchemy as sa
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from victimcare import clock
from victimcare.accounts.models import Organisation, OrganisationKind
from victimcare.extensions import db
from victimcare.forms import NoControlCharacters
from victimcare.i18n import _l
from victimcare.workflow.forms import TaskForm, register
from victimcare.workflow.labels import VALUE_LABELS

NOTES_MAX = 2000

ACTIVITY_KINDS = {
    "health_care": _l("Health care"),
    "psychological_help": _l("Psychological or psychiatric help"),
    "legal_advice": _l("Legal advice"),
    "course": _l("Course"),
    "accompaniment": _l("Accompaniment"),
    "other": _l("Other"),
}


def _organisations():
    return db.session.scalars(sa.select(Organisation).where(
        Organisation.is_active.is_(True),
        Organisation.kind.in_([OrganisationKind.NGO, OrganisationKind.SHELTER_OPERATOR]))
        .order_by(Organisation.name))


class ActivityProposalForm(FlaskForm):
    activity_kind = SelectField(_l("Activity"), choices=[
        SelectChoice(k, v) for k, v in ACTIVITY_KINDS.items()],
        validators=[DataRequired(_l("Choose the activity."))])
    description = TextAreaField(_l("What is to be done"), validators=[
        DataRequired(_l("Describe the activity.")), Length(max=NOTES_MAX),
        NoControlCharacters(multiline=True)])
    organisation_id = SelectField(_l("Carried out by"), coerce=int,
                                  validators=[InputRequired(_l("Choose an organisation."))])
    due_date = DateField(_l("Due date"), validators=[
        InputRequired(_l("Give a date, e.g. 2026-12-01."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [SelectChoice(o.id, o.name) for o in _organisations()]

    def validate_due_date(self, field):
        if field.data and field.data < clock.today():
            raise ValidationError(_l("The date has passed. Choose today or a later date."))


def _proposal_data(form: ActivityProposalForm) -> dict:
    # Due at the end of the chosen day, Copenhagen time, stored as UTC.
    end_of_day = datetime.combine(form.due_date.data, time(23, 59), clock.LOCAL_ZONE)
    return {"activity_kind": form.activity_kind.data, "description": form.description.data,
            "organisation_id": form.organisation_id.data,
            "due_at": end_of_day.astimezone(UTC).isoformat()}


class ActivityApprovalForm(FlaskForm):
    decision = RadioField(_l("Decision"), choices=[
        SelectChoice("approve", _l("Approve")), SelectChoice("reject", _l("Do not approve"))],
        validators=[DataRequired(_l("Choose whether to approve the activity."))])
    reason = TextAreaField(_l("Reason"), validators=[Length(max=NOTES_MAX),
                                                     NoControlCharacters(multiline=True)])

    def validate_reason(self, field):
        if self.decision.data == "reject" and not (field.data or "").strip():
            raise ValidationError(_l("Give the reason the activity is not approved."))


def _approval_data(form: ActivityApprovalForm) -> dict:
    return {"approved": form.decision.data == "approve", "reason": form.reason.data or ""}


OUTCOMES = [("done", _l("Done")), ("not_done", _l("Could not be done"))]
VALUE_LABELS.update({"activity_kind": list(ACTIVITY_KINDS.items()), "outcome": OUTCOMES})


class ActivityReportForm(FlaskForm):
    outcome = RadioField(_l("Outcome"), choices=[SelectChoice(k, v) for k, v in OUTCOMES],
                         validators=[DataRequired(_l("Choose what happened."))])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=NOTES_MAX),
                                                   NoControlCharacters(multiline=True)])


def _report_data(form: ActivityReportForm) -> dict:
    return {"outcome": form.outcome.data, "notes": form.notes.data or ""}


register("activity_proposal", TaskForm(ActivityProposalForm, _proposal_data, labels=lambda: {
    "activity_kind": _l("Activity"), "description": _l("What is to be done"),
    "organisation_id": _l("Carried out by"), "due_at": _l("Due date")}))
register("activity_approval", TaskForm(ActivityApprovalForm, _approval_data, labels=lambda: {
    "approved": _l("Approved"), "reason": _l("Reason")},
    context_keys=("description", "activity_kind", "organisation_id", "due_at")))
register("activity_report", TaskForm(ActivityReportForm, _report_data, labels=lambda: {
    "outcome": _l("Outcome"), "notes": _l("Notes")},
    context_keys=("description", "activity_kind")))
