"""Use cases of the support period: start it after a "victim" decision, the task handlers of
workflows/support.bpmn (grant, extend, end), and lawful residence ending during a restitution
period. Each works inside the caller's transaction."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm

from victimcare import clock
from victimcare.accounts.models import User
from victimcare.audit import services as audit
from victimcare.cases.models import Case, CaseStatus
from victimcare.clock import today  # local (Copenhagen) dates: periods, stays, returns
from victimcare.errors import RuleViolation
from victimcare.extensions import db
from victimcare.i18n import _, format_day
from victimcare.identification.rules import ResidenceStatus
from victimcare.support import rules
from victimcare.support.models import PeriodExtension, SupportPeriod
from victimcare.support.rules import EndReason, ExtensionReason, PeriodKind, PeriodStatus
from victimcare.workflow.models import WorkflowInstance

PROCESS_KEY = "support"


def _workflow():
    from victimcare.workflow import services as workflow

    return workflow


def start_support(case: Case, actor: User, kind: rules.StartKind | None = None) -> None:
    """Start the support process: the period follows from the residence status."""
    kind = kind or rules.start_kind(case.person.residence_status)
    if kind != rules.StartKind.RESTITUTION and case.presented_to_immigration_at is None:
        # The Immigration Service sets the reflection period: the case goes to it (it was
        # CMM's alone, e.g. lawful residence that ended, or decided by a court).
        case.presented_to_immigration_at = clock.now()
        audit.record(actor, "case.handed_to_immigration_service", "case", case.id,
                     case_id=case.id, details={"period": kind.value})
    _workflow().start(PROCESS_KEY, case, actor, {
        "period_kind": kind.value, "first_name": case.person.minimal_name,
        "language": case.person.language})


def _running_period(instance_id: int) -> SupportPeriod | None:
    return db.session.scalar(sa.select(SupportPeriod).where(
        SupportPeriod.instance_id == instance_id, SupportPeriod.status == PeriodStatus.RUNNING))


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# --- task handlers -------------------------------------------------------------------------


def record_asylum_decision(case: Case, actor: User, data: dict, task) -> None:
    """The final asylum decision: a rejection starts the reflection period (next task);
    asylum granted means lawful residence, and this process ends."""
    if data["asylum_outcome"] == "granted":
        case.person.residence_status = ResidenceStatus.LAWFUL
    audit.record(actor, "asylum.decision_recorded", "case", case.id, case_id=case.id,
                 details={"outcome": data["asylum_outcome"]})


def grant_period(case: Case, actor: User, data: dict, task) -> None:
    """The Immigration Service grants a reflection period, or CMM a restitution period.
    A reflection period lasts at least 30 and at most 120 days (DOMAIN.md §5); it starts no
    earlier than the decision (or the end of lawful residence), and for an asylum seeker on
    the day of the final rejection."""
    kind = (PeriodKind.RESTITUTION if task.task_name == "Task_grant_restitution"
            else PeriodKind.REFLECTION)
    starts_on, ends_on = _date(data["period_starts_on"]), _date(data["period_ends_on"])
    context = task.context or {}
    rejected_on = _date(context.get("asylum_rejected_on"))
    replaced = _replaced_period(case.id)
    if rejected_on is not None and starts_on != rejected_on:
        raise RuleViolation(_("For an asylum seeker the reflection period starts on the day "
                              "of the final rejection of asylum: %(day)s.",
                              day=format_day(rejected_on)), field="starts_on")
    earliest = replaced.ended_on if replaced is not None else _decision_day(case.id)
    if rejected_on is None and earliest is not None and starts_on < earliest:
        raise RuleViolation(_("The period cannot start before %(day)s (the decision, or the "
                              "end of lawful residence).", day=format_day(earliest)),
                            field="starts_on")
    if kind == PeriodKind.REFLECTION and rules.total_days(starts_on, ends_on) < \
            rules.REFLECTION_DAYS:
        raise RuleViolation(_("A reflection period lasts at least %(days)s days.",
                              days=rules.REFLECTION_DAYS), field="days")
    _check_length(kind, starts_on, ends_on, field="days")
    period = SupportPeriod(
        case_id=case.id, instance_id=task.instance_id, kind=kind, starts_on=starts_on,
        ends_on=ends_on, asylum_rejected_on=rejected_on, notes=data.get("notes") or "",
        granted_by_id=actor.id, follows_id=replaced.id if replaced is not None else None)
    db.session.add(period)
    case.status = CaseStatus.SUPPORT
    db.session.flush()
    audit.record(actor, "period.granted", "support_period", period.id, case_id=case.id,
                 details={"kind": kind.value, "ends_on": ends_on.isoformat()})


def _decision_day(case_id: int) -> date | None:
    from victimcare.identification.models import TraffickingAssessment

    decided = db.session.scalar(sa.select(TraffickingAssessment.decided_at).where(
        TraffickingAssessment.case_id == case_id).order_by(TraffickingAssessment.id.desc())
        .limit(1))
    return decided.astimezone(clock.LOCAL_ZONE).date() if decided is not None else None


def _replaced_period(case_id: int) -> SupportPeriod | None:
    """The restitution period a new reflection period takes over from, if any."""
    follower = sa.orm.aliased(SupportPeriod)
    return db.session.scalar(sa.select(SupportPeriod).where(
        SupportPeriod.case_id == case_id,
        SupportPeriod.end_reason == EndReason.RESIDENCE_ENDED,
        ~sa.exists().where(follower.follows_id == SupportPeriod.id))
        .order_by(SupportPeriod.id.desc()).limit(1))


def _check_length(kind: PeriodKind, starts_on: date, ends_on: date, field: str) -> None:
    try:
        rules.check_length(kind, starts_on, ends_on)
    except rules.PeriodTooLong as too_long:
        raise RuleViolation(_(
            "A reflection period can last at most %(max)s days in total. This would make it "
            "%(days)s days. The latest possible end is %(latest)s.",
            max=rules.REFLECTION_MAX_DAYS, days=too_long.days,
            latest=format_day(too_long.latest)), field=field) from too_long


def extend_period(case: Case, actor: User, data: dict, task) -> None:
    """An extension, with a reason, by whoever granted the period; never past 120 days in
    total for a reflection period (DOMAIN.md §5)."""
    if not data["extended"]:
        audit.record(actor, "period.not_extended", "case", case.id, case_id=case.id)
        return
    period = _running_period(task.instance_id)
    if period is None:
        raise RuleViolation(_("This period has already ended."), field="extended")
    if today() > period.ends_on:
        raise RuleViolation(_("This period ended on %(end)s: it can no longer be extended.",
                              end=format_day(period.ends_on)), field="extended")
    new_end = _date(data["period_ends_on"])
    if new_end <= period.ends_on:
        raise RuleViolation(_("The new end must be after the current end (%(end)s).",
                              end=format_day(period.ends_on)), field="ends_on")
    reason = ExtensionReason(data["reason"])
    if period.kind == PeriodKind.REFLECTION and reason == ExtensionReason.OTHER:
        raise RuleViolation(_("A reflection period is extended only for special reasons or "
                              "for cooperation on a prepared return."), field="reason")
    _check_length(period.kind, period.starts_on, new_end, field="ends_on")
    db.session.add(PeriodExtension(period_id=period.id, previous_ends_on=period.ends_on,
                                   ends_on=new_end, reason=reason,
                                   notes=data.get("notes") or "", decided_by_id=actor.id))
    period.ends_on = new_end
    audit.record(actor, "period.extended", "support_period", period.id, case_id=case.id,
                 details={"ends_on": new_end.isoformat(), "reason": reason.value})


def period_ended(instance, params: dict) -> None:
    """Service task: the period is over. A reflection period that simply ran out puts the
    person in the departure position (udsendelsesposition); the contact person is alerted."""
    period = _running_period(instance.id)
    if period is None:
        return
    reason = EndReason(params["reason"])
    period.status, period.end_reason = PeriodStatus.ENDED, reason
    period.ended_on = period.ends_on if reason == EndReason.EXPIRED else today()
    if reason == EndReason.EXPIRED:
        case = db.session.get(Case, instance.case_id)
        if period.kind == PeriodKind.REFLECTION:
            case.status = CaseStatus.DEPARTURE
        _workflow().raise_alert(instance, f"{period.kind.value}_period_ended")
    audit.record(None, "period.ended", "support_period", period.id, case_id=instance.case_id,
                 details={"reason": reason.value})


# --- lawful residence ends -------------------------------------------------------------------


def running_restitution(case: Case) -> SupportPeriod | None:
    return db.session.scalar(sa.select(SupportPeriod).where(
        SupportPeriod.case_id == case.id, SupportPeriod.kind == PeriodKind.RESTITUTION,
        SupportPeriod.status == PeriodStatus.RUNNING))


def lawful_residence_ended(case: Case, actor: User, ended_on: date) -> SupportPeriod:
    """DOMAIN.md §5: when lawful residence ends during a restitution period, the Immigration
    Service takes over and must grant a **new** 30-day reflection period, however long the
    person was with CMM. The restitution period ends that day; its process stops and a new
    support process starts, with the Immigration Service's grant as its first task."""
    workflow = _workflow()
    period = running_restitution(case)
    if period is not None:  # lock its process first, then look again: the sweep may have
        workflow.lock_instance(period.instance_id)  # ended it, or a task completed meanwhile
        db.session.refresh(period)
    if period is None or period.status != PeriodStatus.RUNNING:
        raise RuleViolation(_("There is no running restitution period on this case."),
                            field="ended_on")
    if ended_on < period.starts_on:
        raise RuleViolation(_("The restitution period started on %(start)s: lawful residence "
                              "cannot have ended before it.", start=format_day(period.starts_on)),
                            field="ended_on")
    instance = db.session.get(WorkflowInstance, period.instance_id)
    if not workflow.cancel_instance(instance, actor, "lawful_residence_ended"):
        raise RuleViolation(_("There is no running restitution period on this case."),
                            field="ended_on")
    period.status, period.end_reason, period.ended_on = (
        PeriodStatus.ENDED, EndReason.RESIDENCE_ENDED, ended_on)
    case.person.residence_status = ResidenceStatus.NONE
    audit.record(actor, "residence.ended", "support_period", period.id, case_id=case.id,
                 details={"ended_on": ended_on.isoformat()})
    start_support(case, actor, rules.StartKind.REFLECTION)
    return period


