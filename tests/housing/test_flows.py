"""Housing over HTTP: the coordinator keeps the register, the contact person places, moves and
ends stays from the case page; occupancy, payer, overbooking, nights and costs as the issue
tells them. The clock stands at 2026-03-02 10:00 in Copenhagen."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.factories import make_case, make_org, make_user
from tests.housing.builders import make_facility, place, seeded
from victimcare.accounts.models import OrganisationKind, Role
from victimcare.audit.models import AuditEvent
from victimcare.cases.models import CaseAssignment, Gender
from victimcare.extensions import db
from victimcare.housing.models import Facility, HousingPlacement
from victimcare.housing.rules import EndReason, Payer
from victimcare.identification.rules import ResidenceStatus
from victimcare.workflow.models import Alert, CaseEvent

COPENHAGEN = "Reden International, Copenhagen"


@pytest.fixture
def people(app, make_client):
    cmm = make_org("CMM", OrganisationKind.CMM)
    reden = make_org("Reden International", OrganisationKind.NGO)
    users = {"coordinator": make_user(Role.CMM_COORDINATOR, cmm),
             "contact": make_user(Role.CMM_CONTACT_PERSON, cmm, full_name="Jonas Berg"),
             "reden": make_user(Role.NGO_WORKER, reden)}
    clients = {}
    for who, user in users.items():
        clients[who] = make_client()
        clients[who].login(user.username)
    return {"users": users, "clients": clients, "cmm": cmm, "reden": reden}


def woman(given="Adaeze", residence=ResidenceStatus.NONE, **kw):
    return make_case(given_name=given, family_name="Nwosu", gender=Gender.FEMALE,
                     residence_status=residence, date_of_birth=date(1995, 5, 1), **kw)


def fill_copenhagen(contact, count=7):
    facility = seeded(COPENHAGEN)
    for n in range(count):
        place(woman(f"Resident{n}"), contact, facility, start=date(2026, 2, 20))
    return facility


def placements(case):
    db.session.expire_all()
    return list(db.session.scalars(sa.select(HousingPlacement).where(
        HousingPlacement.case_id == case.id).order_by(HousingPlacement.id)))


def test_the_facilities_of_domain_6_are_seeded_once_with_their_prices(app):
    reden = make_org("Reden International", OrganisationKind.NGO)
    copenhagen = seeded(COPENHAGEN)
    assert (copenhagen.fixed_places, copenhagen.extra_places) == (7, 2)
    assert copenhagen.price_per_night_ore == 133_900
    assert copenhagen.rooms == "2 single, 1 double, 1 triple"
    assert copenhagen.operator_organisation_id == reden.id
    assert seeded("Women's crisis centre (§109)").residence_requirement == "lawful_only"
    assert seeded("Krisecenter for Mænd, Fredericia").price_per_night_ore == 12_000
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Facility))
    seeded(COPENHAGEN)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Facility)) == count == 9


def test_a_woman_placed_in_the_full_copenhagen_shelter_is_warned_and_takes_a_paid_extra_place(
        people):
    facility = fill_copenhagen(people["users"]["contact"])
    case = woman("Grace", residence=ResidenceStatus.LAWFUL)
    client = people["clients"]["contact"]
    url = f"/cases/{case.reference}/housing/new"
    page = client.get(url).get_data(as_text=True)
    assert "All 7 fixed places taken" in page
    assert "Only for people with lawful residence" not in page  # she has lawful residence
    form = {"facility_id": facility.id, "start_date": "2026-03-02", "current_version": ""}
    warned = client.post(url, form).get_data(as_text=True)
    assert 'data-testid="overbooking-warning"' in warned
    assert "All 7 fixed places at Reden International, Copenhagen are taken" in warned
    assert "(paid by: CMM)" in warned
    assert placements(case) == []  # nothing until confirmed
    assert 'value="2026-03-02"' in warned  # what was typed is kept
    response = client.post(url, {**form, "confirm_extra_place": "y"})
    assert response.status_code == 302
    [stay] = placements(case)
    assert stay.uses_extra_place and stay.payer == Payer.CMM
    assert stay.price_per_night_ore == 133_900
    audit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "housing.placed",
                                                          AuditEvent.case_id == case.id))
    assert audit.details["uses_extra_place"] is True and audit.details["payer"] == "cmm"
    shown = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "Extra place (overbooked)" in shown
    occupancy = client.get("/housing").get_data(as_text=True)
    assert 'data-testid="total-overbooked">1<' in occupancy


def test_the_immigration_service_pays_for_a_woman_without_lawful_residence(people):
    facility = seeded(COPENHAGEN)
    case = woman()
    client = people["clients"]["contact"]
    client.post(f"/cases/{case.reference}/housing/new",
                {"facility_id": facility.id, "start_date": "2026-03-02"})
    [stay] = placements(case)
    assert stay.payer == Payer.IMMIGRATION_SERVICE and not stay.uses_extra_place
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert 'data-testid="payer">Immigration Service<' in page


def test_a_109_crisis_centre_refuses_a_woman_without_lawful_residence(people):
    crisis = seeded("Women's crisis centre (§109)")
    case = woman()
    client = people["clients"]["contact"]
    page = client.get(f"/cases/{case.reference}/housing/new").get_data(as_text=True)
    assert f'value="{crisis.id}"' not in page  # not proposed
    assert "Only for people with lawful residence (Social Services Act §109/§110)" in page
    response = client.post(f"/cases/{case.reference}/housing/new",
                           {"facility_id": crisis.id, "start_date": "2026-03-02"})
    assert response.status_code == 200 and placements(case) == []
    assert 'id="facility_id-error"' in response.get_data(as_text=True)


def test_a_man_is_not_proposed_a_womens_shelter_and_a_child_only_the_minors_centre(people):
    seeded(COPENHAGEN)
    man = make_case(given_name="Bogdan", gender=Gender.MALE, estimated_age=40,
                    residence_status=ResidenceStatus.LAWFUL)
    girl = make_case(given_name="Sofia", gender=Gender.FEMALE, estimated_age=17,
                     age_in_doubt=True, residence_status=ResidenceStatus.NONE)
    client = people["clients"]["contact"]
    proposals = lambda case: [  # noqa: E731
        line for line in client.get(f"/cases/{case.reference}/housing/new").get_data(
            as_text=True).splitlines() if 'data-testid="proposal"' in line]
    assert not any(COPENHAGEN in line for line in proposals(man))
    assert any("Krisecenter for Mænd" in line for line in proposals(man))
    girl_sees = proposals(girl)
    assert len(girl_sees) == 2  # the centre for minors and the asylum system
    assert any("unaccompanied minors" in line for line in girl_sees)


def test_a_move_ends_the_stay_and_nights_and_costs_add_up_per_placement_and_case(people):
    contact = people["users"]["contact"]
    hostel = make_facility("Hørhuset test", price_dkk=125)
    hotel = make_facility("Hotel test", price_dkk=500)
    case = woman(residence=ResidenceStatus.LAWFUL)
    first = place(case, contact, hostel, start=date(2026, 2, 10))
    client = people["clients"]["contact"]
    response = client.post(f"/cases/{case.reference}/housing/new", {
        "facility_id": hotel.id, "start_date": "2026-02-20", "price": "650",
        "current_version": first.version})
    assert response.status_code == 302
    old, new = placements(case)
    assert (old.end_date, old.end_reason) == (date(2026, 2, 20), EndReason.MOVED)
    assert new.moved_from_id == old.id and new.price_per_night_ore == 65_000
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    # 10 nights at 125 = 1,250; 10 nights (to today, 2 March) at 650 = 6,500; 7,750 in all.
    assert 'data-testid="total-nights">20<' in page
    assert "DKK7,750.00" in page.replace("\xa0", "")
    assert "Moved to another facility" in page


def test_left_without_notice_alerts_cmm_and_shows_in_the_history_until_followed_up(people):
    contact = people["users"]["contact"]
    facility = seeded(COPENHAGEN)  # run by Reden International, an NGO in the system
    case = woman()
    stay = place(case, contact, facility, start=date(2026, 2, 20))
    assignment = db.session.get(CaseAssignment, stay.assignment_id)
    assert assignment.organisation_id == people["reden"].id and assignment.is_active
    assert case.reference in people["clients"]["reden"].get("/cases").get_data(as_text=True)
    client = people["clients"]["contact"]
    url = f"/cases/{case.reference}/housing/{stay.id}/end"
    response = client.post(url, {"end_date": "2026-03-01", "reason": "left_without_notice",
                                 "version": stay.version})
    assert response.status_code == 302
    db.session.expire_all()
    alert = db.session.scalar(sa.select(Alert).where(Alert.case_id == case.id))
    assert alert.kind == "left_without_notice" and alert.resolved_at is None
    assert db.session.scalar(sa.select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                        CaseEvent.kind == "alert"))
    assert not db.session.get(CaseAssignment, stay.assignment_id).is_active
    assert case.reference not in people["clients"]["reden"].get("/cases").get_data(as_text=True)
    dashboard = people["clients"]["coordinator"].get("/").get_data(as_text=True)
    assert "The person left housing without notice" in dashboard
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert 'data-testid="left-without-notice"' in page
    assert 'data-testid="history-entry"' in page and "Jonas Berg" in page
    client.post(f"/cases/{case.reference}/housing/{stay.id}/followed-up")
    db.session.expire_all()
    assert db.session.get(Alert, alert.id).resolved_at is not None
    assert "The person left housing without notice" not in client.get("/").get_data(
        as_text=True)
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert 'data-testid="left-without-notice"' not in page
    assert "The person left housing without notice" in page  # still in the history


def test_ending_a_stay_from_an_old_page_is_refused_with_an_explanation(people):
    contact = people["users"]["contact"]
    case = woman()
    stay = place(case, contact, make_facility(), start=date(2026, 2, 20), payer="cmm")
    old_version = stay.version
    client = people["clients"]["contact"]
    url = f"/cases/{case.reference}/housing/{stay.id}/end"
    assert client.post(url, {"end_date": "2026-03-02", "reason": "returned_home",
                             "version": old_version}).status_code == 302
    again = client.post(url, {"end_date": "2026-03-01", "reason": "moved_on",
                              "version": old_version})
    assert again.status_code == 200
    assert "This stay has already ended" in again.get_data(as_text=True)
    [ended] = placements(case)
    assert ended.end_reason == EndReason.RETURNED_HOME


def test_an_end_date_before_the_start_or_in_the_future_is_explained_next_to_the_field(people):
    case = woman()
    stay = place(case, people["users"]["contact"], make_facility(), start=date(2026, 2, 20))
    client = people["clients"]["contact"]
    url = f"/cases/{case.reference}/housing/{stay.id}/end"
    for day, message in [("2026-02-01", "The stay began on"), ("2026-04-01", "in the future")]:
        html = client.post(url, {"end_date": day, "reason": "moved_on",
                                 "version": stay.version}).get_data(as_text=True)
        assert 'id="end_date-error"' in html and message in html
        assert f'value="{day}"' in html
    assert placements(case)[0].end_date is None


def test_two_coordinators_editing_a_facility_the_second_is_refused(people, make_client):
    facility = seeded(COPENHAGEN)
    form = {"name": COPENHAGEN, "kind": "specialised_shelter", "operator_name": "Reden",
            "fixed_places": "8", "extra_places": "2", "admits_gender": "women",
            "age_group": "adults", "residence_requirement": "any", "price": "1.339",
            "is_active": "y", "version": facility.version}
    client = people["clients"]["coordinator"]
    assert client.post(f"/housing/facilities/{facility.id}", form).status_code == 302
    late = client.post(f"/housing/facilities/{facility.id}", {**form, "fixed_places": "6"})
    html = late.get_data(as_text=True)
    assert late.status_code == 200 and "Someone else changed this facility" in html
    assert 'value="6"' in html  # kept for retyping
    db.session.expire_all()
    assert db.session.get(Facility, facility.id).fixed_places == 8


def test_a_coordinator_adds_a_facility_and_a_bad_price_is_explained(people):
    client = people["clients"]["coordinator"]
    form = {"name": "Reden International, Odense", "kind": "specialised_shelter",
            "fixed_places": "3", "extra_places": "1", "admits_gender": "women",
            "age_group": "adults", "residence_requirement": "any", "price": "12 kroner"}
    html = client.post("/housing/facilities/new", form).get_data(as_text=True)
    assert 'id="price-error"' in html and 'value="12 kroner"' in html
    assert client.post("/housing/facilities/new", {**form, "price": "1.250,50"}
                       ).status_code == 302
    facility = db.session.scalar(sa.select(Facility).where(Facility.name.like("%Odense")))
    assert facility.price_per_night_ore == 125_050 and facility.fixed_places == 3


def test_a_facility_name_is_taken_whatever_its_letters_and_case(people):
    """SQLite's own lower() leaves Æ, Ø and Å alone; the check must still find the name."""
    client = people["clients"]["coordinator"]
    form = {"name": "Ærø Krisecenter", "kind": "specialised_shelter", "fixed_places": "3",
            "extra_places": "1", "admits_gender": "women", "age_group": "adults",
            "residence_requirement": "any", "price": "1339", "operator_organisation_id": " "}
    assert client.post("/housing/facilities/new", form).status_code == 302
    for name in ("Ærø Krisecenter", "ÆRØ KRISECENTER"):
        again = client.post("/housing/facilities/new", {**form, "name": name})
        assert again.status_code == 200 and 'id="name-error"' in again.get_data(as_text=True)


def test_money_is_shown_in_the_users_language(people):
    make_facility("Hotel test", price_dkk=1339)
    client = people["clients"]["contact"]
    assert "DKK1,339.00" in client.get("/housing").get_data(as_text=True).replace("\xa0", "")
    client.post("/locale", {"locale": "da"})
    assert "1.339,00kr." in client.get("/housing").get_data(as_text=True).replace("\xa0", "")


def test_ngo_workers_see_no_housing_pages(people):
    case = woman()
    client = people["clients"]["reden"]
    assert client.get("/housing").status_code in (403, 404)
    assert client.get(f"/cases/{case.reference}/housing/new").status_code in (403, 404)


def test_opening_the_placement_page_is_an_audited_read(people):
    case = woman()
    people["clients"]["contact"].get(f"/cases/{case.reference}/housing/new")
    assert db.session.scalar(sa.select(sa.func.count()).where(
        AuditEvent.action == "case.viewed", AuditEvent.case_id == case.id)) == 1
