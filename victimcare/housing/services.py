"""Use cases of housing: keep the facility register, place a person, move, end a stay, and
read occupancy, nights and costs. Each function works in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from victimcare import clock
from victimcare.accounts.models import Organisation, OrganisationKind, User
from victimcare.audit import services as audit
from victimcare.cases import services as cases
from victimcare.cases.models import AssignmentKind, Case
from victimcare.clock import today  # local (Copenhagen) dates: periods, stays, returns
from victimcare.db import bump_version, claim_unique
from victimcare.errors import ConcurrentEditError, RuleViolation
from victimcare.extensions import db
from victimcare.housing import labels, rules
from victimcare.housing.models import Facility, HousingPlacement
from victimcare.housing.rules import (
    AdmittedGender,
    AgeGroup,
    EndReason,
    FacilityKind,
    Occupancy,
    Payer,
    PlaceKind,
    ResidenceRequirement,
)
from victimcare.i18n import _

#: How far back a placement may be recorded (a typing error guard, not a legal rule).
BACKDATING_DAYS = 366
#: The alert a disappearance raises, and the history line it writes (victimcare.workflow).
LEFT_ALERT = "left_without_notice"
#: Organisation kinds whose workers see a case while one of their facilities houses the person.
OPERATOR_KINDS = (OrganisationKind.NGO, OrganisationKind.SHELTER_OPERATOR)

# --- the register ------------------------------------------------------------------------

#: DOMAIN.md §6, the facilities and prices of 2019–2021 (DKK per night; None: no set number of
#: places or no price). name, kind, operator, town, fixed, extra, rooms, gender, ages,
#: residence, price, price note.
FACILITIES = [
    ("Reden International, Copenhagen", FacilityKind.SPECIALISED_SHELTER,
     "Reden International", "København", 7, 2, "2 single, 1 double, 1 triple",
     AdmittedGender.WOMEN, AgeGroup.ADULTS, ResidenceRequirement.ANY, 1339,
     "Fixed places under the action plan; CMM buys the 2 extra places at peaks "
     "(1,762 DKK per used night in 2019)."),
    ("Reden International, Aalborg", FacilityKind.SPECIALISED_SHELTER,
     "Reden International", "Aalborg", 2, 2, "2 rooms, one woman in each",
     AdmittedGender.WOMEN, AgeGroup.ADULTS, ResidenceRequirement.ANY, 1339,
     "Extra places against payment for extra support and temporary staff hours. Often full."),
    ("Women's crisis centre (§109)", FacilityKind.WOMENS_CRISIS_CENTRE, "", "", None, 0, "",
     AdmittedGender.WOMEN, AgeGroup.ADULTS, ResidenceRequirement.LAWFUL_ONLY, 2223,
     "A place bought when one is free; about 2,223 DKK per day."),
    ("Krisecenter for Mænd, Fredericia", FacilityKind.MENS_CRISIS_CENTRE,
     "Krisecenter for Mænd", "Fredericia", 1, 0, "", AdmittedGender.MEN, AgeGroup.ADULTS,
     ResidenceRequirement.LAWFUL_ONLY, 120, "One place bought for 50,000 DKK a year."),
    ("Hørhuset", FacilityKind.HOSTEL, "Hørhuset", "København", None, 0, "",
     AdmittedGender.ANYONE, AgeGroup.ADULTS, ResidenceRequirement.ANY, 125,
     "Support hours can be bought on top."),
    ("Kirkens Korshær, hostel", FacilityKind.HOSTEL, "Kirkens Korshær", "", None, 0, "",
     AdmittedGender.ANYONE, AgeGroup.ADULTS, ResidenceRequirement.ANY, 811,
     "Support hours can be bought on top."),
    ("Hotel", FacilityKind.HOTEL, "", "", None, 0, "", AdmittedGender.ANYONE, AgeGroup.ADULTS,
     ResidenceRequirement.ANY, 500,
     "200–800 DKK per day: give the agreed price when placing. No social staff: the "
     "contact person covers support."),
    ("Centre for unaccompanied minors (Red Cross)", FacilityKind.MINORS_CENTRE,
     "Dansk Røde Kors", "", None, 0, "", AdmittedGender.ANYONE, AgeGroup.MINORS,
     ResidenceRequirement.IMMIGRATION_SUPPORT_ONLY, None,
     "Run on behalf of the Immigration Service (also Tønder, Vesthimmerland, Ask4US); "
     "staffed day and night."),
    ("Asylum centre", FacilityKind.ASYLUM_CENTRE, "Udlændingestyrelsen", "", None, 0,
     "Women's wards and care places", AdmittedGender.ANYONE, AgeGroup.ANYONE,
     ResidenceRequirement.IMMIGRATION_SUPPORT_ONLY, None,
     "The Immigration Service's own system; the person is attached to a centre responsible "
     "for health care."),
]


def seed_facilities() -> int:
    """Add the facilities of DOMAIN.md §6 that are missing (matched by name; a coordinator's
    later edits are kept). Links each to its operator's organisation when one exists."""
    existing = set(db.session.scalars(sa.select(Facility.name)))
    organisations = {o.name: o for o in db.session.scalars(sa.select(Organisation))}
    created = 0
    for (name, kind, operator, town, fixed, extra, rooms, gender, ages, residence, price,
         note) in FACILITIES:
        if name in existing:
            continue
        organisation = organisations.get(operator)
        facility = Facility(
            name=name, kind=kind, operator_name=operator, town=town, fixed_places=fixed,
            extra_places=extra, rooms=rooms, admits_gender=gender, age_group=ages,
            residence_requirement=residence,
            price_per_night_ore=None if price is None else price * rules.ORE_PER_KRONE,
            price_note=note,
            operator_organisation=organisation
            if organisation is not None and organisation.kind in OPERATOR_KINDS else None)
        db.session.add(facility)
        db.session.flush()
        audit.record(None, "facility.created", "facility", facility.id)
        created += 1
    return created


