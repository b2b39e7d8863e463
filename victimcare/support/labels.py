"""How periods read to a person (translated)."""

from victimcare.audit.services import ACTION_LABELS
from victimcare.i18n import _l

PERIOD_KINDS = {"reflection": _l("Reflection period"), "restitution": _l("Restitution period")}
END_REASONS = {"expired": _l("Ended with no extension"),
               "asylum": _l("Ended: the person applied for asylum"),
               "residence_ended": _l("Ended: lawful residence ended"),
               "departed": _l("Ended: the person left on a prepared return")}
EXTENSION_REASONS = [("special_reasons", _l("Special reasons")),
                     ("prepared_return", _l("Cooperation on a prepared return")),
                     ("other", _l("Other (restitution periods only)"))]


def label(mapping, code: str) -> str:
    return str(dict(mapping).get(code, code))

ACTION_LABELS_SUPPORT = {
    "period.granted": _l("Granted a period"),
    "period.extended": _l("Extended a period"),
    "period.not_extended": _l("Decided not to extend a period"),
    "period.ended": _l("A period ended"),
    "residence.ended": _l("Recorded that lawful residence ended"),
    "asylum.decision_recorded": _l("Recorded the final asylum decision"),
    "case.contact_person_set": _l("Named the contact person"),
    "case.handed_to_immigration_service": _l("Handed the case to the Immigration Service"),
    "process.cancelled": _l("Stopped a process"),
    "alert.followed_up": _l("Marked an alert as followed up"),
}

ACTION_LABELS.update(ACTION_LABELS_SUPPORT)