# --- prepared return (issue 7) ---------------------------------------------------------------


def end_on_departure(case: Case, actor: User, departed_on: date) -> SupportPeriod | None:
    """The person left on a prepared return: the running period ends that day and its
    process stops (no review, no departure-position alert). None if no period runs."""
    period = db.session.scalar(sa.select(SupportPeriod).where(
        SupportPeriod.case_id == case.id, SupportPeriod.status == PeriodStatus.RUNNING))
    if period is None:
        return None
    workflow = _workflow()
    instance = workflow.lock_instance(period.instance_id)
    db.session.refresh(period)
    if period.status != PeriodStatus.RUNNING:
        return None
    workflow.cancel_instance(instance, actor, "departed")
    period.status, period.end_reason = PeriodStatus.ENDED, EndReason.DEPARTED
    period.ended_on = max(departed_on, period.starts_on)
    audit.record(actor, "period.ended", "support_period", period.id, case_id=case.id,
                 details={"reason": EndReason.DEPARTED.value})
    return period


# --- reading ---------------------------------------------------------------------------------


def disappearances_of(case: Case) -> list[date]:
    """Days the person left without notice (udeblevet) from a housing placement."""
    from victimcare.housing.models import HousingPlacement
    from victimcare.housing.rules import EndReason as PlacementEnd

    return list(db.session.scalars(sa.select(HousingPlacement.end_date).where(
        HousingPlacement.case_id == case.id,
        HousingPlacement.end_reason == PlacementEnd.LEFT_WITHOUT_NOTICE)
        .order_by(HousingPlacement.end_date)))