def facilities(active_only: bool = False) -> list[Facility]:
    stmt = sa.select(Facility).order_by(Facility.is_active.desc(), Facility.kind, Facility.name)
    if active_only:
        stmt = stmt.where(Facility.is_active.is_(True))
    return list(db.session.scalars(stmt))


FACILITY_FIELDS = ("name", "kind", "operator_name", "operator_organisation_id", "town",
                   "fixed_places", "extra_places", "rooms", "admits_gender", "age_group",
                   "residence_requirement", "price_per_night_ore", "price_note", "is_active")


def save_facility(actor: User, facility: Facility | None, data: dict,
                  version: object = None) -> Facility:
    """Add a facility or change one. A change made from an older version of the facility is
    refused (``ConcurrentEditError``): two coordinators never overwrite each other."""
    name = data["name"].strip()
    taken = _("There is already a facility with this name.")
    clash = db.session.scalar(sa.select(Facility.id).where(
        sa.func.lower(Facility.name) == name.lower()))
    if clash is not None and (facility is None or clash != facility.id):
        raise RuleViolation(taken, field="name")
    if data.get("operator_organisation_id"):
        operator = db.session.get(Organisation, data["operator_organisation_id"])
        if operator is None or operator.kind not in OPERATOR_KINDS:
            raise RuleViolation(_("Choose an NGO or shelter operator."),
                                field="operator_organisation_id")
    if facility is None:
        facility = Facility()
        action = "facility.created"
    else:
        bump_version(facility, version, _(
            "Someone else changed this facility after you opened it. Nothing you typed was "
            "saved: reload the page to see their change, then make yours again."))
        action = "facility.updated"
    changes = {}
    with claim_unique(db.session, taken, field="name"):  # the name taken since the check
        db.session.add(facility)
        for key in FACILITY_FIELDS:
            value = name if key == "name" else data.get(key)
            if getattr(facility, key, None) != value:
                old = getattr(facility, key, None)
                changes[key] = [_plain(old), _plain(value)]
                setattr(facility, key, value)
    audit.record(actor, action, "facility", facility.id, details={"changed": sorted(changes)})
    return facility


def _plain(value):
    return value.value if hasattr(value, "value") else value


# --- occupancy -----------------------------------------------------------------------------


def _staying_on(day: date):
    return sa.and_(HousingPlacement.start_date <= day,
                   sa.or_(HousingPlacement.end_date.is_(None), HousingPlacement.end_date > day))


def occupied_on(day: date) -> dict[int, int]:
    """Facility id -> people staying the night of ``day`` (one who leaves that day does not)."""
    rows = db.session.execute(sa.select(HousingPlacement.facility_id, sa.func.count())
                              .where(_staying_on(day)).group_by(HousingPlacement.facility_id))
    return {facility_id: count for facility_id, count in rows}


def occupancy_of(facility: Facility, counts: dict[int, int]) -> Occupancy:
    return Occupancy(facility.fixed_places, facility.extra_places, counts.get(facility.id, 0))


