"""Forms of identification: the referral, and the tasks of workflows/identification.bpmn."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta

import pycountry
import sqlalchemy as sa
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from victimcare import clock
from victimcare.accounts.models import Organisation, OrganisationKind
from victimcare.extensions import db
from victimcare.forms import NoControlCharacters, plausible_date_of_birth
from victimcare.i18n import _l
from victimcare.identification import labels
from victimcare.identification.models import SHORT_MAX, TEXT_MAX

_required = DataRequired(message=_l("This field is required."))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _text(label, required=False, max_length=SHORT_MAX):
    return StringField(label, validators=[_required if required else Optional(),
                                          Length(max=max_length), NoControlCharacters()])


def _long_text(label, required=False):
    return TextAreaField(label, validators=[_required if required else Optional(),
                                            Length(max=TEXT_MAX),
                                            NoControlCharacters(multiline=True)])


#: Nothing this system records happened before this year (a typo, not a case).
EARLIEST_YEAR = 1990


def _not_in_the_future(form, field):
    """A time that has happened: no later than now (a few minutes' slack for clocks)."""
    if field.data and field.data.replace(tzinfo=clock.LOCAL_ZONE) > clock.now() + timedelta(
            minutes=5):
        raise ValidationError(_l("This time is in the future. Give the time it happened."))
    if field.data and field.data.year < EARLIEST_YEAR:
        raise ValidationError(_l("This time is too far back. Check the year."))


def _when(label, required=True):
    return DateTimeLocalField(label, format="%Y-%m-%dT%H:%M", validators=[
        InputRequired(_l("Give a date and time.")) if required else Optional(),
        _not_in_the_future])


def _finding(label):
    return RadioField(label, choices=labels.choices(labels.FINDINGS),
                      validators=[_required])


def as_utc(local: datetime | None) -> datetime | None:
    """A time typed in local (Copenhagen) time, as an aware UTC time."""
    if local is None:
        return None
    return local.replace(tzinfo=clock.LOCAL_ZONE).astimezone(UTC)


def to_utc(local: datetime | None) -> str | None:
    """The same as an ISO string (for process and task data, which are JSON)."""
    moment = as_utc(local)
    return moment.isoformat() if moment is not None else None


def language_choices() -> list[SelectChoice]:
    from flask_babel import get_locale

    return list(_language_choices(str(get_locale())))


def country_choices() -> list[SelectChoice]:
    from flask_babel import get_locale

    return list(_country_choices(str(get_locale())))


# The ~180 names come from CLDR and never change while the app runs: sorted once per locale.
@functools.cache
def _language_choices(_locale: str) -> tuple[SelectChoice, ...]:
    from victimcare.i18n import language_name

    codes = sorted({lang.alpha_3 for lang in pycountry.languages
                    if hasattr(lang, "alpha_2")})
    named = sorted(((language_name(c), c) for c in codes), key=lambda pair: pair[0].lower())
    return (SelectChoice("", "—"), *(SelectChoice(code, name) for name, code in named))


@functools.cache
def _country_choices(_locale: str) -> tuple[SelectChoice, ...]:
    from victimcare.i18n import country_name

    named = sorted(((country_name(c.alpha_2), c.alpha_2) for c in pycountry.countries),
                   key=lambda pair: pair[0].lower())
    return (SelectChoice("", "—"), *(SelectChoice(code, name) for name, code in named))


def interviewing_organisations() -> list[Organisation]:
    return list(db.session.scalars(sa.select(Organisation).where(
        Organisation.is_active.is_(True),
        Organisation.kind.in_([OrganisationKind.CMM, OrganisationKind.NGO]))
        .order_by(Organisation.kind, Organisation.name)))


# --- the referral --------------------------------------------------------------------------


class ReferralForm(FlaskForm):
    # The contact
    referrer = SelectField(_l("Who made contact"), choices=labels.choices(labels.REFERRERS),
                           validators=[_required])
    referrer_other = _text(_l("Who, if other"))
    channel = RadioField(_l("Channel"), choices=labels.choices(labels.CHANNELS),
                         validators=[_required])
    occurred_at = _when(_l("Date and time of the contact"))
    place = _text(_l("Place"), required=True)
    region = SelectField(_l("Region"), choices=[SelectChoice("", "—"),
                                                *labels.choices(labels.REGIONS)])
    suspected_exploitation = SelectField(_l("Suspected form of exploitation"),
                                         choices=labels.choices(labels.EXPLOITATION),
                                         validators=[_required])
    is_detained = BooleanField(_l("The person is detained"))
    detained_at = _when(_l("Detained since"), required=False)
    presented_for_expulsion = BooleanField(
        _l("The police have presented the case to the Immigration Service for "
           "possible administrative expulsion"))
    police_notified = BooleanField(_l("The police were notified"))
    cmm_notified = BooleanField(_l("CMM was notified"))
    details = _long_text(_l("Details"))
    # The person
    given_name = _text(_l("First name"), required=True)
    family_name = _text(_l("Family name"))
    alias = _text(_l("Alias (the name the person goes by)"))
    other_names = _text(_l("Other names used"))
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional(),
                                                             plausible_date_of_birth])
    estimated_age = IntegerField(_l("Estimated age, if the date of birth is not known"),
                                 validators=[Optional(), NumberRange(min=0, max=120)])
    age_in_doubt = BooleanField(_l("The age is in doubt (the person may be under 18)"))
    gender = RadioField(_l("Gender"), choices=labels.choices(labels.GENDERS),
                        validators=[_required])
    nationality = SelectField(_l("Nationality"), validators=[Optional()])
    languages = SelectMultipleField(_l("Languages spoken"), validators=[Optional()])
    language = SelectField(_l("Interview language"), validators=[Optional()])
    #: The language of the documents handed to the person (victimcare.documents).
    document_language = SelectField(_l("Language for the person's documents"),
                                    validators=[Optional()])
    residence_status = SelectField(_l("Residence status"),
                                   choices=labels.choices(labels.RESIDENCE),
                                   validators=[_required])
    contact_details = _text(_l("Contact details"))
    interview_organisation_id = SelectField(_l("Who will interview"), coerce=int,
                                            validators=[InputRequired()])
    #: Set when the caseworker has seen the likely earlier records: "new" or a person id.
    link_person = StringField(validators=[Optional(), Length(max=12)])
    no_case = BooleanField(_l("Log the contact only: it leads to no case"))

    def __init__(self, *args, actor_organisation_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.nationality.choices = country_choices()
        languages = language_choices()
        self.language.choices = languages
        self.languages.choices = languages[1:]
        from flask_babel import get_locale

        from victimcare.documents.languages import choices as document_languages

        self.document_language.choices = [
            SelectChoice("", _l("From the interview language (English if documents are "
                                "not written in it)")),
            *(SelectChoice(code, name) for code, name in document_languages(
                str(get_locale() or "da")))]
        organisations = interviewing_organisations()
        self.interview_organisation_id.choices = [
            SelectChoice(o.id, o.name) for o in organisations]
        if self.interview_organisation_id.data is None and actor_organisation_id:
            self.interview_organisation_id.data = actor_organisation_id

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.is_detained.data and not self.detained_at.data:
            self.detained_at.errors.append(_l("Give the time of detention: the 72 hours run "
                                              "from it."))
            ok = False
        if self.referrer.data == "other" and not (self.referrer_other.data or "").strip():
            self.referrer_other.errors.append(_l("Say who made contact."))
            ok = False
        if (self.date_of_birth.data is None and self.estimated_age.data is None
                and not self.age_in_doubt.data and not self.no_case.data):
            self.estimated_age.errors.append(_l("Give the date of birth, an estimated age, or "
                                                "tick that the age is in doubt."))
            ok = False
        return ok


# --- task forms ----------------------------------------------------------------------------


class RepresentativeContactForm(FlaskForm):
    contacted = RadioField(_l("Who was contacted"), choices=labels.choices(
        labels.REPRESENTATIVES), validators=[_required])
    contact_name = _text(_l("Name"), required=True)
    contacted_at = _when(_l("When"))
    notes = _long_text(_l("Notes"))


def representative_data(form) -> dict:
    return {"contacted": form.contacted.data, "contact_name": form.contact_name.data,
            "contacted_at": to_utc(form.contacted_at.data), "notes": form.notes.data or ""}


class Form1a(FlaskForm):
    """The 1a form: every interview documents the same elements (DOMAIN.md §2)."""

    held_at = _when(_l("Time of the interview"))
    place = _text(_l("Place"), required=True)
    interpreter = _text(_l("Interpreter (name, or 'none')"))
    language = SelectField(_l("Interview language"), validators=[Optional()])
    account = _long_text(_l("The person's own account (confidential)"), required=True)
    act_indicators = MultiCheckboxField(_l("Act"), choices=labels.choices(labels.ACTS))
    act_notes = _long_text(_l("Notes on the act"))
    means_indicators = MultiCheckboxField(_l("Means"), choices=labels.choices(labels.MEANS))
    means_notes = _long_text(_l("Notes on the means (not required for a child)"))
    purpose_indicators = MultiCheckboxField(_l("Purpose"),
                                            choices=labels.choices(labels.EXPLOITATION[:-1]))
    purpose_notes = _long_text(_l("Notes on the purpose"))
    trafficker_contact = _finding(_l("The trafficker still has contact with the person"))
    debt_demanded = _finding(_l("The person is still being asked to pay a debt"))
    pending_threats = _finding(_l("Threats are still being made"))
    currency_notes = _long_text(_l("Notes on whether the trafficking is ongoing"))
    recommendation = _finding(_l("Indications of trafficking"))
    recommendation_reasons = _long_text(_l("Reasons for the recommendation"), required=True)
    police_consent = RadioField(_l("The person consents to share the 1a form and the "
                                   "assessment with the police"),
                                choices=labels.choices(labels.YES_NO), validators=[_required])
    police_consent_at = _when(_l("Consent given at"), required=False)
    another_interview = BooleanField(_l("Another interview is needed"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.police_consent.data == "yes" and not self.police_consent_at.data:
            self.police_consent_at.errors.append(_l("Give when the consent was given."))
            ok = False
        return ok


def form_1a_data(form) -> dict:
    return {
        "held_at": to_utc(form.held_at.data), "place": form.place.data,
        "interpreter": form.interpreter.data,
        "language": form.language.data or None, "account": form.account.data,
        "act_indicators": form.act_indicators.data, "act_notes": form.act_notes.data,
        "means_indicators": form.means_indicators.data, "means_notes": form.means_notes.data,
        "purpose_indicators": form.purpose_indicators.data,
        "purpose_notes": form.purpose_notes.data,
        "trafficker_contact": form.trafficker_contact.data,
        "debt_demanded": form.debt_demanded.data, "pending_threats": form.pending_threats.data,
        "currency_notes": form.currency_notes.data,
        "recommendation": form.recommendation.data,
        "recommendation_reasons": form.recommendation_reasons.data,
        "police_consent": form.police_consent.data == "yes",
        "police_consent_at": to_utc(form.police_consent_at.data),
        "another_interview": bool(form.another_interview.data),
    }


class SendForm(FlaskForm):
    """The two steps of the 72-hour rule CMM records: 1a to the police, case presented."""

    police = RadioField(_l("The 1a form to the police"), choices=labels.choices(
        labels.SENDING), validators=[_required])
    police_recipient = _text(_l("Sent to (police district, person)"))
    sent_at = _when(_l("Sent at"), required=False)
    presented_at = _when(_l("Presented to the Immigration Service at"), required=False)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.police.data == "sent":
            for field in (self.police_recipient, self.sent_at):
                if not field.data:
                    field.errors.append(_l("This field is required."))
                    ok = False
        return ok


def send_data(form) -> dict:
    return {"police": form.police.data, "police_recipient": form.police_recipient.data or "",
            "sent_at": to_utc(form.sent_at.data), "presented_at": to_utc(form.presented_at.data)}


class DisclosureForm(FlaskForm):
    """A 1a form or the assessment sent to the police (outside the 72-hour steps)."""

    document = RadioField(_l("What was sent"), choices=labels.choices(labels.DOCUMENTS),
                          validators=[_required])
    recipient = _text(_l("Sent to (police district, person)"), required=True)
    sent_at = _when(_l("Sent at"))


class AssessmentForm(FlaskForm):
    decision = RadioField(_l("Decision"), choices=labels.choices(labels.DECISIONS),
                          validators=[_required])
    decided_at = _when(_l("Date of the decision"))
    act_established = _finding(_l("Act"))
    means_established = RadioField(_l("Means"), choices=labels.choices(labels.MEANS_FINDINGS),
                                   validators=[_required])
    purpose_established = _finding(_l("Purpose"))
    currently_trafficked = _finding(_l("The person is currently in a trafficking situation"))
    reasons = _long_text(_l("Reasons"), required=True)
    weighty_reasons = _long_text(_l("Weighty reasons (when deciding against CMM's "
                                    "identification)"))


def assessment_data(form) -> dict:
    return {"decision": form.decision.data, "decided_at": to_utc(form.decided_at.data),
            "act_established": form.act_established.data,
            "means_established": form.means_established.data,
            "purpose_established": form.purpose_established.data,
            "currently_trafficked": form.currently_trafficked.data,
            "reasons": form.reasons.data, "weighty_reasons": form.weighty_reasons.data or ""}


