"""What the identification codes read as, in the user's language (one place for all)."""

from __future__ import annotations

from wtforms import SelectChoice

from victimcare.audit.services import ACTION_LABELS
from victimcare.i18n import _l

REFERRERS = [
    ("police", _l("Police")), ("union_3f", _l("3F (trade union)")),
    ("ngo_action_plan", _l("NGO under the action plan")), ("red_cross", _l("Red Cross")),
    ("womens_crisis_centre", _l("Women's crisis centre")),
    ("immigration_service", _l("Immigration Service")), ("lawyer", _l("Lawyer")),
    ("municipal_caseworker", _l("Municipal caseworker")), ("nurse", _l("Nurse")),
    ("support_person", _l("Support person")), ("private_person", _l("Private person")),
    ("church_organisation", _l("Church organisation")), ("foreign_ngo", _l("Foreign NGO")),
    ("self_referral", _l("The person themselves")), ("hospital", _l("Hospital")),
    ("homeless_unit", _l("Homeless unit")),
    ("mobile_health_service", _l("Mobile health service")),
    ("victims_lawyer", _l("Victim's lawyer")), ("municipality", _l("Municipality")),
    ("labour_inspection", _l("Labour inspection")), ("tax_agency", _l("Tax agency")),
    ("other", _l("Other")),
]
CHANNELS = [("hotline", _l("Hotline")), ("online_report", _l("Online report")),
            ("outreach", _l("Outreach")), ("joint_inspection", _l("Joint inspection")),
            ("other", _l("Other"))]
REGIONS = [("capital", _l("Capital Region")), ("zealand", _l("Zealand")),
           ("southern_denmark", _l("Southern Denmark")),
           ("central_jutland", _l("Central Jutland")), ("north_jutland", _l("North Jutland"))]
EXPLOITATION = [
    ("prostitution", _l("Prostitution")),
    ("pornography", _l("Pornographic photos, films or performances")),
    ("forced_labour", _l("Forced labour, including begging")),
    ("slavery", _l("Slavery or slavery-like conditions")),
    ("criminal_acts", _l("Criminal acts")), ("organ_removal", _l("Removal of organs")),
    ("unknown", _l("Not known yet")),
]
ACTS = [("recruitment", _l("Recruitment")), ("transport", _l("Transport")),
        ("transfer", _l("Transfer")), ("harbouring", _l("Harbouring")),
        ("receipt", _l("Receipt"))]
MEANS = [("coercion", _l("Unlawful coercion")),
         ("deprivation_of_liberty", _l("Deprivation of liberty")), ("threats", _l("Threats")),
         ("deception", _l("Deception or exploiting a misconception")),
         ("other_undue_means", _l("Other undue means"))]
GENDERS = [("female", _l("Female")), ("male", _l("Male")),
           ("transgender", _l("Transgender")), ("other", _l("Other"))]
RESIDENCE = [("lawful", _l("Lawful residence")),
             ("lawful_under_6_months", _l("Lawful residence of under 6 months")),
             ("none", _l("No lawful residence")), ("asylum_seeker", _l("Asylum seeker")),
             ("charged", _l("Charged with a criminal offence"))]
FINDINGS = [("yes", _l("Yes")), ("no", _l("No")), ("doubt", _l("In doubt"))]
MEANS_FINDINGS = [*FINDINGS, ("not_applicable", _l("Not applicable: the person is a child"))]
YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]
REPRESENTATIVES = [("representative", _l("The child's representative")),
                   ("municipality", _l("The municipality of action"))]
#: What may go to the police (each disclosure under the person's consent).
DOCUMENTS = [("form_1a", _l("1a form")), ("assessment", _l("Trafficking assessment"))]
SENDING = [("sent", _l("Sent, with the person's consent")),
           ("not_sent", _l("Not sent: no consent"))]
DECISIONS = [("victim", _l("Victim of trafficking")), ("not_victim", _l("Not a victim"))]
AUTHORITIES = [("cmm", _l("CMM")), ("immigration_service", _l("Immigration Service")),
               ("court", _l("Court"))]


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def label(pairs, value) -> str:
    for key, text in pairs:
        if key == value:
            return str(text)
    return "" if value is None else str(value)


ACTION_LABELS.update({
    "referral.registered": _l("Registered a referral"),
    "referral.logged": _l("Logged a contact that led to no case"),
    "interview.recorded": _l("Recorded an identification interview (1a)"),
    "interview.viewed": _l("Viewed a 1a form"),
    "assessment.recorded": _l("Recorded the trafficking assessment"),
    "police.disclosed": _l("Recorded a disclosure to the police"),
})
