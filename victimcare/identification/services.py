"""Use cases of identification: register a referral and start the process; the task
handlers that write interviews, disclosures and assessments (in the completion's transaction).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from victimcare import clock
from victimcare.accounts.models import Organisation, OrganisationKind, User
from victimcare.audit import services as audit
from victimcare.cases import services as cases
from victimcare.cases.models import Case, CaseStatus, Gender, Person
from victimcare.errors import RuleViolation
from victimcare.extensions import db
from victimcare.i18n import _, format_day, format_when
from victimcare.identification import rules
from victimcare.identification.models import (
    NOTIFY_POLICE_AND_CMM,
    Channel,
    Decision,
    Exploitation,
    Interview,
    PoliceDisclosure,
    Referral,
    Referrer,
    Region,
    TraffickingAssessment,
)
from victimcare.identification.rules import Authority, Finding, ResidenceStatus

LIKELY_MATCHES_LIMIT = 10


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def likely_earlier_records(given_name: str, family_name: str, date_of_birth,
                           nationality: str | None) -> list[Person]:
    """Earlier persons who may be the same: the same name, or the same birth date and
    nationality (names are spelt many ways across interpreters and documents)."""
    same_name = sa.and_(sa.func.lower(Person.given_name) == given_name.strip().lower(),
                        sa.func.lower(Person.family_name) == (family_name or "").strip().lower())
    conditions = [same_name]
    if date_of_birth is not None and nationality:
        conditions.append(sa.and_(Person.date_of_birth == date_of_birth,
                                  Person.nationality == nationality))
    return list(db.session.scalars(sa.select(Person).where(sa.or_(*conditions))
                                   .order_by(Person.id.desc()).limit(LIKELY_MATCHES_LIMIT)))


def cases_of(person: Person) -> list[Case]:
    return list(db.session.scalars(sa.select(Case).where(Case.person_id == person.id)
                                   .order_by(Case.created_at)))


def case_histories(cases: list[Case]) -> list[dict]:
    """What a caseworker must see of a person's earlier cases (issue 5): the assessment, the
    reflection or restitution periods, and disappearances."""
    from victimcare.support import services as support

    return [{"case": case, "assessment": latest_assessment(case.id),
             "periods": support.periods_of(case),
             "disappearances": support.disappearances_of(case)} for case in cases]


def register_referral(actor: User, data: dict, person: Person | None = None) -> Referral:
    """Record a contact; unless it leads to no case, open the case for the person (new, or an
    earlier record the caseworker linked) and start the identification process."""
    referrer = Referrer(data["referrer"])
    detained_at = _time(data.get("detained_at")) if data.get("is_detained") else None
    referral = Referral(
        referrer=referrer, referrer_other=data.get("referrer_other") or "",
        channel=Channel(data["channel"]), occurred_at=_time(data["occurred_at"]),
        place=data["place"], region=Region(data["region"]) if data.get("region") else None,
        suspected_exploitation=Exploitation(data["suspected_exploitation"]),
        is_detained=bool(data.get("is_detained")), detained_at=detained_at,
        presented_for_expulsion=bool(data.get("presented_for_expulsion")),
        police_notified=bool(data.get("police_notified")),
        cmm_notified=bool(data.get("cmm_notified")), details=data.get("details") or "",
        recorded_by=actor)
    if referrer in NOTIFY_POLICE_AND_CMM and not (referral.police_notified
                                                  and referral.cmm_notified):
        raise RuleViolation(_("When the contact comes from a labour inspection or the tax "
                              "agency, both the police and CMM must be told. Record that both "
                              "were notified."), field="police_notified")
    db.session.add(referral)
    if data.get("no_case"):
        db.session.flush()
        audit.record(actor, "referral.logged", "referral", referral.id)
        return referral
    if person is None:
        person = Person(given_name=data["given_name"].strip(),
                        family_name=(data.get("family_name") or "").strip())
        db.session.add(person)
    status = ResidenceStatus(data["residence_status"])
    _update_person(person, data, status)
    case = cases.create_case(actor, person, actor.organisation, status=CaseStatus.IDENTIFICATION,
                             contact_person=actor if actor.role.value == "cmm_contact_person"
                             else None)
    referral.case = case
    child = rules.is_child(person.date_of_birth, person.estimated_age, person.age_in_doubt,
                           clock.now().date())
    authority = rules.competent_authority(status, referral.presented_for_expulsion)
    interviewer = data.get("interview_organisation_id")
    organisation = db.session.get(Organisation, interviewer) if interviewer else None
    ngo_id = (organisation.id if organisation is not None
              and organisation.kind == OrganisationKind.NGO else None)
    process_data = {
        "is_detained": referral.is_detained,
        "deadline_at": rules.decision_deadline(detained_at).isoformat() if detained_at else None,
        "is_child": child, "authority": authority.value,
        "interview_organisation_id": ngo_id,
        # The NGO lane's task goes to this organisation (docs/workflows.md).
        "organisation_id": ngo_id,
        # What an NGO interviewer is shown of the case (their task's context).
        "first_name": person.minimal_name, "language": person.language,
        "referral_place": referral.place,
    }
    from victimcare.workflow import services as workflow

    workflow.start("identification", case, actor, process_data)
    db.session.flush()
    audit.record(actor, "referral.registered", "referral", referral.id, case_id=case.id)
    return referral


def _update_person(person: Person, data: dict, status: ResidenceStatus) -> None:
    for name in ("alias", "other_names", "contact_details"):
        if data.get(name):
            setattr(person, name, data[name].strip())
    if data.get("date_of_birth"):
        person.date_of_birth = data["date_of_birth"]
    if data.get("estimated_age") is not None:
        person.estimated_age = data["estimated_age"]
    person.age_in_doubt = bool(data.get("age_in_doubt"))
    person.gender = Gender(data["gender"])
    person.nationality = data.get("nationality") or person.nationality
    person.languages = list(data.get("languages") or person.languages or [])
    person.language = data.get("language") or person.language
    person.document_language = data.get("document_language") or person.document_language
    person.residence_status = status


# --- task handlers -------------------------------------------------------------------------


def record_interview(case: Case, actor: User, data: dict, task) -> None:
    """The interviewing organisation is the one whose lane holds the task: the NGO the task
    was given to, or the interviewer's own (CMM)."""
    organisation_id = task.organisation_id or actor.organisation_id
    data["organisation_id"] = organisation_id  # shown in the case history
    interview = Interview(
        case_id=case.id, held_at=_time(data["held_at"]), place=data["place"],
        interviewer_id=actor.id, organisation_id=organisation_id,
        interpreter=data.get("interpreter") or "", language=data.get("language"),
        account=data["account"], act_indicators=data["act_indicators"],
        act_notes=data.get("act_notes") or "", means_indicators=data["means_indicators"],
        means_notes=data.get("means_notes") or "",
        purpose_indicators=data["purpose_indicators"],
        purpose_notes=data.get("purpose_notes") or "",
        trafficker_contact=Finding(data["trafficker_contact"]),
        debt_demanded=Finding(data["debt_demanded"]),
        pending_threats=Finding(data["pending_threats"]),
        currency_notes=data.get("currency_notes") or "",
        recommendation=Finding(data["recommendation"]),
        recommendation_reasons=data["recommendation_reasons"],
        police_consent=data["police_consent"], police_consent_at=_time(data["police_consent_at"]),
        task_id=task.id)
    db.session.add(interview)
    db.session.flush()
    audit.record(actor, "interview.recorded", "interview", interview.id, case_id=case.id)


