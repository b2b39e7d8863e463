"""The coordinators keep the maximums (new rows with a valid-from date), the USD rate and the
return partners; a budget is checked against the rates valid on its day."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from tests.identification.test_flows import people
from victimcare.extensions import db
from victimcare.returns import services
from victimcare.returns.models import ReturnRate
from victimcare.returns.rules import BudgetCategory, Household, check_budget

__all__ = ["people"]


def test_a_new_maximum_applies_from_its_day_and_the_old_one_before(people, frozen_clock):
    services.seed_return_rates()
    db.session.commit()
    coordinator = people["clients"]["coordinator"]
    page = coordinator.get("/returns/rates").get_data(as_text=True)
    assert page.count('data-testid="rate-row"') == 6
    response = coordinator.post("/returns/rates", {"code": "in_kind_per_adult",
                                                   "value": "45.000", "valid_from": "2026-03-10"})
    assert response.status_code == 302
    twice = coordinator.post("/returns/rates", {"code": "in_kind_per_adult", "value": "46000",
                                                "valid_from": "2026-03-10"})
    assert 'id="valid_from-error"' in twice.get_data(as_text=True)
    bad = coordinator.post("/returns/rates", {"code": "follow_up_months", "value": "-3",
                                              "valid_from": "2026-03-10"})
    assert 'id="value-error"' in bad.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReturnRate)) == 6
    lines = {BudgetCategory.HOUSING: 45_000_00}
    assert check_budget(lines, Household(), services.rates_on(date(2026, 3, 9))).over_maximum
    assert not check_budget(lines, Household(),
                            services.rates_on(date(2026, 3, 10))).over_maximum


def test_the_usd_rate_and_a_partner_are_kept_by_the_coordinator(people):
    services.seed_return_rates()
    db.session.commit()
    coordinator = people["clients"]["coordinator"]
    assert coordinator.post("/returns/rates", {"code": "usd", "value": "6,85",
                                               "valid_from": "2026-03-02"}).status_code == 302
    assert coordinator.post("/returns/partners", {
        "country": "VN", "programme": "errin", "name": "ERRIN (via the Ministry)"}
        ).status_code == 302
    db.session.expire_all()
    assert str(services.usd_rate_on(date(2026, 3, 2))) == "6.8500"
    assert services.proposed_partner("VN").programme.value == "errin"
    assert services.proposed_partner("PE").programme.value == "drc_erso"  # the default row
    assert people["clients"]["contact"].get("/returns/rates").status_code in (403, 404)