def occupancy_today() -> list[tuple[Facility, Occupancy]]:
    counts = occupied_on(today())
    return [(f, occupancy_of(f, counts)) for f in facilities()]


def _highest_occupancy(facility: Facility, start: date, end: date) -> int:
    """The most people at the facility on any night from ``start`` to ``end``: a placement
    recorded afterwards must fit every night since."""
    stays = db.session.execute(sa.select(HousingPlacement.start_date, HousingPlacement.end_date)
                               .where(HousingPlacement.facility_id == facility.id,
                                      HousingPlacement.start_date <= end,
                                      sa.or_(HousingPlacement.end_date.is_(None),
                                             HousingPlacement.end_date > start))).all()
    highest, day = 0, start
    while day <= end:
        highest = max(highest, sum(1 for s, e in stays if s <= day and (e is None or e > day)))
        day += timedelta(days=1)
    return highest


# --- proposing and placing ----------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    facility: Facility
    occupancy: Occupancy
    next_place: PlaceKind
    unfit: tuple[str, ...] = ()


def person_is_child(case: Case) -> bool:
    from victimcare.identification.rules import is_child

    person = case.person
    return is_child(person.date_of_birth, person.estimated_age, person.age_in_doubt, today())


def proposals(case: Case) -> tuple[list[Proposal], list[Proposal]]:
    """The active facilities that fit the person (most free places first), and those that do
    not, each with why (DOMAIN.md §6: gender, age, residence)."""
    person = case.person
    child = person_is_child(case)
    gender = person.gender.value if person.gender else None
    counts = occupied_on(today())
    fitting, unfitting = [], []
    for facility in facilities(active_only=True):
        occupancy = occupancy_of(facility, counts)
        reasons = rules.unfit_reasons(facility.terms, gender, child, person.residence_status)
        proposal = Proposal(facility, occupancy, rules.next_place(occupancy),
                            tuple(str(labels.UNFIT_LABELS[r]) for r in reasons))
        (unfitting if reasons else fitting).append(proposal)
    order = {PlaceKind.FIXED: 0, PlaceKind.EXTRA: 1, PlaceKind.NONE: 2}
    fitting.sort(key=lambda p: (order[p.next_place], p.occupancy.fixed is None, p.facility.name))
    return fitting, unfitting


def current_placement(case: Case) -> HousingPlacement | None:
    return db.session.scalar(sa.select(HousingPlacement).where(
        HousingPlacement.case_id == case.id, HousingPlacement.end_date.is_(None))
        .order_by(HousingPlacement.start_date.desc(), HousingPlacement.id.desc()).limit(1))


class OverbookingWarning(RuleViolation):
    """All fixed places are taken: placing the person buys an extra place. Shown as a warning
    the person placing must confirm."""


