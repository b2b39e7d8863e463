"""How a prepared return reads to a person (translated), and the titles other modules show
for it: task and element titles of workflows/prepared_return.bpmn, alerts, audit actions."""

from __future__ import annotations

from victimcare.i18n import _l

ANSWERS = [("accepted", _l("Accepted")), ("declined", _l("Declined")),
           ("undecided", _l("Undecided: ask again later"))]
RATINGS = [("low", _l("Low")), ("medium", _l("Medium")), ("high", _l("High"))]
MINISTRY_DECISIONS = [("approved", _l("Approved")), ("changes_asked", _l("Changes asked"))]
PLAN_STATES = [("on_track", _l("On track")), ("delayed", _l("Delayed")),
               ("at_risk", _l("At risk")), ("completed", _l("Completed"))]
OUTCOMES = [("plan_completed", _l("Plan completed")),
            ("self_supporting", _l("Self-supporting")),
            ("lost_contact", _l("Lost contact")),
            ("trafficked_again", _l("Trafficked again")), ("other", _l("Other")),
            ("left_without_notice", _l("Left without notice before departure"))]
STATUSES = [("offered", _l("Offered: waiting for the answer")), ("accepted", _l("Accepted")),
            ("declined", _l("Declined: support goes on")),
            ("approved", _l("Approved by the Ministry")), ("departed", _l("Departed")),
            ("closed", _l("Closed")), ("stopped", _l("Stopped"))]
PROGRAMMES = [("drc_erso", _l("Danish Refugee Council with ERSO")),
              ("errin", _l("ERRIN via the Ministry"))]
CATEGORIES = [("housing", _l("In kind: housing")), ("business", _l("In kind: business start-up")),
              ("education", _l("In kind: education")), ("medicine", _l("In kind: medicine")),
              ("other", _l("In kind: other")), ("pocket_money", _l("Cash: pocket money")),
              ("health_extra", _l("Health extras"))]
RATE_CODES = [("in_kind_per_adult", _l("In kind per adult (DKK)")),
              ("in_kind_per_child", _l("In kind per accompanying minor child (DKK)")),
              ("cash_without_dependants", _l("Cash, adult without dependants (DKK)")),
              ("cash_provider", _l("Cash, provider (DKK)")),
              ("follow_up_months", _l("Months of follow-up after the return"))]
KINDS = [("in_kind", _l("In kind")), ("cash", _l("Cash")), ("health", _l("Health extras"))]
DIMENSIONS = [("threats", _l("Threats from the traffickers")), ("debt", _l("Debt")),
              ("health", _l("Health")), ("geography", _l("Geography")),
              ("retrafficking", _l("Risk of being trafficked again")),
              ("own_view", _l("The person's own view"))]


def label(pairs, value) -> str:
    value = getattr(value, "value", value)
    return next((str(text) for key, text in pairs if key == value),
                "" if value is None else str(value))


def register_elsewhere() -> None:
    from victimcare.audit.services import ACTION_LABELS
    from victimcare.workflow.labels import (
        ALERT_TITLES,
        ELEMENT_TITLES,
        PROCESS_TITLES,
        TASK_TITLES,
    )

    PROCESS_TITLES["prepared_return"] = _l("Prepared return")
    TASK_TITLES.update({
        "Task_offer": _l("Prepared return: record the offer and the answer"),
        "Task_safety": _l("Prepared return: safety assessment"),
        "Task_sign_off": _l("Prepared return: sign off a high-risk assessment"),
        "Task_plan": _l("Prepared return: reintegration plan and budget"),
        "Task_exception": _l("Prepared return: approve a budget over the maximum"),
        "Task_ministry": _l("Prepared return: record the Ministry's decision"),
        "Task_departure": _l("Prepared return: record the departure"),
        "Task_follow_up": _l("Prepared return: monthly follow-up"),
        "Task_close": _l("Prepared return: close with an outcome"),
    })
    ELEMENT_TITLES.update({
        "Start_return": _l("Prepared return offered"),
        "Gateway_answer": _l("Answer?"),
        "Flow_accepted": _l("Accepted"), "Flow_undecided": _l("Undecided"),
        "Flow_declined": _l("Declined"),
        "End_declined": _l("Declined: support goes on"),
        "Gateway_risk": _l("High risk?"), "Flow_high": _l("High"), "Flow_not_high": _l("No"),
        "Gateway_signed": _l("Signed off?"), "Flow_signed": _l("Yes"),
        "Flow_not_signed": _l("No: assess again"),
        "Gateway_budget": _l("Over a maximum?"), "Flow_over": _l("Yes"),
        "Flow_within": _l("No"),
        "Gateway_exception": _l("Approved?"), "Flow_exception_approved": _l("Yes"),
        "Flow_exception_refused": _l("No: change the plan"),
        "Gateway_ministry": _l("Ministry?"), "Flow_approved": _l("Approved"),
        "Flow_changes_asked": _l("Changes asked"),
        "Timer_follow_up": _l("A month later"),
        "Gateway_more": _l("More follow-up?"), "Flow_more": _l("Yes"),
        "Flow_follow_up_done": _l("No"),
        "End_closed": _l("Return closed"),
    })
    ALERT_TITLES["return_accepted_in_reflection"] = _l(
        "A prepared return was accepted during the reflection period: the period may be "
        "extended for cooperation on it")
    ACTION_LABELS.update({
        "return.offered": _l("Offered a prepared return"),
        "return.answered": _l("Recorded the answer to a prepared return"),
        "return.safety_assessed": _l("Recorded a safety assessment"),
        "return.risk_signed_off": _l("Signed off a high-risk safety assessment"),
        "return.risk_not_signed_off": _l("Did not sign off a high-risk safety assessment"),
        "return.plan_recorded": _l("Recorded a reintegration plan and budget"),
        "return.exception_approved": _l("Approved a budget over the maximum"),
        "return.exception_refused": _l("Refused a budget over the maximum"),
        "return.ministry_decision": _l("Recorded the Ministry's decision on a return"),
        "return.departed": _l("Recorded a departure"),
        "return.followed_up": _l("Recorded a follow-up after a return"),
        "return.closed": _l("Closed a prepared return"),
        "return.left_without_notice": _l("Recorded that the person left without notice"),
        "return.rate_added": _l("Added a prepared-return rate"),
        "return.partner_saved": _l("Saved a return partner"),
    })


register_elsewhere()