def latest_consenting_interview(case_id: int) -> Interview | None:
    """The interview whose consent to share with the police stands: the latest interview's
    answer counts (a later "no" withdraws an earlier "yes")."""
    latest = db.session.scalar(sa.select(Interview).where(Interview.case_id == case_id)
                               .order_by(Interview.held_at.desc(), Interview.id.desc()).limit(1))
    return latest if latest is not None and latest.police_consent else None


def _refuse_if_withdrawn_on_paper(case: Case, consent: Interview, field: str) -> None:
    """A signed consent document (victimcare.documents) that says no to sharing with the
    police, signed on or after the day of the interview's consent, withdraws it."""
    from victimcare.documents.services import latest_consent

    signed = latest_consent(case.id)
    given_on = (consent.police_consent_at or consent.held_at).astimezone(
        clock.LOCAL_ZONE).date()
    if signed is not None and not signed.police_sharing and signed.signed_on >= given_on:
        raise RuleViolation(_("The person withdrew the consent to share with the police on "
                              "the consent document signed %(day)s, so nothing can be sent.",
                              day=format_day(signed.signed_on)), field=field)


def latest_assessment(case_id: int) -> TraffickingAssessment | None:
    return db.session.scalar(sa.select(TraffickingAssessment).where(
        TraffickingAssessment.case_id == case_id).order_by(TraffickingAssessment.id.desc())
        .limit(1))


