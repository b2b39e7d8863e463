"""Documents for the person, over HTTP on the test clock (2 March 2026): each document in
each language as a PDF, Thai and Arabic with real glyphs, Arabic laid out right to left, the
person's language as the default, signed consents, and the 1a questions for the
interpreter."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.identification.test_flows import ASSESSMENT, INTERVIEW, _do, _open, _register, people
from tests.returns.test_stories import LOW_RISK, PLAN, _accepted, _partner_id
from tests.support.test_periods import _tick, _victim
from victimcare.audit.models import AuditEvent
from victimcare.documents import texts
from victimcare.documents.languages import DOCUMENT_LANGUAGES, translations
from victimcare.documents.models import SignedConsent
from victimcare.extensions import db
from victimcare.returns import services as returns

__all__ = ["people"]

POPPLER = pytest.mark.skipif(not shutil.which("pdftoppm"),
                             reason="poppler-utils (scripts/bootstrap --browser installs it)")


def _tool(name: str) -> str:
    return shutil.which(name) or name


@pytest.fixture
def planned_case(people):
    """A Thai woman without lawful residence: a victim (decided 2 March), a 30-day
    reflection period, and an accepted return to Thailand with a plan and a budget."""
    returns.seed_return_rates()
    db.session.commit()
    case = _victim(people, residence_status="none", given_name="Kanya", family_name="Srisuk",
                   gender="female", nationality="TH", estimated_age="29", language="tha")
    officer, contact = people["clients"]["immigration"], people["clients"]["contact"]
    _do(officer, _open(case, "Task_grant_reflection"), {"starts_on": "2026-03-02",
                                                        "days": "30"})
    _accepted(people, case)
    _do(contact, _open(case, "Task_safety"), LOW_RISK)
    _do(contact, _open(case, "Task_plan"), {**PLAN, "partner_id": _partner_id(case),
                                            "housing": "20.000", "business": "15000",
                                            "pocket_money": "10.000"})
    return case


def _title(kind: str, language: str) -> str:
    msgid = texts.DECISION_TITLE.text if kind == "decision" else next(
        b.text for b in {"rights": texts.RIGHTS, "consent": texts.CONSENT,
                         "plan": texts.PLAN}[kind] if b.kind == "title")
    return translations(language).gettext(msgid)


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run([_tool("pdftotext"), str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def _words(text: str) -> str:
    """Text to compare with what pdftotext extracts: no spaces, compatibility forms folded
    (Arabic presentation forms) and no combining marks (extraction may put a Thai tone mark
    before its vowel sign) or bidi controls: the page shows them right; the test compares
    letters."""
    folded = unicodedata.normalize("NFKC", re.sub(r"\s+", "", text))
    return "".join(c for c in folded if unicodedata.category(c) not in ("Mn", "Cf"))


def _ink_by_column(pdf: bytes, tmp_path: Path) -> tuple[float, float]:
    """Page 1 at 50 dpi as a greyscale image: the share of dark pixels in the left and the
    right half of the text area (blank boxes or missing glyphs leave a column nearly
    empty)."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    subprocess.run([_tool("pdftoppm"), "-r", "50", "-f", "1", "-l", "1", "-gray", str(path),
                    str(tmp_path / "page")], check=True)
    pgm = next(tmp_path.glob("page*.pgm")).read_bytes()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", pgm)
    width, height = int(header.group(1)), int(header.group(2))
    pixels = pgm[header.end():]
    top, bottom = height // 6, height * 5 // 6  # below the heading, above the footer
    half = width // 2

    def ink(x0, x1):
        dark = total = 0
        for y in range(top, bottom):
            row = pixels[y * width + x0:y * width + x1]
            dark += sum(1 for p in row if p < 128)
            total += len(row)
        return dark / total

    return ink(width // 14, half), ink(half, width - width // 14)


def _column_positions(pdf: bytes, tmp_path: Path, language: str,
                      danish_title: str) -> tuple[float, float]:
    """Where page 1's text in the person's script sits (the mean x of its words) and where
    the Danish title starts (the x of its first word), from pdftotext's word boxes."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    boxes = subprocess.run([_tool("pdftotext"), "-bbox", "-f", "1", "-l", "1", str(path),
                            "-"], check=True, capture_output=True, text=True).stdout
    script = re.compile("[\u0600-\u06ff]" if language == "ar" else "[\u0e00-\u0e7f]")
    words = [(float(x), word) for x, word in
             re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]*)</word>', boxes)]
    own = [x for x, word in words if script.search(word)]
    first = danish_title.split()[0]
    danish = [x for x, word in words if word == first]
    assert own and danish, boxes[:300]
    return sum(own) / len(own), danish[0]


def _fonts(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run([_tool("pdffonts"), str(path)], check=True, capture_output=True,
                          text=True).stdout


@POPPLER
@pytest.mark.parametrize("language", DOCUMENT_LANGUAGES)
def test_every_document_is_a_pdf_in_every_language(people, planned_case, language,
                                                   tmp_path):
    contact = people["clients"]["contact"]
    for kind in texts.DOCUMENT_KINDS:
        response = contact.get(f"/cases/{planned_case.reference}/documents/{kind}/pdf"
                               f"?lang={language}")
        assert response.status_code == 200, (kind, response.headers.get("Location"))
        assert response.mimetype == "application/pdf"
        pdf = response.get_data()
        assert pdf.startswith(b"%PDF-")
        text = _words(_pdf_text(pdf, tmp_path))
        # The person's language and the Danish text alongside, with the case's own facts.
        assert _words(_title(kind, language)) in text, (kind, language)
        assert _words(_title(kind, "da")) in text, (kind, "da")
        assert planned_case.reference in text
        if language in ("th", "ar"):
            fonts = _fonts(pdf, tmp_path)
            assert ("Thai" if language == "th" else "Arabic") in fonts, fonts
            left, right = _ink_by_column(pdf, tmp_path)
            assert left > 0.01 and right > 0.01, (kind, left, right)  # text in both
            own_x, danish_x = _column_positions(pdf, tmp_path, language,
                                                 _title(kind, "da"))
            # Right to left mirrors the page: the Arabic column is on the right.
            assert (own_x > danish_x) if language == "ar" else (own_x < danish_x), kind
            for png in tmp_path.glob("page*"):
                png.unlink()
    # Each one made is an audited read, with its language.
    db.session.expire_all()
    made = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "document.generated", AuditEvent.case_id == planned_case.id))
    assert {(e.details["document"], e.details["language"]) for e in made} == {
        (kind, language) for kind in texts.DOCUMENT_KINDS}


def test_the_decision_states_the_period_and_its_end_date_in_both_languages(people,
                                                                         planned_case):
    html = people["clients"]["contact"].get(
        f"/cases/{planned_case.reference}/documents/decision?lang=en").get_data(as_text=True)
    assert "the Danish Immigration Service decided that you are a victim" in html
    assert "The period ends on April 1, 2026." in html
    assert "Perioden slutter den 1. april 2026." in html
    assert "Kanya Srisuk" in html and planned_case.reference in html


def test_the_plan_shows_the_budget_written_for_each_language(people, planned_case):
    html = people["clients"]["contact"].get(
        f"/cases/{planned_case.reference}/documents/plan?lang=en").get_data(as_text=True)
    assert "A noodle stall at the market in Udon Thani." in html
    assert "DKK45,000.00" in html  # 20,000 + 15,000 + 10,000 for the English column
    assert re.search(r"45\.000,00\s?kr\.", html)  # and the Danish one
    assert "Thailand" in html


def test_the_arabic_page_is_right_to_left_with_danish_alongside(people, planned_case):
    html = people["clients"]["contact"].get(
        f"/cases/{planned_case.reference}/documents/rights?lang=ar").get_data(as_text=True)
    assert re.search(r'<html lang="ar" dir="rtl">', html)
    assert 'lang="da" dir="ltr"' in html
    assert translations("ar").gettext(texts.RIGHTS[0].text) in html


def test_documents_default_to_the_persons_language_which_can_be_changed(people,
                                                                      planned_case):
    contact = people["clients"]["contact"]
    url = f"/cases/{planned_case.reference}/documents"
    page = contact.get(url).get_data(as_text=True)
    # Recorded at the referral as Thai (ISO 639-3 "tha"): documents in Thai by default.
    assert "/documents/rights?lang=th" in page
    db.session.expire_all()
    refused = contact.post(f"{url}/language", {"language": "xx", "version": planned_case.version})
    assert refused.status_code == 200
    assert 'id="language-error"' in refused.get_data(as_text=True)
    saved = contact.post(f"{url}/language", {"language": "en", "version": planned_case.version})
    assert saved.status_code == 302
    assert "/documents/rights?lang=en" in contact.get(url).get_data(as_text=True)
    # The form from before the change is refused, not applied over it.
    stale = contact.post(f"{url}/language", {"language": "ro", "version": planned_case.version})
    assert stale.status_code == 200 and "Someone else changed this case" in \
        stale.get_data(as_text=True)
    # A language documents are not written in is a 404, not an English page.
    assert contact.get(f"{url}/rights?lang=xx").status_code == 404
    assert contact.get(f"{url}/nothing?lang=en").status_code == 404


def test_a_document_the_case_cannot_state_yet_explains_why(people):
    case = _victim(people)  # a victim with lawful residence: no period yet, no plan
    contact = people["clients"]["contact"]
    response = contact.get(f"/cases/{case.reference}/documents/plan/pdf?lang=ro",
                           follow_redirects=True)
    assert "There is no reintegration plan on this case yet" in response.get_data(
        as_text=True)
    decision = contact.get(f"/cases/{case.reference}/documents/decision?lang=ro").get_data(
        as_text=True)
    assert translations("ro").gettext(texts.NO_PERIOD_YET.text) in decision


def test_a_signed_consent_is_recorded_with_its_language(people, planned_case):
    contact = people["clients"]["contact"]
    url = f"/cases/{planned_case.reference}/consents/new"
    form = {"language": "th", "signed_on": "2026-03-02", "police_sharing": "yes",
            "data_processing": "yes", "interpreter": "Somchai Dee"}
    unconfirmed = contact.post(url, form)
    assert 'id="read_aloud-error"' in unconfirmed.get_data(as_text=True)
    assert 'value="Somchai Dee"' in unconfirmed.get_data(as_text=True)
    future = contact.post(url, {**form, "signed_on": "2026-03-03", "read_aloud": "y"})
    assert 'id="signed_on-error"' in future.get_data(as_text=True)
    long_ago = contact.post(url, {**form, "signed_on": "0001-01-01", "read_aloud": "y"})
    assert 'id="signed_on-error"' in long_ago.get_data(as_text=True)
    assert contact.post(url, {**form, "read_aloud": "y"}).status_code == 302
    db.session.expire_all()
    consent = db.session.scalar(sa.select(SignedConsent).where(
        SignedConsent.case_id == planned_case.id))
    assert (consent.language, consent.police_sharing, consent.data_processing,
            consent.interpreter) == ("th", True, True, "Somchai Dee")
    page = contact.get(f"/cases/{planned_case.reference}/documents").get_data(as_text=True)
    assert "Somchai Dee" in page and "Thai" in page
    # The Immigration Service sees the documents but does not record consents.
    assert people["clients"]["immigration"].post(url, {**form, "read_aloud": "y"}
                                                 ).status_code == 404


def test_interview_questions_for_the_interpreter_need_no_case(people):
    ngo = people["clients"]["ngo"]
    page = ngo.get("/interview-questions?lang=ro").get_data(as_text=True)
    question = texts.INTERVIEW_QUESTIONS[3][1][1]  # "Has anyone threatened you ...?"
    assert translations("ro").gettext(question) in page
    assert translations("da").gettext(question) in page
    assert re.search(r'<html lang="ro" dir="ltr">', page)
    arabic = ngo.get("/interview-questions?lang=ar").get_data(as_text=True)
    assert re.search(r'<html lang="ar" dir="rtl">', arabic)
    assert ngo.get("/interview-questions?lang=klingon").status_code == 404


def test_a_signed_no_to_the_police_withdraws_the_interviews_consent(people):
    case = _victim(people)  # consented at the interview (09:45), decided at 10:00
    contact = people["clients"]["contact"]
    disclosure = {"document": "assessment", "recipient": "Københavns Politi",
                  "sent_at": "2026-03-02T10:04"}
    assert contact.post(f"/cases/{case.reference}/consents/new", {
        "language": "ro", "signed_on": "2026-03-02", "police_sharing": "no",
        "data_processing": "yes", "interpreter": "", "read_aloud": "y"}).status_code == 302
    refused = contact.post(f"/cases/{case.reference}/disclosures/new", disclosure)
    assert refused.status_code == 200
    assert "withdrew the consent to share with the police" in refused.get_data(as_text=True)
    # Signed again, saying yes: the assessment may go.
    contact.post(f"/cases/{case.reference}/consents/new", {
        "language": "ro", "signed_on": "2026-03-02", "police_sharing": "yes",
        "data_processing": "yes", "interpreter": "", "read_aloud": "y"})
    assert contact.post(f"/cases/{case.reference}/disclosures/new",
                        disclosure).status_code == 302


def test_the_document_language_is_chosen_at_the_referral(people):
    case = _register(people, given_name="Oksana", family_name="Melnyk", language="rus",
                     estimated_age="33",
                     document_language="uk")
    page = people["clients"]["contact"].get(f"/cases/{case.reference}").get_data(
        as_text=True)
    assert re.search(r'data-testid="document-language">Ukrainian', page)
    refused = people["clients"]["contact"].post("/cases/new", {
        "given_name": "Olena", "document_language": "klingon"})
    assert 'id="document_language-error"' in refused.get_data(as_text=True)


def test_the_immigration_service_makes_the_decision_document_only(people, planned_case):
    officer = people["clients"]["immigration"]
    base = f"/cases/{planned_case.reference}/documents"
    assert officer.get(f"{base}/decision?lang=th").status_code == 200
    assert officer.get(f"{base}/decision/pdf?lang=th").status_code == 200
    for kind in ("plan", "consent", "rights"):  # CMM's, and the budget is need-to-know
        assert officer.get(f"{base}/{kind}?lang=th").status_code == 404, kind
        assert officer.get(f"{base}/{kind}/pdf?lang=th").status_code == 404, kind
    page = officer.get(base).get_data(as_text=True)
    assert "/documents/decision?" in page and "/documents/plan?" not in page
    assert f"{base}/language" not in page  # the person's record is CMM's to change
    assert officer.post(f"{base}/language", {"language": "en",
                                             "version": planned_case.version}).status_code \
        in (403, 404)


def test_the_plan_is_marked_as_a_draft_until_the_ministry_approves_it(people, planned_case):
    html = people["clients"]["contact"].get(
        f"/cases/{planned_case.reference}/documents/plan?lang=en").get_data(as_text=True)
    assert "Draft: this plan is not yet approved" in html
    assert "Udkast" in html  # and in Danish


def test_text_typed_into_the_case_is_shown_as_text(people, planned_case):
    from victimcare.returns.models import PreparedReturn

    prepared = db.session.scalar(sa.select(PreparedReturn).where(
        PreparedReturn.case_id == planned_case.id))
    prepared.activity = '<img src="file:///etc/passwd"><script>alert(1)</script>'
    db.session.commit()
    contact = people["clients"]["contact"]
    html = contact.get(f"/cases/{planned_case.reference}/documents/plan?lang=en").get_data(
        as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert contact.get(f"/cases/{planned_case.reference}/documents/plan/pdf?lang=en"
                       ).status_code == 200


def test_a_decision_against_victim_status_says_so_and_names_the_authority(people):
    case = _register(people, given_name="Ion", family_name="Lungu", gender="male",
                     estimated_age="41", residence_status="none")
    _do(people["clients"]["contact"], _open(case, "Task_interview"), INTERVIEW)
    _do(people["clients"]["contact"], _open(case, "Task_send"), {
        "police": "not_sent", "presented_at": "2026-03-02T09:55"})
    _do(people["clients"]["immigration"], _open(case, "Task_assess_us"), {
        **ASSESSMENT, "decision": "not_victim",
        "weighty_reasons": "The account is contradicted by the police report."})
    html = people["clients"]["contact"].get(
        f"/cases/{case.reference}/documents/decision?lang=en").get_data(as_text=True)
    assert ("the Danish Immigration Service decided that you are not considered a victim "
            "of trafficking") in html
    assert "how to appeal" in html and "period ends" not in html


def test_after_the_period_ended_the_decision_says_when_it_ended(people, frozen_clock):
    case = _victim(people, residence_status="none")
    _do(people["clients"]["immigration"], _open(case, "Task_grant_reflection"),
        {"starts_on": "2026-03-02", "days": "30"})
    _tick(frozen_clock, people, days=31)  # never reviewed: it ended on 31 March
    html = people["clients"]["contact"].get(
        f"/cases/{case.reference}/documents/decision?lang=en").get_data(as_text=True)
    assert "Your reflection period ended on" in html
    assert "The period ends on" not in html


def test_the_interpreter_link_uses_the_interview_language(people):
    case = _register(people, given_name="Radu", family_name="Lupu", language="ron",
                     estimated_age="40", document_language="en")
    task = _open(case, "Task_interview")
    page = people["clients"]["contact"].get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "/interview-questions?lang=ro" in page


def test_an_ngo_outreach_worker_hands_out_the_rights_leaflet_without_a_case(people,
                                                                           tmp_path):
    ngo = people["clients"]["ngo"]
    assert 'action="/rights-information"' in ngo.get("/").get_data(as_text=True)
    html = ngo.get("/rights-information?lang=bg").get_data(as_text=True)
    assert translations("bg").gettext(texts.RIGHTS[0].text) in html
    assert "________" in html and "VC-" not in html  # blanks, no case
    pdf = ngo.get("/rights-information/pdf?lang=th")
    assert pdf.status_code == 200 and pdf.get_data().startswith(b"%PDF-")
    assert ngo.get("/rights-information?lang=xx").status_code == 404
    assert people["clients"]["immigration"].get("/rights-information?lang=en").status_code \
        in (403, 404)
