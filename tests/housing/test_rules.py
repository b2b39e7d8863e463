"""The housing rules (DOMAIN.md §6) without a database: who fits where, who pays, nights,
costs and overbooking."""

from __future__ import annotations

from datetime import date

import pytest

from victimcare.housing import rules
from victimcare.housing.forms import parse_dkk
from victimcare.housing.rules import (
    AdmittedGender,
    AgeGroup,
    Occupancy,
    Payer,
    PlaceKind,
    ResidenceRequirement,
    Terms,
    Unfit,
)
from victimcare.identification.rules import ResidenceStatus as R

SHELTER = Terms(AdmittedGender.WOMEN, AgeGroup.ADULTS, ResidenceRequirement.ANY)
CRISIS_109 = Terms(AdmittedGender.WOMEN, AgeGroup.ADULTS, ResidenceRequirement.LAWFUL_ONLY)
MENS_110 = Terms(AdmittedGender.MEN, AgeGroup.ADULTS, ResidenceRequirement.LAWFUL_ONLY)
MINORS = Terms(AdmittedGender.ANYONE, AgeGroup.MINORS,
               ResidenceRequirement.IMMIGRATION_SUPPORT_ONLY)
ASYLUM = Terms(AdmittedGender.ANYONE, AgeGroup.ANYONE,
               ResidenceRequirement.IMMIGRATION_SUPPORT_ONLY)


@pytest.mark.parametrize(("status", "payer"), [
    (R.NONE, Payer.IMMIGRATION_SERVICE), (R.ASYLUM_SEEKER, Payer.IMMIGRATION_SERVICE),
    (R.LAWFUL, Payer.CMM), (R.LAWFUL_UNDER_6_MONTHS, Payer.CMM),
    (R.CHARGED, None), (None, None)])
def test_the_immigration_service_pays_for_those_it_supports_and_cmm_for_lawful_residence(
        status, payer):
    assert rules.payer_for(status) == payer


def test_when_lawful_residence_ends_in_a_restitution_period_the_immigration_service_pays():
    assert rules.payer_for(R.NONE, period_kind="restitution") == Payer.IMMIGRATION_SERVICE
    assert rules.payer_for(R.LAWFUL, period_kind="restitution") == Payer.CMM
    assert rules.payer_for(R.CHARGED, period_kind="reflection") == Payer.IMMIGRATION_SERVICE


def test_a_woman_without_lawful_residence_fits_the_shelter_but_not_a_109_crisis_centre():
    assert rules.unfit_reasons(SHELTER, "female", False, R.NONE) == []
    assert rules.unfit_reasons(CRISIS_109, "female", False, R.NONE) == [
        Unfit.LAWFUL_RESIDENCE_ONLY]
    assert rules.unfit_reasons(CRISIS_109, "female", False, R.LAWFUL) == []


def test_a_man_fits_the_mens_crisis_centre_only_with_lawful_residence_and_never_a_shelter():
    assert rules.unfit_reasons(MENS_110, "male", False, R.LAWFUL) == []
    assert rules.unfit_reasons(MENS_110, "male", False, R.ASYLUM_SEEKER) == [
        Unfit.LAWFUL_RESIDENCE_ONLY]
    assert rules.unfit_reasons(SHELTER, "male", False, R.NONE) == [Unfit.GENDER]


def test_a_child_goes_to_a_centre_for_minors_not_to_an_adult_shelter():
    assert rules.unfit_reasons(MINORS, "female", True, R.NONE) == []
    assert rules.unfit_reasons(SHELTER, "female", True, R.NONE) == [Unfit.ADULTS_ONLY]
    assert rules.unfit_reasons(MINORS, "female", False, R.NONE) == [Unfit.MINORS_ONLY]