def periods_of(case: Case) -> list[SupportPeriod]:
    return list(db.session.scalars(sa.select(SupportPeriod).where(
        SupportPeriod.case_id == case.id).order_by(SupportPeriod.starts_on, SupportPeriod.id)))


def support_of(case: Case) -> dict:
    periods = periods_of(case)
    current = next((p for p in reversed(periods) if p.status == PeriodStatus.RUNNING), None)
    return {"periods": periods, "current": current,
            "days_left": rules.days_left(current.ends_on, today()) if current else None,
            "may_end_residence": current is not None
            and current.kind == PeriodKind.RESTITUTION}


# --- the dashboard ---------------------------------------------------------------------------

#: The coordinator's view looks this far ahead for periods ending (issue 6).
ENDING_WITHIN_DAYS = 14
DASHBOARD_LIMIT = 100


def _listed(user: User, rows) -> None:
    """A dashboard list shows names: each case on it is an audited read."""
    for row in rows:
        audit.record(user, "case.listed", "case", row["case"].id, case_id=row["case"].id)


def my_cases(user: User) -> list[dict]:
    """The contact person's open cases: the period's end and the open tasks."""
    from victimcare.accounts import policy
    from victimcare.workflow.models import TaskState, WorkflowTask

    open_tasks = (sa.select(sa.func.count()).where(WorkflowTask.case_id == Case.id,
                                                   WorkflowTask.state == TaskState.READY)
                  .correlate(Case).scalar_subquery())
    from victimcare.housing.models import Facility, HousingPlacement

    running = sa.orm.aliased(SupportPeriod)
    stmt = (policy.visible_cases(user)
            .where(Case.contact_person_id == user.id, Case.status != CaseStatus.CLOSED)
            .outerjoin(running, sa.and_(running.case_id == Case.id,
                                        running.status == PeriodStatus.RUNNING))
            .outerjoin(HousingPlacement, sa.and_(HousingPlacement.case_id == Case.id,
                                                 HousingPlacement.end_date.is_(None)))
            .outerjoin(Facility, Facility.id == HousingPlacement.facility_id)
            .add_columns(running, open_tasks, Facility.name)
            .order_by(running.ends_on.is_(None), running.ends_on, Case.id)
            .limit(DASHBOARD_LIMIT))
    rows = [{"case": case, "period": period, "open_tasks": count, "housed_at": facility,
             "days_left": rules.days_left(period.ends_on, today()) if period else None}
            for case, period, count, facility in db.session.execute(stmt)]
    _listed(user, rows)
    return rows


