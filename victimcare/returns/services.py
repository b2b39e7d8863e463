"""Use cases of a prepared return: offer it, the task handlers of
workflows/prepared_return.bpmn, a person who leaves without notice, reading it for the case
page, and seeding the rates and partners. Each works inside the caller's transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from victimcare import clock
from victimcare.accounts.models import Role, User
from victimcare.audit import services as audit
from victimcare.cases.models import Case, CaseStatus
from victimcare.clock import today  # local (Copenhagen) dates: periods, stays, returns
from victimcare.db import claim_unique
from victimcare.errors import RuleViolation
from victimcare.extensions import db
from victimcare.i18n import _
from victimcare.returns import labels, rules
from victimcare.returns.models import (
    BudgetLine,
    ExchangeRate,
    FollowUp,
    PreparedReturn,
    ReturnPartner,
    ReturnRate,
    SafetyAssessment,
)
from victimcare.returns.rules import (
    Answer,
    BudgetCategory,
    Household,
    Outcome,
    Programme,
    RateCode,
    Rating,
    ReturnStatus,
)
from victimcare.workflow.models import Alert, WorkflowInstance

PROCESS_KEY = "prepared_return"
#: The process is running for these.
OPEN_STATUSES = (ReturnStatus.OFFERED, ReturnStatus.ACCEPTED, ReturnStatus.APPROVED,
                 ReturnStatus.DEPARTED)


def _workflow():
    from victimcare.workflow import services as workflow

    return workflow


# --- reference data ----------------------------------------------------------------------

#: DOMAIN.md §8, Table 7 (the maximums in DKK, valid from the year of the report's period)
#: and the six months of follow-up after the return. Later rates are new rows.
RATES = [
    (RateCode.IN_KIND_PER_ADULT, 40_000 * rules.ORE_PER_KRONE, "In kind per adult (USD 6,000)"),
    (RateCode.IN_KIND_PER_CHILD, 9_000 * rules.ORE_PER_KRONE,
     "In kind per accompanying minor child (USD 1,350)"),
    (RateCode.CASH_WITHOUT_DEPENDANTS, 10_000 * rules.ORE_PER_KRONE,
     "Cash pocket money, adult without dependants (USD 1,550)"),
    (RateCode.CASH_PROVIDER, 20_000 * rules.ORE_PER_KRONE,
     "Cash pocket money, provider (USD 3,100)"),
    (RateCode.FOLLOW_UP_MONTHS, 6, "Months of follow-up after the return"),
]
RATES_VALID_FROM = date(2019, 1, 1)
#: Table 7 gives 40,000 DKK as USD 6,000.
USD_RATE = Decimal("6.6667")
#: The partner proposed for a destination ("" is every other country). A sensible default
#: the coordinators keep: the Danish Refugee Council with ERSO, ERRIN via the Ministry.
PARTNERS = [
    ("", Programme.DRC_ERSO, "Danish Refugee Council (ERSO network)"),
    ("TH", Programme.DRC_ERSO, "Danish Refugee Council (ERSO network)"),
    ("RO", Programme.DRC_ERSO, "Danish Refugee Council (ERSO network)"),
    ("NG", Programme.ERRIN, "ERRIN (via the Ministry)"),
    ("UG", Programme.ERRIN, "ERRIN (via the Ministry)"),
]


def seed_return_rates() -> int:
    """Add the maximums, the USD rate and the partners that are missing (idempotent; rows
    already there are left as they are)."""
    created = 0
    existing = {(c, v) for c, v in db.session.execute(
        sa.select(ReturnRate.code, ReturnRate.valid_from))}
    for code, value, note in RATES:
        if (code.value, RATES_VALID_FROM) not in existing:
            db.session.add(ReturnRate(code=code.value, value=value,
                                      valid_from=RATES_VALID_FROM, note=note))
            created += 1
    if db.session.scalar(sa.select(ExchangeRate.id).where(ExchangeRate.currency == "USD")
                         .limit(1)) is None:
        db.session.add(ExchangeRate(currency="USD", dkk_per_unit=USD_RATE,
                                    valid_from=RATES_VALID_FROM))
        created += 1
    countries = set(db.session.scalars(sa.select(ReturnPartner.country)))
    for country, programme, name in PARTNERS:
        if country not in countries:
            db.session.add(ReturnPartner(country=country, programme=programme, name=name))
            created += 1
    db.session.flush()
    return created


def rates_on(day: date) -> dict[str, int]:
    rows = [rules.RateRow(r.code, r.value, r.valid_from) for r in db.session.scalars(
        sa.select(ReturnRate).where(ReturnRate.valid_from <= day))]
    return rules.rates_in_force(rows, day)


def usd_rate_on(day: date) -> Decimal | None:
    return db.session.scalar(sa.select(ExchangeRate.dkk_per_unit).where(
        ExchangeRate.currency == "USD", ExchangeRate.valid_from <= day)
        .order_by(ExchangeRate.valid_from.desc()).limit(1))


def follow_up_months(day: date) -> int:
    return rates_on(day).get(RateCode.FOLLOW_UP_MONTHS.value, 0)


def partners() -> list[ReturnPartner]:
    return list(db.session.scalars(sa.select(ReturnPartner).where(
        ReturnPartner.is_active.is_(True)).order_by(ReturnPartner.country)))


def proposed_partner(country: str) -> ReturnPartner | None:
    """The partner for the destination, else the default row."""
    by_country = {p.country: p for p in partners()}
    return by_country.get(country) or by_country.get("")


#: How far from today a new rate may start (a typing guard).
RATE_WINDOW_DAYS = 3 * 366


def reference_data() -> dict:
    return {"rates": list(db.session.scalars(sa.select(ReturnRate).order_by(
                ReturnRate.code, ReturnRate.valid_from.desc()))),
            "exchange_rates": list(db.session.scalars(sa.select(ExchangeRate).order_by(
                ExchangeRate.valid_from.desc()))),
            "partners": list(db.session.scalars(sa.select(ReturnPartner).order_by(
                ReturnPartner.country))), "today": today()}


def add_rate(actor: User, code: str, text: str, valid_from: date) -> None:
    """A new maximum (or months, or USD rate) from a day on; earlier rows stay, so plans made
    before are still read against the rates of their day."""
    from decimal import InvalidOperation

    from victimcare.housing.forms import parse_dkk

    if abs((valid_from - today()).days) > RATE_WINDOW_DAYS:
        raise RuleViolation(_("Give a day within three years of today."), field="valid_from")
    try:
        if code == "usd":
            value = Decimal(text.strip().replace(",", "."))
            if not Decimal("0.01") <= value <= Decimal(1000):
                raise ValueError(text)
        elif code == RateCode.FOLLOW_UP_MONTHS.value:
            value = int(text.strip())
            if not 1 <= value <= 60:
                raise ValueError(text)
        else:
            value = parse_dkk(text)
            if value is None or not 0 < value <= 10_000_000 * rules.ORE_PER_KRONE:
                raise ValueError(text)
    except (ValueError, InvalidOperation):
        raise RuleViolation(_("Give a positive number that fits the rate: kroner, months "
                              "(1 to 60) or DKK per USD."), field="value") from None
    if code == "usd":
        exists = db.session.scalar(sa.select(ExchangeRate.id).where(
            ExchangeRate.currency == "USD", ExchangeRate.valid_from == valid_from))
        row = ExchangeRate(currency="USD", dkk_per_unit=value, valid_from=valid_from)
    else:
        exists = db.session.scalar(sa.select(ReturnRate.id).where(
            ReturnRate.code == RateCode(code).value, ReturnRate.valid_from == valid_from))
        row = ReturnRate(code=code, value=value, valid_from=valid_from)
    taken = _("This rate already has a value from that day. Give another day.")
    if exists:
        raise RuleViolation(taken, field="valid_from")
    with claim_unique(db.session, taken, field="valid_from"):  # one added since the check
        db.session.add(row)
    audit.record(actor, "return.rate_added", type(row).__tablename__, row.id,
                 details={"code": code, "valid_from": valid_from.isoformat()})


def save_partner(actor: User, country: str, programme: str, name: str) -> ReturnPartner:
    """The partner proposed for a destination (one per country; "" for every other)."""
    partner = db.session.scalar(sa.select(ReturnPartner).where(ReturnPartner.country == country))
    if partner is None:
        partner = ReturnPartner(country=country)
    partner.programme, partner.name, partner.is_active = Programme(programme), name.strip(), True
    with claim_unique(db.session, _(
            "Someone else saved a partner for this country at the same moment. Reload the "
            "page to see it, then change it if you need to."), field="country"):
        db.session.add(partner)
    audit.record(actor, "return.partner_saved", "return_partner", partner.id,
                 details={"country": country, "programme": programme})
    return partner


# --- starting and stopping -----------------------------------------------------------------


def current_return(case: Case) -> PreparedReturn | None:
    return db.session.scalar(sa.select(PreparedReturn).where(
        PreparedReturn.case_id == case.id).order_by(PreparedReturn.id.desc()).limit(1))


def offer_return(case: Case, actor: User) -> PreparedReturn:
    """The contact person offers a prepared return: its process starts with recording the
    offer and the answer. One at a time per case."""
    running = current_return(case)
    if running is not None and running.status in OPEN_STATUSES:
        raise RuleViolation(_("A prepared return is already under way on this case."))
    if case.status not in (CaseStatus.SUPPORT, CaseStatus.DEPARTURE, CaseStatus.RETURN):
        raise RuleViolation(_("A prepared return is offered to a victim in support or in the "
                              "departure position."))
    instance = _workflow().start(PROCESS_KEY, case, actor, {
        "first_name": case.person.minimal_name, "follow_ups_done": 0,
        "follow_ups_planned": 0})
    prepared = PreparedReturn(case_id=case.id, instance_id=instance.id,
                              offered_by_id=actor.id)
    db.session.add(prepared)
    db.session.flush()
    audit.record(actor, "return.offered", "prepared_return", prepared.id, case_id=case.id)
    return prepared


def left_without_notice(case: Case, actor: User, left_on: date) -> PreparedReturn:
    """The person left without notice before departure: the process stops with that
    outcome (after departure the follow-up records lost contact instead)."""
    prepared = current_return(case)
    if prepared is None or prepared.status not in (ReturnStatus.OFFERED,
                                                   ReturnStatus.ACCEPTED,
                                                   ReturnStatus.APPROVED):
        raise RuleViolation(_("There is no prepared return before departure on this case."),
                            field="left_on")
    if left_on > today():
        raise RuleViolation(_("This date is in the future. Give the day it happened."),
                            field="left_on")
    if left_on < prepared.offered_at.astimezone(clock.LOCAL_ZONE).date():
        raise RuleViolation(_("The return was offered later than that day."),
                            field="left_on")
    instance = db.session.get(WorkflowInstance, prepared.instance_id)
    if not _workflow().cancel_instance(instance, actor, "left_without_notice"):
        raise RuleViolation(_("The return's process has already ended."), field="left_on")
    prepared.status, prepared.outcome, prepared.closed_on = (
        ReturnStatus.STOPPED, Outcome.LEFT_WITHOUT_NOTICE, left_on)
    audit.record(actor, "return.left_without_notice", "prepared_return", prepared.id,
                 case_id=case.id, details={"left_on": left_on.isoformat()})
    return prepared


# --- task handlers ---------------------------------------------------------------------------


def _of_task(task) -> PreparedReturn:
    prepared = db.session.scalar(sa.select(PreparedReturn).where(
        PreparedReturn.instance_id == task.instance_id))
    if prepared is None:  # an instance started outside offer_return: a programming error
        raise LookupError(f"no prepared return for instance {task.instance_id}")
    return prepared


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def record_offer(case: Case, actor: User, data: dict, task) -> None:
    """The person's answer. Accepting during a reflection period lets the Immigration
    Service extend it for cooperation on the return (the support process's review offers it;
    the Immigration Service is alerted)."""
    from victimcare.support import services as support
    from victimcare.support.rules import PeriodKind

    prepared = _of_task(task)
    answer = Answer(data["answer"])
    prepared.answer, prepared.answered_on = answer, _day(data["answered_on"])
    prepared.destination_country = data["destination_country"]
    prepared.accompanying_children = data["accompanying_children"]
    prepared.provider = data["provider"]
    if answer == Answer.ACCEPTED:
        prepared.status = ReturnStatus.ACCEPTED
        period = support.support_of(case)["current"]
        if period is not None and period.kind == PeriodKind.REFLECTION:
            prepared.accepted_in_reflection = True
            _workflow().raise_alert(db.session.get(WorkflowInstance, task.instance_id),
                                    "return_accepted_in_reflection",
                                    lane="Immigration Service")
        case.status = CaseStatus.RETURN
    elif answer == Answer.DECLINED:
        prepared.status = ReturnStatus.DECLINED  # support goes on as before
    audit.record(actor, "return.answered", "prepared_return", prepared.id, case_id=case.id,
                 details={"answer": answer.value})


def _needs_child_view(case: Case, prepared: PreparedReturn) -> bool:
    from victimcare.identification.services import is_child

    return prepared.accompanying_children > 0 or is_child(case.person)


def record_safety(case: Case, actor: User, data: dict, task) -> None:
    prepared = _of_task(task)
    if _needs_child_view(case, prepared):
        for name in ("child_best_interests", "receiving_care"):
            if not (data.get(name) or "").strip():
                raise RuleViolation(_("A child returns: describe the child's best interests "
                                      "and the care that receives the child."), field=name)
    assessment = SafetyAssessment(
        return_id=prepared.id, assessed_by_id=actor.id, high_risk=data["high_risk"],
        debt_to=data.get("debt_to") or "", debt_amount_ore=data.get("debt_amount_ore"),
        child_best_interests=data.get("child_best_interests") or "",
        receiving_care=data.get("receiving_care") or "",
        **{f"{d}_rating": Rating(data[f"{d}_rating"]) for d in rules.SAFETY_DIMENSIONS},
        **{f"{d}_notes": data.get(f"{d}_notes") or "" for d in rules.SAFETY_DIMENSIONS})
    db.session.add(assessment)
    db.session.flush()
    audit.record(actor, "return.safety_assessed", "safety_assessment", assessment.id,
                 case_id=case.id, details={"high_risk": assessment.high_risk})


def _latest_assessment(prepared: PreparedReturn) -> SafetyAssessment | None:
    return db.session.scalar(sa.select(SafetyAssessment).where(
        SafetyAssessment.return_id == prepared.id).order_by(SafetyAssessment.id.desc())
        .limit(1))


def _coordinator_only(actor: User, field: str) -> None:
    if actor.role != Role.CMM_COORDINATOR:
        raise RuleViolation(_("Only a CMM coordinator can decide this."), field=field)


def sign_off_risk(case: Case, actor: User, data: dict, task) -> None:
    """A high-risk assessment goes ahead only with the coordinator's sign-off."""
    _coordinator_only(actor, "signed_off")
    prepared = _of_task(task)
    assessment = _latest_assessment(prepared)
    assessment.sign_off_notes = data.get("notes") or ""
    if data["signed_off"]:
        assessment.signed_off_by_id, assessment.signed_off_at = actor.id, clock.now()
    audit.record(actor, "return.risk_signed_off" if data["signed_off"]
                 else "return.risk_not_signed_off", "safety_assessment", assessment.id,
                 case_id=case.id)