def place_person(case: Case, actor: User, *, facility_id: int, start_date: date,
                 price_per_night_ore: int | None = None, confirm_extra_place: bool = False,
                 payer: str | None = None, current_version: object = None
                 ) -> HousingPlacement:
    """Place the person at a facility from ``start_date``; a stay elsewhere ends that day
    (moved). The payer follows the residence status (rules.payer_for); beyond the fixed
    places the placement needs ``confirm_extra_place`` and is recorded as an extra place."""
    facility = db.session.scalar(sa.select(Facility).where(Facility.id == facility_id)
                                 .with_for_update())
    if facility is None:
        raise RuleViolation(_("Choose a facility from the list."), field="facility_id")
    person = case.person
    reasons = rules.unfit_reasons(facility.terms, person.gender.value if person.gender else None,
                                  person_is_child(case), person.residence_status)
    if reasons:
        raise RuleViolation(_("%(facility)s cannot take the person: %(reason)s.",
                              facility=facility.name, reason=labels.UNFIT_LABELS[reasons[0]]),
                            field="facility_id")
    day = today()
    if start_date > day:
        raise RuleViolation(_("The start date is in the future. Record the placement on the "
                              "day the person moves in."), field="start_date")
    if start_date < day - timedelta(days=BACKDATING_DAYS):
        raise RuleViolation(_("The start date is more than a year ago. Check the year."),
                            field="start_date")
    settled = settled_payer(case)
    if settled is None:
        if payer not in {p.value for p in Payer}:
            raise RuleViolation(_("The residence status does not settle who pays. Choose who "
                                  "pays, or record the residence status first."), field="payer")
        settled = Payer(payer)
    previous = current_placement(case)
    if previous is not None:
        if previous.facility_id == facility.id:
            raise RuleViolation(_("The person already stays at %(facility)s.",
                                  facility=facility.name), field="facility_id")
        if start_date < previous.start_date:
            raise RuleViolation(_("The person stayed at %(facility)s from %(day)s: the move "
                                  "cannot be earlier.", facility=previous.facility.name,
                                  day=_format_day(previous.start_date)), field="start_date")
        _lock(previous, current_version)
    elif current_version not in (None, ""):
        raise ConcurrentEditError(_(
            "The person's housing changed after you opened this page (the stay was ended). "
            "Nothing was saved: check the housing section and try again."))
    occupied = _highest_occupancy(facility, start_date, day)
    place = rules.next_place(Occupancy(facility.fixed_places, facility.extra_places, occupied))
    if place == PlaceKind.NONE:
        raise RuleViolation(_("%(facility)s is full: all %(fixed)s fixed and %(extra)s extra "
                              "places are taken. Choose another facility.",
                              facility=facility.name, fixed=facility.fixed_places,
                              extra=facility.extra_places), field="facility_id")
    if place == PlaceKind.EXTRA and not confirm_extra_place:
        raise OverbookingWarning(_(
            "All %(fixed)s fixed places at %(facility)s are taken. Placing the person uses an "
            "extra place that has to be bought (paid by: %(payer)s). Tick the box to confirm the "
            "overbooking, or choose another facility.", fixed=facility.fixed_places,
            facility=facility.name, payer=payer_label(settled)), field="confirm_extra_place")
    if previous is not None:
        _end(previous, actor, start_date, EndReason.MOVED)
    placement = HousingPlacement(
        case_id=case.id, facility=facility, start_date=start_date,
        uses_extra_place=place == PlaceKind.EXTRA, payer=settled,
        price_per_night_ore=price_per_night_ore if price_per_night_ore is not None
        else facility.price_per_night_ore,
        moved_from_id=previous.id if previous is not None else None, placed_by_id=actor.id)
    operator = facility.operator_organisation
    if operator is not None and operator.kind in OPERATOR_KINDS and operator.is_active:
        placement.assignment = cases.assign_organisation(
            actor, case, operator, AssignmentKind.PLACEMENT, facility.name)
    db.session.add(placement)
    _resolve_alerts(case, actor)  # the person is housed again
    db.session.flush()
    audit.record(actor, "housing.placed", "housing_placement", placement.id, case_id=case.id,
                 details={"facility_id": facility.id, "payer": settled.value,
                          "uses_extra_place": placement.uses_extra_place,
                          "moved_from": placement.moved_from_id})
    return placement


def _format_day(day: date) -> str:
    from victimcare.i18n import format_day

    return format_day(day)


def _lock(placement: HousingPlacement, version: object) -> None:
    bump_version(placement, version, _(
        "Someone else changed this stay after you opened the page. Nothing was saved: look at "
        "the housing section again and repeat what is still needed."))


def load_placement(case: Case, placement_id: int) -> HousingPlacement | None:
    """A placement through its case (a placement of another case is None, a 404)."""
    return db.session.scalar(sa.select(HousingPlacement).where(
        HousingPlacement.id == placement_id, HousingPlacement.case_id == case.id))


def end_placement(case: Case, actor: User, placement: HousingPlacement, *, end_date: date,
                  reason: EndReason, version: object) -> HousingPlacement:
    """The person left the facility on ``end_date``. Left without notice raises an alert for
    CMM and a line in the case history."""
    if placement.end_date is not None:
        raise ConcurrentEditError(_("This stay has already ended (%(day)s). Nothing was saved.",
                                    day=_format_day(placement.end_date)))
    if reason == EndReason.MOVED:
        raise RuleViolation(_("To move the person, place them at the new facility: this stay "
                              "then ends by itself."), field="reason")
    if end_date > today():
        raise RuleViolation(_("The end date is in the future. Record the end on the day the "
                              "person leaves."), field="end_date")
    if end_date < placement.start_date:
        raise RuleViolation(_("The stay began on %(day)s: it cannot end earlier.",
                              day=_format_day(placement.start_date)), field="end_date")
    _lock(placement, version)
    _end(placement, actor, end_date, reason)
    return placement


