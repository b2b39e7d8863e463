"""Documents for the person, composed from the case in the person's language with the
Danish text alongside; the person's document language; signed consents."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from victimcare import clock
from victimcare.accounts.models import User
from victimcare.audit import services as audit
from victimcare.cases.models import Case, Person
from victimcare.documents import languages as langs
from victimcare.documents import texts
from victimcare.documents.models import SignedConsent
from victimcare.errors import RuleViolation
from victimcare.extensions import db
from victimcare.i18n import _


@dataclass(frozen=True)
class Row:
    """One block of a document: its text in the person's language and in Danish (None when
    the document is in Danish only, or for text staff typed, which is shown as written)."""

    kind: str
    own: str
    danish: str | None = None
    #: For an amount row: the amount as each language writes it.
    own_value: str | None = None
    danish_value: str | None = None


@dataclass
class Document:
    kind: str
    language: str
    rows: list[Row] = field(default_factory=list)

    @property
    def direction(self) -> str:
        return langs.direction(self.language)

    @property
    def bilingual(self) -> bool:
        return self.language != langs.ALONGSIDE

    @property
    def title(self) -> Row:
        return next(r for r in self.rows if r.kind == "title")


class DocumentNotReady(RuleViolation):
    """The case does not yet hold what the document states (no decision, no plan)."""


# --- the person's language -----------------------------------------------------------------


def _check_language(language: str) -> None:
    if language not in langs.DOCUMENT_LANGUAGES:
        raise RuleViolation(_("Documents are not written in this language."),
                            field="language")


def document_language(person: Person) -> str:
    """The language the person's documents are written in by default: chosen on the record,
    else the language the person understands best when documents exist in it, else English."""
    if person.document_language in langs.DOCUMENT_LANGUAGES:
        return person.document_language
    return langs.document_language_for(person.language) or langs.SOURCE_LANGUAGE


def set_document_language(case: Case, actor: User, language: str) -> None:
    _check_language(language)
    previous = case.person.document_language
    case.person.document_language = language
    audit.record(actor, "person.document_language_set", "person", case.person_id,
                 case_id=case.id, details={"from": previous, "to": language})


# --- composing ------------------------------------------------------------------------------


def _translate(block: texts.Block | str, language: str, values: dict) -> str:
    msgid = block.text if isinstance(block, texts.Block) else block
    text = langs.translations(language).gettext(msgid)
    needs = block.needs if isinstance(block, texts.Block) else ()
    if not needs:
        return text
    return text % {name: langs.written(values.get(name), language) for name in needs}


def _rows(blocks, language: str, values: dict) -> list[Row]:
    rows = []
    for block in blocks:
        own = _translate(block, language, values)
        danish = (_translate(block, langs.ALONGSIDE, values)
                  if language != langs.ALONGSIDE else None)
        rows.append(Row(block.kind, own, danish))
    return rows


def _contact_person(case: Case) -> str:
    person = case.contact_person
    if person is None:
        return "—"
    organisation = person.organisation.name if person.organisation else ""
    return f"{person.full_name} ({organisation})" if organisation else person.full_name


def compose(case: Case, kind: str, language: str, staff: User) -> Document:
    """The document ``kind`` (texts.DOCUMENT_KINDS) for the case, in ``language`` with Danish
    alongside. Raises DocumentNotReady when the case does not hold what it states yet."""
    if kind not in texts.DOCUMENT_KINDS:
        raise LookupError(kind)
    _check_language(language)
    person = case.person
    values = {"name": person.display_name, "reference": case.reference,
              "today": clock.today(), "staff": staff.full_name,
              "contact_person": _contact_person(case),
              "language": langs.Language(language)}
    body = {"rights": _rights, "consent": _consent, "decision": _decision,
            "plan": _plan}[kind](case, language, values)
    return _assemble(kind, language, values, body)


#: Where a blank leaflet leaves room to write by hand.
BLANK = "_" * 24


def compose_leaflet(language: str, staff: User) -> Document:
    """The rights information without a case (name, case number and contact person left
    blank to fill in by hand): what an NGO's outreach worker hands out at a first contact,
    before there is a case (decision 0001: NGO staff do not see case pages)."""
    _check_language(language)
    values = {"name": BLANK, "reference": BLANK, "contact_person": BLANK,
              "today": clock.today(), "staff": staff.full_name,
              "language": langs.Language(language)}
    return _assemble("rights", language, values, _rows(texts.RIGHTS, language, values))


def _assemble(kind: str, language: str, values: dict, body: list[Row]) -> Document:
    document = Document(kind, language)
    title, rest = body[0], body[1:]
    document.rows = [title, *_rows(texts.HEADER, language, values), *rest]
    closing = [texts.FOOTER_GIVEN] + ([texts.LANGUAGE_NOTE] if document.bilingual else [])
    document.rows += _rows(closing, language, values)
    return document


def _rights(case, language, values):
    return _rows(texts.RIGHTS, language, values)


def _consent(case, language, values):
    return _rows(texts.CONSENT, language, values)


def _decision(case, language, values):
    from victimcare.identification import services as identification
    from victimcare.identification.models import Decision
    from victimcare.support import services as support
    from victimcare.support.rules import PeriodKind

    assessment = identification.latest_assessment(case.id)
    if assessment is None:
        raise DocumentNotReady(_("There is no decision on this case yet: the document can be "
                                 "made once the assessment is recorded."))
    values = {**values, "decided_on": assessment.decided_at.astimezone(
        clock.LOCAL_ZONE).date(), "authority": langs.Text(
        texts.AUTHORITIES[assessment.authority.value])}
    victim = assessment.decision == Decision.VICTIM
    blocks = [texts.DECISION_TITLE,
              texts.DECISION_VICTIM if victim else texts.DECISION_NOT_VICTIM]
    if victim:
        periods = support.periods_of(case)
        current = support.support_of(case)["current"]  # the running period
        if current is not None:
            values.update(starts_on=current.starts_on, ends_on=current.ends_on)
            blocks += (texts.REFLECTION_PERIOD if current.kind == PeriodKind.REFLECTION
                       else texts.RESTITUTION_PERIOD)
        elif periods and periods[-1].ended_on is not None:
            last = periods[-1]
            values.update(ended_on=last.ended_on)
            blocks += [texts.PERIOD_ENDED[last.kind.value], texts.PERIOD_ENDED_NEXT]
        else:
            blocks.append(texts.NO_PERIOD_YET)
    else:
        blocks += texts.NOT_VICTIM_NEXT
    blocks.append(texts.DECISION_CLOSING)
    return _rows(blocks, language, values)


def _plan(case, language, values):
    from victimcare.returns import services as returns
    from victimcare.returns.rules import ReturnStatus

    prepared = returns.current_return(case)
    drawn_up = prepared is not None and prepared.status not in (
        ReturnStatus.OFFERED, ReturnStatus.DECLINED, ReturnStatus.STOPPED) and (
        prepared.partner_id is not None or prepared.activity or prepared.lines)
    if not drawn_up:
        raise DocumentNotReady(_("There is no reintegration plan on this case yet: the "
                                 "document can be made once the plan is drawn up."))
    approved = prepared.status in (ReturnStatus.APPROVED, ReturnStatus.DEPARTED,
                                   ReturnStatus.CLOSED)
    values = {**values, "country": langs.Country(prepared.destination_country),
              "partner": prepared.partner.name if prepared.partner else langs.Text(
                  texts.PARTNER_NOT_CHOSEN)}
    rows = _rows(texts.PLAN[:1], language, values)
    if not approved:  # the person must not take a plan still open to change as final
        rows += _rows([texts.PLAN_DRAFT], language, values)
    rows += _rows(texts.PLAN[1:], language, values)
    if prepared.activity:
        rows.append(Row("free", prepared.activity))
    rows += _rows([texts.PLAN_BUDGET], language, values)
    lines = [line for line in prepared.lines if line.amount_ore]
    if not lines:
        rows += _rows([texts.PLAN_NO_BUDGET], language, values)
    bilingual = language != langs.ALONGSIDE
    order = list(texts.BUDGET_CATEGORIES)
    for line in sorted(lines, key=lambda line: order.index(line.category.value)):
        label = texts.BUDGET_CATEGORIES[line.category.value]
        amount = langs.Money(line.amount_ore)
        rows.append(Row("amount", _translate(label, language, values),
                        _translate(label, langs.ALONGSIDE, values) if bilingual else None,
                        amount.written(language),
                        amount.written(langs.ALONGSIDE) if bilingual else None))
    if lines:
        total = langs.Money(sum(line.amount_ore for line in lines))
        rows.append(Row("total", _translate(texts.PLAN_TOTAL, language, values),
                        _translate(texts.PLAN_TOTAL, langs.ALONGSIDE, values)
                        if bilingual else None,
                        total.written(language),
                        total.written(langs.ALONGSIDE) if bilingual else None))
    return rows + _rows(texts.PLAN_AFTER, language, values)


def generated(case: Case, actor: User, document: Document, as_pdf: bool) -> None:
    """Audit that a document with the person's data was made (and in which language)."""
    audit.record(actor, "document.generated", "case", case.id, case_id=case.id,
                 details={"document": document.kind, "language": document.language,
                          "pdf": as_pdf})