def budget_lines(data: dict) -> dict[BudgetCategory, int]:
    return {c: data.get(f"{c.value}_ore") or 0 for c in BudgetCategory}


def check_plan(prepared: PreparedReturn, lines: dict[BudgetCategory, int],
               day: date) -> rules.BudgetCheck:
    return rules.check_budget(lines, Household(prepared.accompanying_children,
                                               prepared.provider), rates_on(day))


def money(ore: int, day: date) -> str:
    """An amount in DKK with its USD equivalent, in the user's language."""
    from flask_babel import format_currency

    text = format_currency(Decimal(ore) / rules.ORE_PER_KRONE, "DKK")
    rate = usd_rate_on(day)
    if rate is None:
        return text
    return f"{text} ≈ {format_currency(rules.usd(ore, rate).quantize(Decimal(1)), 'USD')}"


def maximums_text(prepared: PreparedReturn, day: date) -> str:
    """The maximums for this household, to show next to the budget ("" if not set up)."""
    try:
        limits = rules.maximums(Household(prepared.accompanying_children, prepared.provider),
                                rates_on(day))
    except rules.MissingRate:
        return ""
    return _("in kind up to %(in_kind)s, cash up to %(cash)s",
             in_kind=money(limits.in_kind_ore, day), cash=money(limits.cash_ore, day))


