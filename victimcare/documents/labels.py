"""How the documents read in the staff interface (the messages catalog), and their audit
actions."""

from __future__ import annotations

from victimcare.audit.services import ACTION_LABELS
from victimcare.i18n import _l

KINDS = {
    "rights": _l("Information on rights and procedures"),
    "consent": _l("Consent to share with the police and to the processing of personal data"),
    "decision": _l("Decision on victim status and the period's end date"),
    "plan": _l("Reintegration plan and budget"),
}
WHEN = {
    "rights": _l("At the first contact, before the interview."),
    "consent": _l("At the interview: the person signs it, then record it below."),
    "decision": _l("When the assessment is recorded, and again when the period changes."),
    "plan": _l("When the reintegration plan and budget are drawn up."),
}

ACTION_LABELS.update({
    "document.generated": _l("Made a document for the person"),
    "consent.recorded": _l("Recorded a signed consent"),
    "person.document_language_set": _l("Chose the language of the person's documents"),
})


def kind_label(kind: str) -> str:
    return str(KINDS.get(kind, kind))