# --- interview support ----------------------------------------------------------------------


def _both(kind: str, msgid: str, language: str) -> Row:
    """A text without values, in ``language`` and (unless that is Danish) in Danish."""
    return Row(kind, _translate(msgid, language, {}),
               _translate(msgid, langs.ALONGSIDE, {}) if language != langs.ALONGSIDE else None)


def interview_questions(language: str) -> list[tuple[Row, list[Row]]]:
    """The 1a form's questions in ``language`` next to Danish, for the interpreter."""
    _check_language(language)
    return [(_both("h2", heading, language), [_both("li", q, language) for q in questions])
            for heading, questions in texts.INTERVIEW_QUESTIONS]


def interview_header(language: str) -> list[Row]:
    return [_both("title", texts.INTERVIEW_TITLE, language),
            _both("strong", texts.INTERVIEW_INTRO, language)]


# --- signed consents ------------------------------------------------------------------------


def record_consent(case: Case, actor: User, *, language: str, signed_on: date,
                   police_sharing: bool, data_processing: bool,
                   interpreter: str = "") -> SignedConsent:
    """Record the signed consent document, with the language it was given in."""
    _check_language(language)
    if signed_on > clock.today():
        raise RuleViolation(_("This date is in the future. Give the day it was signed."),
                            field="signed_on")
    consent = SignedConsent(case_id=case.id, language=language, signed_on=signed_on,
                            police_sharing=police_sharing, data_processing=data_processing,
                            interpreter=interpreter, recorded_by_id=actor.id)
    db.session.add(consent)
    db.session.flush()
    audit.record(actor, "consent.recorded", "signed_consent", consent.id, case_id=case.id,
                 details={"language": language, "police_sharing": police_sharing,
                          "data_processing": data_processing})
    return consent


def consents_of(case: Case) -> list[SignedConsent]:
    return list(db.session.scalars(sa.select(SignedConsent).where(
        SignedConsent.case_id == case.id).order_by(SignedConsent.signed_on,
                                                   SignedConsent.id)))


def latest_consent(case_id: int) -> SignedConsent | None:
    return db.session.scalar(sa.select(SignedConsent).where(
        SignedConsent.case_id == case_id).order_by(SignedConsent.signed_on.desc(),
                                                   SignedConsent.id.desc()).limit(1))