def record_plan(case: Case, actor: User, data: dict, task) -> None:
    """The plan and budget, checked against the maximums in force today. Over a maximum it
    needs a written justification (and then the coordinator's approval, the next task);
    health extras need a reason; a partner other than the proposed one needs a reason."""
    prepared = _of_task(task)
    check = check_plan(prepared, budget_lines(data), today())
    if check.over_maximum != data["over_maximum"]:  # the rates changed while typing
        raise RuleViolation(_("The maximums changed just now. Check the budget and send it "
                              "again."))
    if check.over_maximum and not (data.get("justification") or "").strip():
        over = "; ".join(_("%(kind)s %(amount)s, at most %(max)s", kind=labels.label(
            labels.KINDS, e.kind), amount=money(e.amount_ore, today()),
            max=money(e.maximum_ore, today())) for e in check.excesses)
        raise RuleViolation(_("The budget is over the maximum (%(over)s): write why this "
                              "person's needs and situation justify it. The coordinator then "
                              "approves it.", over=over), field="justification")
    if check.has_health_extras and not (data.get("health_reason") or "").strip():
        raise RuleViolation(_("Give the reason for the health extras."), field="health_reason")
    partner = db.session.get(ReturnPartner, data["partner_id"])
    proposed = proposed_partner(prepared.destination_country)
    if partner is None or not partner.is_active:
        raise RuleViolation(_("Choose a partner from the list."), field="partner_id")
    if proposed is not None and partner.id != proposed.id and not (
            data.get("partner_change_reason") or "").strip():
        raise RuleViolation(_("The proposed partner for this country is %(name)s: give the "
                              "reason for choosing another.", name=proposed.name),
                            field="partner_change_reason")
    prepared.partner_id = partner.id
    prepared.partner_change_reason = (data.get("partner_change_reason") or "").strip() \
        if proposed is None or partner.id != proposed.id else ""
    prepared.activity = data["activity"]
    prepared.health_reason = data.get("health_reason") or ""
    prepared.justification = (data.get("justification") or "") if check.over_maximum else ""
    prepared.over_maximum = check.over_maximum
    prepared.exception_approved_by_id = prepared.exception_approved_at = None
    prepared.lines.clear()
    db.session.flush()
    for category, amount in budget_lines(data).items():
        if amount:
            prepared.lines.append(BudgetLine(category=category, amount_ore=amount))
    if not check.over_maximum:
        prepared.submitted_at = clock.now()
    audit.record(actor, "return.plan_recorded", "prepared_return", prepared.id,
                 case_id=case.id, details={"total_ore": check.total_ore,
                                           "over_maximum": check.over_maximum})


