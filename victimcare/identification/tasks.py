"""The task forms of workflows/identification.bpmn, registered with the workflow engine."""

from victimcare.i18n import _l
from victimcare.identification import forms, labels, services
from victimcare.workflow.forms import TaskForm, register
from victimcare.workflow.labels import FIELD_LABELS, VALUE_LABELS

VALUE_LABELS.update({
    "recommendation": labels.FINDINGS, "contacted": labels.REPRESENTATIVES,
    "police": labels.SENDING, "decision": labels.DECISIONS,
    "act_established": labels.FINDINGS, "means_established": labels.MEANS_FINDINGS,
    "purpose_established": labels.FINDINGS, "currently_trafficked": labels.FINDINGS,
    "authority": labels.AUTHORITIES,
})
FIELD_LABELS.update({
    "first_name": _l("First name or alias"), "referral_place": _l("Place of the referral"),
    "is_child": _l("Treated as a child"), "authority": _l("Competent authority"),
    "deadline_at": _l("72-hour deadline"),
})

register("representative_contact", TaskForm(
    forms.RepresentativeContactForm, forms.representative_data,
    context_keys=("first_name", "deadline_at")))
register("form_1a", TaskForm(
    forms.Form1a, forms.form_1a_data, handler=services.record_interview,
    # An NGO interviewer sees the first name or alias, the language and the place.
    context_keys=("first_name", "language", "referral_place", "is_child"),
    process_keys=("another_interview",),
    # The account is confidential: it stays in the interview, out of the history.
    history_keys=("held_at", "place", "organisation_id", "interpreter", "language",
                  "recommendation", "police_consent", "another_interview")))
register("send_1a", TaskForm(
    forms.SendForm, forms.send_data, handler=services.record_sending,
    context_keys=("authority",)))
register("assessment", TaskForm(
    forms.AssessmentForm, forms.assessment_data, handler=services.record_assessment,
    context_keys=("authority", "is_child"), process_keys=("decision",)))