def _end(placement: HousingPlacement, actor: User, end_date: date, reason: EndReason) -> None:
    from victimcare.workflow.models import Alert, CaseEvent

    placement.end_date = end_date
    placement.end_reason = reason
    placement.ended_by_id = actor.id
    placement.ended_at = clock.now()
    if placement.assignment is not None and placement.assignment.is_active:
        placement.assignment.is_active = False
        placement.assignment.ended_at = clock.now()
    if reason == EndReason.LEFT_WITHOUT_NOTICE:
        alert = Alert(case_id=placement.case_id, instance_id=None, kind=LEFT_ALERT, lane="CMM")
        db.session.add(alert)
        db.session.add(CaseEvent(case_id=placement.case_id, actor_id=actor.id, kind="alert",
                                 process_key="housing", name=LEFT_ALERT))
        db.session.flush()
        placement.alert_id = alert.id
    db.session.flush()
    audit.record(actor, "housing.ended", "housing_placement", placement.id,
                 case_id=placement.case_id,
                 details={"reason": reason.value, "end_date": end_date.isoformat()})


def _resolve_alerts(case: Case, actor: User) -> None:
    from victimcare.workflow.models import Alert

    db.session.execute(sa.update(Alert).where(
        Alert.case_id == case.id, Alert.kind == LEFT_ALERT, Alert.instance_id.is_(None),
        Alert.resolved_at.is_(None)).values(resolved_at=clock.now(), resolved_by_id=actor.id))


def follow_up_departure(case: Case, actor: User, placement: HousingPlacement) -> None:
    """The contact person has followed up on a disappearance: the alert leaves the dashboards."""
    from victimcare.workflow.models import Alert

    alert = db.session.get(Alert, placement.alert_id) if placement.alert_id else None
    if alert is None or alert.resolved_at is not None:
        raise RuleViolation(_("There is no open alert about this stay."))
    alert.resolved_at = clock.now()
    alert.resolved_by_id = actor.id
    audit.record(actor, "housing.followed_up", "housing_placement", placement.id,
                 case_id=case.id)


# --- prepared return (issue 7) -------------------------------------------------------------


def end_on_departure(case: Case, actor: User, departed_on: date) -> HousingPlacement | None:
    """The person left on a prepared return: an open stay ends that day, "returned home"."""
    placement = current_placement(case)
    if placement is None or placement.end_date is not None:
        return None
    _end(placement, actor, max(departed_on, placement.start_date), EndReason.RETURNED_HOME)
    return placement


# --- reading ---------------------------------------------------------------------------


def payer_label(payer: Payer) -> str:
    return labels.label(labels.PAYER_LABELS, payer)


def housing_of(case: Case) -> dict:
    """The case page's housing section: each stay with its nights and cost, the totals per
    payer and for the case, and whether a disappearance still waits for follow-up."""
    from victimcare.workflow.models import Alert

    placements = list(db.session.scalars(sa.select(HousingPlacement).where(
        HousingPlacement.case_id == case.id).order_by(HousingPlacement.start_date.desc(),
                                                      HousingPlacement.id.desc())))
    day = today()
    rows, total_nights, total_cost, by_payer, unpriced = [], 0, 0, {}, False
    open_alerts = set(db.session.scalars(sa.select(Alert.id).where(
        Alert.id.in_([p.alert_id for p in placements if p.alert_id]),
        Alert.resolved_at.is_(None)))) if any(p.alert_id for p in placements) else set()
    for placement in placements:
        night_count = rules.nights(placement.start_date, placement.end_date, day)
        cost = rules.cost_ore(night_count, placement.price_per_night_ore)
        total_nights += night_count
        if cost is None:
            unpriced = True
        else:
            total_cost += cost
            by_payer[placement.payer] = by_payer.get(placement.payer, 0) + cost
        rows.append({"placement": placement, "nights": night_count, "cost_ore": cost,
                     "alert_open": placement.alert_id in open_alerts,
                     "payer": payer_label(placement.payer),
                     "end": labels.label(labels.END_LABELS, placement.end_reason)})
    current = next((p for p in placements if p.end_date is None), None)
    return {"rows": rows, "current": current, "total_nights": total_nights,
            "total_cost_ore": total_cost, "unpriced": unpriced,
            "by_payer": [(payer_label(p), by_payer[p]) for p in Payer if p in by_payer],
            "settled_payer": settled_payer(case)}


def settled_payer(case: Case):
    """Who pays, by the rules: the period that runs now decides (a reflection period is the
    Immigration Service's, a restitution period CMM's), else the residence status."""
    from victimcare.support import services as support

    period = support.support_of(case)["current"]
    return rules.payer_for(case.person.residence_status,
                           period_kind=period.kind.value if period is not None else None)