def decide_exception(case: Case, actor: User, data: dict, task) -> None:
    """The coordinator approves a budget over the maximum (or sends it back)."""
    _coordinator_only(actor, "exception_approved")
    prepared = _of_task(task)
    if data["exception_approved"]:
        prepared.exception_approved_by_id = actor.id
        prepared.exception_approved_at = prepared.submitted_at = clock.now()
    audit.record(actor, "return.exception_approved" if data["exception_approved"]
                 else "return.exception_refused", "prepared_return", prepared.id,
                 case_id=case.id)


def record_ministry(case: Case, actor: User, data: dict, task) -> None:
    prepared = _of_task(task)
    decided_on = _day(data["ministry_decided_on"])
    if prepared.submitted_at is not None and decided_on < prepared.submitted_at.astimezone(
            clock.LOCAL_ZONE).date():
        raise RuleViolation(_("The plan was submitted later than that day."),
                            field="decided_on")
    prepared.ministry_decision = data["ministry_decision"]
    prepared.ministry_decided_on = decided_on
    prepared.ministry_contact = data.get("ministry_contact") or ""
    prepared.ministry_recorded_by_id = actor.id
    if data["ministry_decision"] == "approved":
        prepared.status = ReturnStatus.APPROVED
    audit.record(actor, "return.ministry_decision", "prepared_return", prepared.id,
                 case_id=case.id, details={"decision": data["ministry_decision"]})


