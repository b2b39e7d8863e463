"""The housing rules as plain functions (no Flask, no database).

Every rule cites ../shared/DOMAIN.md §6 (drawn from seeds/002, Del III §4): who may be placed
where, who pays, and how nights, costs and overbooking are counted.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from victimcare.identification.rules import ResidenceStatus

#: Money is counted in øre (1 DKK = 100 øre): whole numbers, never floats.
ORE_PER_KRONE = 100


class FacilityKind(enum.StrEnum):
    ASYLUM_CENTRE = "asylum_centre"
    SPECIALISED_SHELTER = "specialised_shelter"
    #: Social Services Act §109 (kvindekrisecenter).
    WOMENS_CRISIS_CENTRE = "womens_crisis_centre"
    #: Social Services Act §110 (krisecenter for mænd, herberg).
    MENS_CRISIS_CENTRE = "mens_crisis_centre"
    HOSTEL = "hostel"
    HOTEL = "hotel"
    MINORS_CENTRE = "minors_centre"


class AdmittedGender(enum.StrEnum):
    WOMEN = "women"
    MEN = "men"
    ANYONE = "anyone"


class AgeGroup(enum.StrEnum):
    ADULTS = "adults"
    MINORS = "minors"
    ANYONE = "anyone"


class ResidenceRequirement(enum.StrEnum):
    """Whose residence status a facility may take in."""

    ANY = "any"
    #: §109/§110 places are only for people within the Social Services Act (lawful residence).
    LAWFUL_ONLY = "lawful_only"
    #: The asylum system and the centres for unaccompanied minors house people the Immigration
    #: Service supports (no lawful residence, asylum seekers).
    IMMIGRATION_SUPPORT_ONLY = "immigration_support_only"


class Payer(enum.StrEnum):
    IMMIGRATION_SERVICE = "immigration_service"
    CMM = "cmm"


class EndReason(enum.StrEnum):
    #: To another facility (a new placement starts the same day).
    MOVED = "moved"
    #: Out of the housing offer: private housing, a municipal placement, ...
    MOVED_ON = "moved_on"
    RETURNED_HOME = "returned_home"
    #: Disappeared (udeblevet uden varsel): the contact person is alerted.
    LEFT_WITHOUT_NOTICE = "left_without_notice"


#: The residence statuses the Immigration Service supports (forsørgelsespligt), DOMAIN.md §6.
IMMIGRATION_SUPPORTED = frozenset({ResidenceStatus.NONE, ResidenceStatus.ASYLUM_SEEKER})
LAWFUL = frozenset({ResidenceStatus.LAWFUL, ResidenceStatus.LAWFUL_UNDER_6_MONTHS})


def payer_for(status: ResidenceStatus | None, *, period_kind: str | None = None) -> Payer | None:
    """DOMAIN.md §6: the Immigration Service pays for the people it supports (no lawful
    residence, asylum seekers), CMM for people with lawful residence. ``None`` when the status
    does not settle it (not recorded, or charged with an offence): a person then chooses.

    ``period_kind`` is for the reflection/restitution periods: a reflection period is the
    Immigration Service's, a restitution period CMM's (DOMAIN.md §5). When lawful residence
    expires during a restitution period, the Immigration Service takes over housing: the
    caller passes the period that runs now.
    """
    if period_kind == "reflection":
        return Payer.IMMIGRATION_SERVICE
    if period_kind == "restitution" and status not in IMMIGRATION_SUPPORTED:
        return Payer.CMM
    if status in IMMIGRATION_SUPPORTED:
        return Payer.IMMIGRATION_SERVICE
    if status in LAWFUL:
        return Payer.CMM
    return None


def payers_of(requirement: ResidenceRequirement) -> frozenset[Payer]:
    """Who can end up paying for a place, given whom the facility takes in."""
    if requirement == ResidenceRequirement.LAWFUL_ONLY:
        return frozenset({Payer.CMM})
    if requirement == ResidenceRequirement.IMMIGRATION_SUPPORT_ONLY:
        return frozenset({Payer.IMMIGRATION_SERVICE})
    return frozenset(Payer)


class Unfit(enum.StrEnum):
    """Why a facility does not fit a person."""

    GENDER = "gender"
    ADULTS_ONLY = "adults_only"
    MINORS_ONLY = "minors_only"
    LAWFUL_RESIDENCE_ONLY = "lawful_residence_only"
    IMMIGRATION_SUPPORT_ONLY = "immigration_support_only"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class Terms:
    """Who a facility takes in (the columns of ``Facility`` the rules read)."""

    gender: AdmittedGender
    age_group: AgeGroup
    residence: ResidenceRequirement
    is_active: bool = True


def unfit_reasons(terms: Terms, gender: str | None, child: bool,
                  status: ResidenceStatus | None) -> list[Unfit]:
    """Why the facility cannot take the person; empty if it can (DOMAIN.md §6: placement is
    decided on gender, age and residence). A person whose gender is neither female nor male,
    or not recorded, fits facilities for anyone; the caseworker may still decide otherwise
    by recording the gender first."""
    reasons = []
    if not terms.is_active:
        reasons.append(Unfit.INACTIVE)
    if terms.gender == AdmittedGender.WOMEN and gender != "female":
        reasons.append(Unfit.GENDER)
    if terms.gender == AdmittedGender.MEN and gender != "male":
        reasons.append(Unfit.GENDER)
    if terms.age_group == AgeGroup.ADULTS and child:
        reasons.append(Unfit.ADULTS_ONLY)
    if terms.age_group == AgeGroup.MINORS and not child:
        reasons.append(Unfit.MINORS_ONLY)
    if terms.residence == ResidenceRequirement.LAWFUL_ONLY and status not in LAWFUL:
        reasons.append(Unfit.LAWFUL_RESIDENCE_ONLY)
    if (terms.residence == ResidenceRequirement.IMMIGRATION_SUPPORT_ONLY
            and status not in IMMIGRATION_SUPPORTED):
        reasons.append(Unfit.IMMIGRATION_SUPPORT_ONLY)
    return reasons


@dataclass(frozen=True)
class Occupancy:
    """A facility on one day. ``fixed`` is None for a facility without a set number of places
    (the asylum system, hostels, hotels): it is never full and never overbooked."""

    fixed: int | None
    extra: int
    occupied: int

    @property
    def free(self) -> int | None:
        return None if self.fixed is None else max(self.fixed - self.occupied, 0)

    @property
    def overbooked(self) -> int:
        return 0 if self.fixed is None else max(self.occupied - self.fixed, 0)

    @property
    def extra_free(self) -> int | None:
        return None if self.fixed is None else max(self.extra - self.overbooked, 0)


class PlaceKind(enum.StrEnum):
    FIXED = "fixed"
    #: Beyond the fixed places: an extra place CMM buys at peaks (overbooking).
    EXTRA = "extra"
    #: Fixed and extra places are all taken.
    NONE = "none"


def next_place(occupancy: Occupancy) -> PlaceKind:
    """DOMAIN.md §6: Reden Copenhagen has 7 fixed places and 2 extra CMM can buy at peaks.
    One more person takes a fixed place while there is one, then an extra place."""
    if occupancy.fixed is None or occupancy.occupied < occupancy.fixed:
        return PlaceKind.FIXED
    if occupancy.occupied < occupancy.fixed + occupancy.extra:
        return PlaceKind.EXTRA
    return PlaceKind.NONE


def nights(start: date, end: date | None, today: date) -> int:
    """Nights of a stay: days from the start date to the end date, or to today while it
    lasts (a stay that began today has no night yet)."""
    last = end if end is not None else today
    return max((last - start).days, 0)


def cost_ore(night_count: int, price_per_night_ore: int | None) -> int | None:
    """Nights × the price per night recorded on the placement; None if there is no price
    (the Immigration Service's own asylum system)."""
    if price_per_night_ore is None:
        return None
    return night_count * price_per_night_ore
