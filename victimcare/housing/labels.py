"""What the housing codes read as, in the user's language (one place for all)."""

from __future__ import annotations

from victimcare.housing.rules import Unfit
from victimcare.i18n import _l

KIND_LABELS = [
    ("specialised_shelter", _l("Specialised shelter")),
    ("womens_crisis_centre", _l("Women's crisis centre (Social Services Act §109)")),
    ("mens_crisis_centre", _l("Men's crisis centre (Social Services Act §110)")),
    ("hostel", _l("Hostel")),
    ("hotel", _l("Hotel")),
    ("minors_centre", _l("Centre for unaccompanied minors")),
    ("asylum_centre", _l("Asylum centre")),
]
GENDER_LABELS = [("women", _l("Women")), ("men", _l("Men")), ("anyone", _l("Anyone"))]
AGE_LABELS = [("adults", _l("Adults")), ("minors", _l("Unaccompanied minors only")),
              ("anyone", _l("Adults and children"))]
RESIDENCE_LABELS = [
    ("any", _l("Any residence status")),
    ("lawful_only", _l("Lawful residence only (§109/§110 places)")),
    ("immigration_support_only",
     _l("Only people the Immigration Service supports (no lawful residence, asylum seekers)")),
]
PAYER_LABELS = [("cmm", _l("CMM")), ("immigration_service", _l("Immigration Service"))]
END_LABELS = [
    ("moved", _l("Moved to another facility")),
    ("moved_on", _l("Moved on (own housing, municipality)")),
    ("returned_home", _l("Returned home")),
    ("left_without_notice", _l("Left without notice")),
]

UNFIT_LABELS = {
    Unfit.GENDER: _l("Not for the person's gender"),
    Unfit.ADULTS_ONLY: _l("For adults only: the person is treated as a child"),
    Unfit.MINORS_ONLY: _l("For unaccompanied minors only"),
    Unfit.LAWFUL_RESIDENCE_ONLY: _l(
        "Only for people with lawful residence (Social Services Act §109/§110)"),
    Unfit.IMMIGRATION_SUPPORT_ONLY: _l(
        "Only for people the Immigration Service supports (no lawful residence, asylum "
        "seekers)"),
    Unfit.INACTIVE: _l("No longer in use"),
}


def label(pairs, value) -> str:
    """The label of a code (an enum member or its value)."""
    value = getattr(value, "value", value)
    return next((str(text) for key, text in pairs if key == value), "" if value is None
                else str(value))


def register_elsewhere() -> None:
    """Titles other modules show for housing's records: the alert of a disappearance (on the
    dashboards and in the case history) and the audit actions."""
    from victimcare.audit.services import ACTION_LABELS
    from victimcare.workflow.labels import ALERT_TITLES

    ALERT_TITLES["left_without_notice"] = _l("The person left housing without notice")
    ACTION_LABELS.update({
        "housing.placed": _l("Placed the person in housing"),
        "housing.ended": _l("Ended a housing stay"),
        "housing.followed_up": _l("Followed up on a person who left housing"),
        "facility.created": _l("Added a housing facility"),
        "facility.updated": _l("Changed a housing facility"),
    })


register_elsewhere()