def disclose_to_police(case: Case, actor: User, document: str, recipient: str,
                       sent_at: datetime, field: str = "document") -> PoliceDisclosure:
    """Record that the 1a form or the assessment went to the police. Only with the person's
    consent, and not before it was given; each disclosure names the consent it rests on
    (DOMAIN.md §2)."""
    consent = latest_consenting_interview(case.id)
    if consent is None:
        raise RuleViolation(_("The person has not consented to share the 1a form and the "
                              "assessment with the police, so they cannot be sent."),
                            field=field)
    _refuse_if_withdrawn_on_paper(case, consent, field)
    if consent.police_consent_at is not None and sent_at < consent.police_consent_at:
        raise RuleViolation(_("The person consented only at %(when)s: a disclosure cannot be "
                              "earlier than the consent.", when=format_when(
                                  consent.police_consent_at)), field="sent_at")
    assessment = None
    if document == "assessment":
        assessment = latest_assessment(case.id)
        if assessment is None:
            raise RuleViolation(_("There is no assessment to send yet."), field=field)
        if sent_at < assessment.decided_at:
            raise RuleViolation(_("The assessment was decided at %(when)s: it cannot have been "
                                  "sent before.", when=format_when(assessment.decided_at)),
                                field="sent_at")
    disclosure = PoliceDisclosure(
        case_id=case.id, document=document,
        interview_id=consent.id if document == "form_1a" else None,
        assessment_id=assessment.id if assessment is not None else None,
        recipient=recipient.strip(), sent_at=sent_at, consent_interview_id=consent.id,
        recorded_by_id=actor.id)
    db.session.add(disclosure)
    db.session.flush()
    audit.record(actor, "police.disclosed", "police_disclosure", disclosure.id,
                 case_id=case.id, details={"document": document})
    return disclosure


def record_sending(case: Case, actor: User, data: dict, task) -> None:
    """The two steps of the 72-hour rule CMM records: the 1a to the police (only with the
    person's consent) and the case presented to the Immigration Service."""
    context = task.context or {}
    if data["police"] == "sent":
        disclose_to_police(case, actor, "form_1a", data["police_recipient"],
                           _time(data["sent_at"]), field="police")
    if context.get("authority") == Authority.IMMIGRATION_SERVICE.value:
        if not data.get("presented_at"):
            raise RuleViolation(_("The Immigration Service decides this case: record when it "
                                  "was presented to it."), field="presented_at")
    if data.get("presented_at"):
        case.presented_to_immigration_at = _time(data["presented_at"])
        case.status = CaseStatus.ASSESSMENT


ASSESSING_AUTHORITY = {"Task_assess_cmm": Authority.CMM,
                       "Task_assess_us": Authority.IMMIGRATION_SERVICE,
                       "Task_record_court": Authority.COURT}