def record_departure(case: Case, actor: User, data: dict, task) -> None:
    """The person has left: the support period and any housing placement end that day."""
    from victimcare.housing import services as housing
    from victimcare.support import services as support

    prepared = _of_task(task)
    departed_on = _day(data["departed_on"])
    if prepared.ministry_decided_on and departed_on < prepared.ministry_decided_on:
        raise RuleViolation(_("The departure cannot be before the Ministry's approval."),
                            field="departed_on")
    prepared.departed_on, prepared.travel = departed_on, data.get("travel") or ""
    prepared.status = ReturnStatus.DEPARTED
    support.end_on_departure(case, actor, departed_on)
    housing.end_on_departure(case, actor, departed_on)
    # The Immigration Service's "accepted during the reflection period" alert is over.
    db.session.execute(sa.update(Alert).where(
        Alert.instance_id == prepared.instance_id, Alert.resolved_at.is_(None))
        .values(resolved_at=clock.now(), resolved_by_id=actor.id))
    audit.record(actor, "return.departed", "prepared_return", prepared.id, case_id=case.id,
                 details={"departed_on": departed_on.isoformat()})


def record_follow_up(case: Case, actor: User, data: dict, task) -> None:
    prepared = _of_task(task)
    follow_up = FollowUp(
        return_id=prepared.id, number=data["follow_ups_done"], recorded_by_id=actor.id,
        partner_contact=data.get("partner_contact") or "", plan_state=data["plan_state"],
        concerns=data.get("concerns") or "", extended_by_months=data["extend_months"],
        extension_reason=data.get("extension_reason") or "")
    db.session.add(follow_up)
    db.session.flush()
    audit.record(actor, "return.followed_up", "return_follow_up", follow_up.id,
                 case_id=case.id, details={"number": follow_up.number,
                                           "extended_by_months": follow_up.extended_by_months})