def test_the_asylum_system_is_for_people_the_immigration_service_supports():
    assert rules.unfit_reasons(ASYLUM, None, True, R.ASYLUM_SEEKER) == []
    assert rules.unfit_reasons(ASYLUM, "male", False, R.LAWFUL) == [
        Unfit.IMMIGRATION_SUPPORT_ONLY]


def test_a_gender_specific_facility_needs_the_gender_recorded():
    assert rules.unfit_reasons(SHELTER, None, False, R.NONE) == [Unfit.GENDER]
    assert rules.unfit_reasons(SHELTER, "other", False, R.NONE) == [Unfit.GENDER]


def test_an_inactive_facility_fits_no_one():
    inactive = Terms(AdmittedGender.ANYONE, AgeGroup.ANYONE, ResidenceRequirement.ANY, False)
    assert rules.unfit_reasons(inactive, "female", False, R.LAWFUL) == [Unfit.INACTIVE]


def test_the_eighth_woman_in_copenhagen_takes_an_extra_place_and_the_tenth_finds_it_full():
    # DOMAIN.md §6: 7 fixed places, 2 extra CMM can buy at peaks.
    assert rules.next_place(Occupancy(7, 2, 6)) == PlaceKind.FIXED
    assert rules.next_place(Occupancy(7, 2, 7)) == PlaceKind.EXTRA
    assert rules.next_place(Occupancy(7, 2, 8)) == PlaceKind.EXTRA
    assert rules.next_place(Occupancy(7, 2, 9)) == PlaceKind.NONE
    assert rules.next_place(Occupancy(None, 0, 500)) == PlaceKind.FIXED


def test_occupancy_counts_free_and_overbooked_places():
    full = Occupancy(7, 2, 8)
    assert (full.free, full.overbooked, full.extra_free) == (0, 1, 1)
    assert (Occupancy(2, 2, 1).free, Occupancy(2, 2, 1).overbooked) == (1, 0)
    hotel = Occupancy(None, 0, 3)
    assert (hotel.free, hotel.overbooked, hotel.extra_free) == (None, 0, None)


def test_nights_run_from_the_start_to_the_end_date_or_to_today():
    assert rules.nights(date(2026, 2, 1), date(2026, 2, 11), date(2026, 3, 2)) == 10
    assert rules.nights(date(2026, 2, 1), None, date(2026, 3, 2)) == 29  # across February
    assert rules.nights(date(2026, 3, 2), None, date(2026, 3, 2)) == 0
    assert rules.nights(date(2026, 3, 1), date(2026, 3, 1), date(2026, 3, 2)) == 0


def test_the_cost_is_nights_times_the_price_recorded_in_ore():
    assert rules.cost_ore(10, 133_900) == 1_339_000  # 10 nights at 1,339 DKK
    assert rules.cost_ore(3, None) is None  # the asylum system has no price here
    assert rules.cost_ore(0, 133_900) == 0


def test_payers_of_a_facility_follow_whom_it_takes_in():
    assert rules.payers_of(ResidenceRequirement.LAWFUL_ONLY) == {Payer.CMM}
    assert rules.payers_of(ResidenceRequirement.IMMIGRATION_SUPPORT_ONLY) == {
        Payer.IMMIGRATION_SERVICE}
    assert rules.payers_of(ResidenceRequirement.ANY) == set(Payer)


@pytest.mark.parametrize(("typed", "ore"), [
    ("1339", 133_900), ("1.339", 133_900), ("1,339", 133_900), ("1.339,50", 133_950),
    ("1,339.50", 133_950), ("1339,5", 133_950), ("125 kr.", 12_500), ("DKK 811", 81_100),
    ("", None), ("  ", None)])
def test_prices_are_typed_danish_or_english_style(typed, ore):
    assert parse_dkk(typed) == ore


@pytest.mark.parametrize("typed", ["abc", "-5", "1e309", "1,2,3.4.5", "12.345,678", "1..2"])
def test_what_is_not_an_amount_is_refused(typed):
    with pytest.raises(ValueError):
        parse_dkk(typed)
