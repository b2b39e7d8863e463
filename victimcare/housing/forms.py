"""Forms of housing: the facility register, placing a person, ending a stay."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from victimcare.forms import NoControlCharacters, day_not_in_the_future
from victimcare.housing.labels import (
    AGE_LABELS,
    END_LABELS,
    GENDER_LABELS,
    KIND_LABELS,
    PAYER_LABELS,
    RESIDENCE_LABELS,
)
from victimcare.housing.models import NAME_MAX, PLACES_MAX, PRICE_MAX_DKK, TEXT_MAX
from victimcare.housing.rules import ORE_PER_KRONE, EndReason
from victimcare.i18n import _l

_required = DataRequired(message=_l("This field is required."))

def _choices(pairs):
    return [SelectChoice(key, text) for key, text in pairs]


def _text(label_, required=False, max_length=NAME_MAX):
    return StringField(label_, validators=[_required if required else Optional(),
                                           Length(max=max_length), NoControlCharacters()])


_AMOUNT = re.compile(r"\d+(?:[.,]\d+)*")


def parse_dkk(text: str | None) -> int | None:
    """An amount typed in kroner, Danish or English style ("1.339,50", "1,339.50", "1339"),
    as øre. None for an empty field; ValueError for anything else that is not an amount."""
    text = (text or "").strip().lower().replace("kr.", "").replace("kr", "").replace(
        "dkk", "").replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if not _AMOUNT.fullmatch(text):
        raise ValueError(text)
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal_mark == "," else ",", "").replace(decimal_mark, ".")
    else:
        mark = "," if "," in text else "." if "." in text else None
        if mark is not None:
            parts = text.split(mark)
            if len(parts) > 2 or len(parts[-1]) == 3:  # thousands: 1.339 or 1,339,000
                text = "".join(parts)
            else:
                text = ".".join(parts)
    try:
        amount = Decimal(text)
        exact = amount == amount.quantize(Decimal("0.01"))  # too many digits: InvalidOperation
    except InvalidOperation:
        raise ValueError(text) from None
    if not exact:
        raise ValueError(text)
    return int(amount * ORE_PER_KRONE)


class DkkAmount:
    """Validates a price in kroner (the field keeps what was typed)."""

    def __call__(self, form, field):
        try:
            ore = parse_dkk(field.data)
        except ValueError:
            raise ValidationError(_l("Give an amount in kroner, e.g. 1339 or 1.339,50.")) from None
        if ore is not None and not 0 <= ore <= PRICE_MAX_DKK * ORE_PER_KRONE:
            raise ValidationError(_l("The price must be between 0 and %(max)s kroner.",
                                     max=f"{PRICE_MAX_DKK:,}".replace(",", ".")))


def _price(label_):
    return StringField(label_, validators=[Optional(), Length(max=20), DkkAmount()])


def _places(label_, required=False):
    return IntegerField(label_, validators=[
        InputRequired(_l("Give a number, 0 if none.")) if required else Optional(),
        NumberRange(min=0, max=PLACES_MAX, message=_l("Give a number from 0 to %(max)s.",
                                                       max=PLACES_MAX))])


class FacilityForm(FlaskForm):
    name = _text(_l("Name"), required=True)
    kind = SelectField(_l("Kind"), choices=_choices(KIND_LABELS), validators=[_required])
    operator_name = _text(_l("Operator"))
    operator_organisation_id = SelectField(
        _l("Operator's organisation in VictimCare (its workers then see the cases placed "
           "here)"), validators=[Optional()])
    town = _text(_l("Town"))
    fixed_places = _places(_l("Fixed places (leave empty if there is no set number)"))
    extra_places = _places(_l("Extra places that can be bought at peaks"), required=True)
    rooms = _text(_l("Rooms"), max_length=TEXT_MAX)
    admits_gender = RadioField(_l("Who may be placed: gender"), choices=_choices(GENDER_LABELS),
                               validators=[_required])
    age_group = RadioField(_l("Who may be placed: age"), choices=_choices(AGE_LABELS),
                           validators=[_required])
    residence_requirement = RadioField(_l("Who may be placed: residence"),
                                       choices=_choices(RESIDENCE_LABELS),
                                       validators=[_required])
    price = _price(_l("Price per night (DKK)"))
    price_note = _text(_l("How the price is agreed"), max_length=TEXT_MAX)
    is_active = BooleanField(_l("In use (proposed for new placements)"), default=True)
    version = HiddenField()

    def __init__(self, *args, operators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.operator_organisation_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(o.id), o.name) for o in operators]

    def _chosen_operator(self) -> str:
        """The operator organisation's id as sent ("" for none; only spaces is none)."""
        return str(self.operator_organisation_id.data or "").strip()

    def validate_operator_organisation_id(self, field):
        chosen = self._chosen_operator()
        if chosen and chosen not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose an organisation from the list."))

    def data_for_service(self) -> dict:
        operator = self._chosen_operator()
        return {
            "name": self.name.data, "kind": self.kind.data,
            "operator_name": (self.operator_name.data or "").strip(),
            "operator_organisation_id": int(operator) if operator else None,
            "town": (self.town.data or "").strip(), "fixed_places": self.fixed_places.data,
            "extra_places": self.extra_places.data, "rooms": (self.rooms.data or "").strip(),
            "admits_gender": self.admits_gender.data, "age_group": self.age_group.data,
            "residence_requirement": self.residence_requirement.data,
            "price_per_night_ore": parse_dkk(self.price.data),
            "price_note": (self.price_note.data or "").strip(),
            "is_active": bool(self.is_active.data),
        }


class PlacementForm(FlaskForm):
    facility_id = RadioField(_l("Facility"), validators=[_required])
    start_date = DateField(_l("Moves in on"), validators=[
        InputRequired(_l("Give a date, e.g. 2026-03-02.")), day_not_in_the_future])
    price = _price(_l("Price per night (DKK), if not the facility's usual price"))
    payer = SelectField(_l("Who pays"), choices=[SelectChoice("", "—"),
                                                 *_choices(PAYER_LABELS)],
                        validators=[Optional()])
    confirm_extra_place = BooleanField(
        _l("I confirm the overbooking: buy an extra place for the person"))
    #: The version of the stay the person leaves (a move), to refuse a concurrent change.
    current_version = HiddenField()


class EndPlacementForm(FlaskForm):
    end_date = DateField(_l("Left on"), validators=[
        InputRequired(_l("Give a date, e.g. 2026-03-02.")), day_not_in_the_future])
    reason = RadioField(_l("Why the stay ended"),
                        choices=_choices([p for p in END_LABELS if p[0] != EndReason.MOVED]),
                        validators=[_required])
    version = HiddenField()


class FollowUpForm(FlaskForm):
    """Only the CSRF token: the contact person has followed up on a disappearance."""