def record_assessment(case: Case, actor: User, data: dict, task) -> None:
    """The competent authority's decision. A victim decision needs the elements established
    (doubt counts for the person; no means for a child); deciding against CMM's identification
    needs weighty reasons (DOMAIN.md §2, §4)."""
    authority = ASSESSING_AUTHORITY[task.task_name]
    child = bool((task.context or {}).get("is_child"))
    victim = data["decision"] == Decision.VICTIM.value
    if data["means_established"] == "not_applicable" and not child:
        raise RuleViolation(_("Means can be left out only for a child."),
                            field="means_established")
    if victim:
        for element in rules.required_elements(child):
            if not rules.counts_for_the_person(Finding(data[f"{element}_established"])):
                raise RuleViolation(_("To decide that the person is a victim, this element must "
                                      "be established or in doubt (doubt benefits the person)."),
                                    field=f"{element}_established")
    cmm_identified = _cmm_identified_victim(case.id)
    if rules.needs_weighty_reasons(authority, cmm_identified, victim) and not (
            data.get("weighty_reasons") or "").strip():
        raise RuleViolation(_("CMM identified the person as a victim: deciding otherwise needs "
                              "weighty reasons."), field="weighty_reasons")
    assessment = TraffickingAssessment(
        case_id=case.id, authority=authority, decision=Decision(data["decision"]),
        decided_at=_time(data["decided_at"]), reasons=data["reasons"],
        currently_trafficked=Finding(data["currently_trafficked"]),
        weighty_reasons=data.get("weighty_reasons") or "", recorded_by_id=actor.id)
    db.session.add(assessment)
    case.status = CaseStatus.SUPPORT if victim else CaseStatus.CLOSED
    db.session.flush()
    audit.record(actor, "assessment.recorded", "trafficking_assessment", assessment.id,
                 case_id=case.id, details={"decision": data["decision"],
                                           "authority": authority.value})
    if victim:  # DOMAIN.md §5: a reflection or restitution period follows
        from victimcare.support import services as support

        support.start_support(case, actor)


def _cmm_identified_victim(case_id: int) -> bool:
    """CMM's identification: the latest interview by CMM found indications (or doubt)."""
    latest = db.session.scalar(sa.select(Interview.recommendation).join(
        Organisation, Organisation.id == Interview.organisation_id).where(
        Interview.case_id == case_id, Organisation.kind == OrganisationKind.CMM)
        .order_by(Interview.held_at.desc(), Interview.id.desc()).limit(1))
    return latest is not None and rules.counts_for_the_person(Finding(latest))


# --- reading ---------------------------------------------------------------------------


def is_child(person: Person) -> bool:
    """Treated as a child? Only for a person whose age has been recorded at a referral."""
    if person.gender is None and person.estimated_age is None and person.date_of_birth is None:
        return False  # no referral recorded the person yet
    return rules.is_child(person.date_of_birth, person.estimated_age, person.age_in_doubt,
                          clock.now().date())


def identification_of(case: Case) -> dict:
    referral = db.session.scalar(sa.select(Referral).where(Referral.case_id == case.id)
                                 .order_by(Referral.id).limit(1))
    assessment = latest_assessment(case.id)
    clock_view = None
    if referral is not None and referral.detained_at is not None:
        deadline = rules.decision_deadline(referral.detained_at)
        decided_at = assessment.decided_at if assessment else None
        clock_view = {"deadline": deadline,
                      "hours_left": rules.hours_left(deadline, clock.now()),
                      "stage": rules.deadline_stage(deadline, clock.now(), decided_at)}
    return {
        "referral": referral, "assessment": assessment, "deadline": clock_view,
        "interviews": list(db.session.scalars(sa.select(Interview).where(
            Interview.case_id == case.id).order_by(Interview.held_at))),
        "disclosures": list(db.session.scalars(sa.select(PoliceDisclosure).where(
            PoliceDisclosure.case_id == case.id).order_by(PoliceDisclosure.sent_at))),
        "earlier_cases": case_histories([c for c in cases_of(case.person) if c.id != case.id]),
    }
