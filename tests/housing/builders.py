"""Builders for housing tests: facilities and people placed in them."""

from __future__ import annotations

import itertools
from datetime import date

from victimcare.extensions import db
from victimcare.housing import services as housing
from victimcare.housing.models import Facility
from victimcare.housing.rules import AdmittedGender, AgeGroup, FacilityKind, ResidenceRequirement

_seq = itertools.count(1)


def make_facility(name: str | None = None, *, fixed: int | None = None, extra: int = 0,
                  price_dkk: int | None = 500, kind: FacilityKind = FacilityKind.HOSTEL,
                  gender: AdmittedGender = AdmittedGender.ANYONE,
                  ages: AgeGroup = AgeGroup.ANYONE,
                  residence: ResidenceRequirement = ResidenceRequirement.ANY,
                  operator=None) -> Facility:
    facility = Facility(name=name or f"Facility {next(_seq)}", kind=kind, fixed_places=fixed,
                        extra_places=extra, admits_gender=gender, age_group=ages,
                        residence_requirement=residence,
                        price_per_night_ore=None if price_dkk is None else price_dkk * 100,
                        operator_organisation=operator)
    db.session.add(facility)
    db.session.commit()
    return facility


def place(case, actor, facility, start: date | None = None, **kw):
    placement = housing.place_person(case, actor, facility_id=facility.id,
                                     start_date=start or housing.today(), **kw)
    db.session.commit()
    return placement


def seeded(name: str) -> Facility:
    import sqlalchemy as sa

    housing.seed_facilities()
    db.session.commit()
    return db.session.scalar(sa.select(Facility).where(Facility.name == name))