def periods_ending(user: User, within_days: int = ENDING_WITHIN_DAYS) -> list[dict]:
    """Every running period the user may see that ends within ``within_days``."""
    from victimcare.accounts import policy

    until = date.fromordinal(today().toordinal() + within_days)
    stmt = (policy.visible_cases(user)
            .join(SupportPeriod, SupportPeriod.case_id == Case.id)
            .where(SupportPeriod.status == PeriodStatus.RUNNING,
                   SupportPeriod.ends_on <= until)
            .add_columns(SupportPeriod)
            .order_by(SupportPeriod.ends_on, Case.id).limit(DASHBOARD_LIMIT))
    rows = [{"case": case, "period": period,
             "days_left": rules.days_left(period.ends_on, today())}
            for case, period in db.session.execute(stmt)]
    _listed(user, rows)
    return rows


# --- contact person and representative -------------------------------------------------------


def contact_person_candidates() -> list[User]:
    """CMM's contact persons and coordinators, and NGO workers (where CMM delegates)."""
    from victimcare.accounts.models import Organisation, OrganisationKind, Role

    return list(db.session.scalars(sa.select(User).join(Organisation).where(
        User.is_active.is_(True), Organisation.is_active.is_(True), sa.or_(
            sa.and_(Organisation.kind == OrganisationKind.CMM,
                    User.role.in_([Role.CMM_CONTACT_PERSON, Role.CMM_COORDINATOR])),
            sa.and_(Organisation.kind == OrganisationKind.NGO, User.role == Role.NGO_WORKER))
    ).order_by(Organisation.kind, Organisation.name, User.full_name)))


def set_contact_person(case: Case, actor: User, contact: User, unaccompanied_minor: bool,
                       representative_name: str, representative_contact: str) -> None:
    """Every victim gets one contact person; an NGO worker as contact person gives the NGO
    an active assignment on the case (so its workers see the minimal fields, never more).
    For an unaccompanied minor the appointed representative coordinates and is recorded."""
    from victimcare.accounts.models import Role
    from victimcare.cases.models import AssignmentKind, CaseAssignment
    from victimcare.cases.services import assign_organisation

    if contact.id not in {u.id for u in contact_person_candidates()}:
        raise RuleViolation(_("Choose a contact person from the list."),
                            field="contact_person_id")
    if unaccompanied_minor and not representative_name.strip():
        raise RuleViolation(_("An unaccompanied minor has an appointed representative: give "
                              "the name."), field="representative_name")
    earlier = db.session.scalars(sa.select(CaseAssignment).where(
        CaseAssignment.case_id == case.id, CaseAssignment.is_active.is_(True),
        CaseAssignment.kind == AssignmentKind.CONTACT_PERSON)).all()
    for assignment in earlier:
        if contact.role != Role.NGO_WORKER or assignment.organisation_id != contact.organisation_id:
            assignment.is_active, assignment.ended_at = False, clock.now()
    if contact.role == Role.NGO_WORKER and not any(
            a.organisation_id == contact.organisation_id for a in earlier):
        assign_organisation(actor, case, contact.organisation, AssignmentKind.CONTACT_PERSON,
                            "")
    case.contact_person_id = contact.id
    case.unaccompanied_minor = unaccompanied_minor
    case.representative_name = representative_name.strip()
    case.representative_contact = representative_contact.strip()
    audit.record(actor, "case.contact_person_set", "case", case.id, case_id=case.id,
                 details={"contact_person_id": contact.id,
                          "unaccompanied_minor": unaccompanied_minor})
