"""How process elements and data read to a person: task titles, field labels, values.

BPMN names stay English and stable; these are the translated words shown in the app.
"""

from __future__ import annotations

from datetime import date, datetime

from victimcare.i18n import _, _l, format_day, format_when
from victimcare.workflow.forms import TASK_FORMS

TASK_TITLES = {
    "Task_contact_representative": _l("Contact the child's representative"),
    "Task_interview": _l("Identification interview (1a form)"),
    "Task_interview_ngo": _l("Identification interview (1a form)"),
    "Task_send": _l("Send the 1a form and present the case"),
    "Task_assess_cmm": _l("Trafficking assessment by CMM"),
    "Task_assess_us": _l("Trafficking assessment by the Immigration Service"),
    "Task_record_court": _l("Record the court's decision"),
    "Task_propose": _l("Propose a support activity"),
    "Task_approve": _l("Approve the support activity"),
    "Task_carry_out": _l("Carry out the support activity"),
    "Task_record_rejection": _l("Record the final asylum decision"),
    "Task_grant_reflection": _l("Grant the reflection period"),
    "Task_grant_restitution": _l("Grant the restitution period"),
    "Task_review": _l("Review the period: 7 days left"),
    "Task_extend_reflection": _l("Decide on extending the reflection period"),
    "Task_extend_restitution": _l("Decide on extending the restitution period"),
}

PROCESS_TITLES = {"support_activity": _l("Support activity"),
                  "support": _l("Support period"),
                  "identification": _l("Identification")}

#: Who holds an open task, as its inbox row says it.
LANE_TITLES = {"CMM": _l("CMM"), "CMM coordinator": _l("CMM coordinators"),
               "NGO": _l("Your organisation"),
               "Immigration Service": _l("Immigration Service")}

#: Lanes as the diagram names them (the same for every viewer).
DIAGRAM_LANES = {"CMM": _l("CMM"), "CMM coordinator": _l("CMM coordinator"),
                 "NGO": _l("NGO"),
                 "Immigration Service": _l("Immigration Service")}

#: Diagram labels of elements that are not user tasks (user tasks use TASK_TITLES).
ELEMENT_TITLES = {
    # workflows/support.bpmn
    "Start_support": _l("Victim of trafficking"),
    "Gateway_kind": _l("Which period?"),
    "Flow_asylum": _l("Asylum seeker"), "Flow_reflection": _l("Reflection"),
    "Flow_restitution": _l("Restitution"),
    "Timer_review": _l("7 days before the end"),
    "Timer_review_late": _l("Period over"), "Timer_ext_c_late": _l("Period over"),
    "Timer_ext_r_late": _l("Period over"),
    "Gateway_review": _l("Decision?"),
    "Flow_extend": _l("Extend"), "Flow_asylum_applied": _l("Asylum"),
    "Flow_end_chosen": _l("End"),
    "Gateway_extender": _l("Whose period?"),
    "Flow_ext_restitution": _l("Restitution"), "Flow_ext_reflection": _l("Reflection"),
    "Gateway_extended": _l("Extended?"),
    "Flow_extended": _l("Yes"), "Flow_not_extended": _l("No"),
    "Timer_end": _l("Period ends"),
    "Task_period_ended": _l("Period over"),
    "End_period": _l("Period over"),
    "Task_asylum": _l("Applied for asylum"),
    "Gateway_asylum": _l("Asylum?"),
    "Flow_asylum_granted": _l("Granted"), "Flow_asylum_rejected": _l("Rejected"),
    "End_asylum_granted": _l("Asylum granted"),
    # workflows/support_activity.bpmn
    "Start_activity": _l("Support needed"),
    "Gateway_approved": _l("Approved?"),
    "Flow_approved": _l("Yes"),
    "Flow_rejected": _l("No"),
    "End_rejected": _l("Not approved"),
    "Timer_overdue": _l("Due time passed"),
    "Task_alert_overdue": _l("Alert CMM"),
    "End_escalated": _l("CMM alerted"),
    "End_done": _l("Activity done"),
    "Start_referral": _l("Referral registered"),
    "Gateway_detained": _l("Detained?"),
    "Timer_24h": _l("24 hours left"),
    "Task_alert_24h": _l("Warn CMM: 24 hours left"),
    "Timer_6h": _l("6 hours left"),
    "Task_alert_6h": _l("Alert CMM"),
    "Timer_deadline": _l("72 hours passed"),
    "Task_alert_missed": _l("Deadline missed"),
    "Gateway_child": _l("Child?"),
    "Gateway_interviewer": _l("Who interviews?"),
    "Gateway_more": _l("Another interview?"),
    "Gateway_authority": _l("Who assesses?"),
    "Gateway_victim": _l("Victim?"),
    "End_victim": _l("Victim: support"),
    "End_not_victim": _l("Not a victim: closed"),
    "Flow_detained": _l("Yes"), "Flow_free": _l("No"), "Flow_child": _l("Yes"),
    "Flow_adult": _l("No"), "Flow_by_ngo": _l("NGO"), "Flow_by_cmm": _l("CMM"),
    "Flow_again": _l("Yes"), "Flow_interviews_done": _l("No"),
    "Flow_to_us": _l("Immigration Service"), "Flow_to_court": _l("Court"),
    "Flow_to_cmm": _l("CMM"), "Flow_victim": _l("Yes"), "Flow_not_victim": _l("No"),
}


