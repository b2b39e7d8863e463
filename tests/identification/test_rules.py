"""The identification rules of DOMAIN.md §2–4, as the people applying them would state them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from victimcare.identification.rules import (
    Authority,
    Finding,
    ResidenceStatus,
    competent_authority,
    counts_for_the_person,
    deadline_stage,
    decision_deadline,
    is_child,
    needs_weighty_reasons,
    required_elements,
)


@pytest.mark.parametrize(("status", "presented", "authority"), [
    (ResidenceStatus.LAWFUL, False, Authority.CMM),
    (ResidenceStatus.LAWFUL, True, Authority.IMMIGRATION_SERVICE),
    (ResidenceStatus.LAWFUL_UNDER_6_MONTHS, False, Authority.CMM),
    (ResidenceStatus.LAWFUL_UNDER_6_MONTHS, True, Authority.IMMIGRATION_SERVICE),
    (ResidenceStatus.NONE, False, Authority.IMMIGRATION_SERVICE),
    (ResidenceStatus.NONE, True, Authority.IMMIGRATION_SERVICE),
    (ResidenceStatus.ASYLUM_SEEKER, False, Authority.IMMIGRATION_SERVICE),
    (ResidenceStatus.CHARGED, True, Authority.COURT),
    (ResidenceStatus.CHARGED, False, Authority.COURT),
])
def test_the_competent_authority_follows_residence_status(status, presented, authority):
    assert competent_authority(status, presented) == authority


def test_a_thai_woman_with_a_schengen_permit_is_assessed_by_cmm():
    assert competent_authority(ResidenceStatus.LAWFUL, False) == Authority.CMM


def test_a_detained_romanian_without_lawful_residence_goes_to_the_immigration_service():
    assert competent_authority(ResidenceStatus.NONE, True) == Authority.IMMIGRATION_SERVICE


@pytest.mark.parametrize(("born", "estimate", "doubt", "child"), [
    (date(2010, 3, 3), None, False, True),   # 15 years old
    (date(2008, 3, 2), None, False, False),  # 18 today
    (date(2008, 3, 3), None, False, True),   # 18 tomorrow
    (None, 16, False, True),
    (None, 25, False, False),
    (None, 25, True, True),                  # age in doubt: a child until established
    (date(1990, 1, 1), None, True, True),
    (None, None, False, True),               # nothing known: in doubt
])
def test_who_is_treated_as_a_child(born, estimate, doubt, child):
    assert is_child(born, estimate, doubt, date(2026, 3, 2)) is child


def test_a_child_need_not_show_means():
    assert required_elements(child=True) == ("act", "purpose")
    assert required_elements(child=False) == ("act", "means", "purpose")


def test_the_72_hour_deadline_and_its_warnings():
    detained = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
    deadline = decision_deadline(detained)
    assert deadline == datetime(2026, 3, 5, 6, 30, tzinfo=UTC)
    at = lambda h: datetime(2026, 3, 2, 6, 30, tzinfo=UTC) + (deadline - detained) * h / 72  # noqa: E731
    assert deadline_stage(deadline, at(47), None) == "running"
    assert deadline_stage(deadline, at(48), None) == "warning"   # 24 h left
    assert deadline_stage(deadline, at(66), None) == "alert"     # 6 h left
    assert deadline_stage(deadline, at(72), None) == "missed"
    assert deadline_stage(deadline, at(80), decided_at=at(70)) == "met"
    assert deadline_stage(deadline, at(80), decided_at=at(75)) == "missed"  # stays missed


def test_a_detention_time_needs_a_zone():
    with pytest.raises(ValueError):
        decision_deadline(datetime(2026, 3, 2, 6, 30))


def test_doubt_benefits_the_person():
    assert counts_for_the_person(Finding.DOUBT)
    assert counts_for_the_person(Finding.YES)
    assert not counts_for_the_person(Finding.NO)


def test_overruling_cmm_needs_weighty_reasons():
    assert needs_weighty_reasons(Authority.IMMIGRATION_SERVICE, cmm_identified_victim=True,
                                 decided_victim=False)
    assert not needs_weighty_reasons(Authority.IMMIGRATION_SERVICE, True, True)
    assert not needs_weighty_reasons(Authority.IMMIGRATION_SERVICE, False, False)
    assert not needs_weighty_reasons(Authority.CMM, True, False)