def record_outcome(case: Case, actor: User, data: dict, task) -> None:
    prepared = _of_task(task)
    prepared.outcome = Outcome(data["outcome"])
    prepared.outcome_notes = data.get("notes") or ""
    prepared.closed_on, prepared.status = today(), ReturnStatus.CLOSED
    case.status = CaseStatus.CLOSED
    audit.record(actor, "return.closed", "prepared_return", prepared.id, case_id=case.id,
                 details={"outcome": prepared.outcome.value})


# --- reading ---------------------------------------------------------------------------------


def may_offer(case: Case, prepared: PreparedReturn | None) -> bool:
    """A victim in support or in the departure position, with no return under way."""
    return case.status in (CaseStatus.SUPPORT, CaseStatus.DEPARTURE, CaseStatus.RETURN) and (
        prepared is None or prepared.status not in OPEN_STATUSES)


def return_of(case: Case) -> dict:
    """The case page's section: the return, its latest safety assessment, the budget with
    its maximums and USD equivalents, the follow-ups."""
    prepared = current_return(case)
    if prepared is None:
        return {"prepared": None, "may_offer": may_offer(case, None)}
    day = prepared.submitted_at.astimezone(clock.LOCAL_ZONE).date() \
        if prepared.submitted_at else today()
    lines = {line.category: line.amount_ore for line in prepared.lines}
    try:
        check = check_plan(prepared, lines, day) if lines else None
    except rules.MissingRate:
        check = None
    rate = usd_rate_on(day)
    return {"prepared": prepared, "assessment": _latest_assessment(prepared),
            "check": check, "usd_rate": rate,
            "usd": (lambda ore: rules.usd(ore, rate)) if rate else None,
            "running": prepared.status in OPEN_STATUSES,
            "may_offer": may_offer(case, prepared),
            "may_stop": prepared.status in (ReturnStatus.OFFERED, ReturnStatus.ACCEPTED,
                                            ReturnStatus.APPROVED)}