def element_title(element_id: str, bpmn_name: str) -> str:
    """A diagram element's label in the user's language (the BPMN name as a fallback)."""
    for mapping in (TASK_TITLES, ELEMENT_TITLES):
        if element_id in mapping:
            return str(mapping[element_id])
    return bpmn_name

EVENT_KINDS = {
    "process_started": _l("Started"),
    "task_completed": _l("Completed"),
    "alert": _l("Alert"),
    "process_completed": _l("Finished"),
    "process_cancelled": _l("Stopped"),
    "process_migrated": _l("Moved to a new version of the process"),
}

#: Alerts shown in red: a deadline has passed or is hours away.
SEVERE_ALERTS = frozenset({"activity_overdue", "detention_6h_left",
                           "detention_deadline_missed"})

ALERT_TITLES = {
    "activity_overdue": _l("A support activity is past its due time"),
    "detention_24h_left": _l("Detained person: 24 hours left of the 72"),
    "detention_6h_left": _l("Detained person: only 6 hours left of the 72"),
    "detention_deadline_missed": _l("Detained person: the 72 hours have passed"),
    "reflection_period_ended": _l("The reflection period has ended: departure position"),
    "restitution_period_ended": _l("The restitution period has ended"),
}


def title(mapping: dict, key: str) -> str:
    value = mapping.get(key)
    return str(value) if value is not None else key


#: Value labels other modules register: data key -> [(code, label)].
VALUE_LABELS: dict[str, list] = {}
#: Labels of process data shown on task pages (context keys), registered by modules.
FIELD_LABELS: dict[str, object] = {}


def field_label(key: str) -> str:
    """The label of a stored field: as registered, else the label of the form field."""
    if key in FIELD_LABELS:
        return str(FIELD_LABELS[key])
    for spec in TASK_FORMS.values():
        if spec.labels and key in spec.labels():
            return str(spec.labels()[key])
    for spec in TASK_FORMS.values():
        field = getattr(spec.form_class, key, None)
        label = getattr(field, "args", None)
        if label:
            return str(label[0])
    return key


def describe_value(key: str, value: object) -> str:
    """A stored value as a person reads it."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key == "organisation_id" and isinstance(value, int):
        from victimcare.accounts.models import Organisation
        from victimcare.extensions import db

        organisation = db.session.get(Organisation, value)
        return organisation.name if organisation else "—"
    if key.endswith("_at") and isinstance(value, str):
        try:
            return format_when(datetime.fromisoformat(value))
        except ValueError:
            return value
    if key.endswith("_on") and isinstance(value, str):  # a day (ISO date)
        try:
            return format_day(date.fromisoformat(value))
        except ValueError:
            return value
    if key == "language" and isinstance(value, str):
        from victimcare.i18n import language_name

        return language_name(value)
    if key in VALUE_LABELS:
        pairs = dict(VALUE_LABELS[key])
        if isinstance(value, list):
            return ", ".join(str(pairs.get(v, v)) for v in value)
        return str(pairs.get(value, value))
    return "" if value is None else str(value)


def describe_data(data: dict | None) -> list[tuple[str, str]]:
    """A completed form, read-only, as (label, value) lines for the case history."""
    return [(field_label(k), describe_value(k, v)) for k, v in (data or {}).items()
            if v not in (None, "")]
