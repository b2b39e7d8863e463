"""Validators and fields shared by every module's forms."""

from __future__ import annotations

import re
from datetime import date, timedelta

from wtforms import ValidationError

from victimcare import clock
from victimcare.i18n import _l

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f]")


class NoControlCharacters:
    """Refuse control characters (a pasted NUL byte or escape sequence); a multi-line field
    keeps newlines and tabs."""

    def __init__(self, multiline: bool = False):
        self.pattern = _CONTROL if multiline else _CONTROL_SINGLE_LINE

    def __call__(self, form, field) -> None:
        if isinstance(field.data, str) and self.pattern.search(field.data):
            raise ValidationError(_l("Remove the invisible control characters from this field."))


def day_not_in_the_future(form, field) -> None:
    """A date that has happened: no later than today where the users are."""
    if isinstance(field.data, date) and field.data > clock.today():
        raise ValidationError(_l("This date is in the future. Give the day it happened."))


def day_within_a_year(form, field) -> None:
    """No more than a year back: an older date is a typo in the year, not a real case."""
    if isinstance(field.data, date) and field.data < clock.today() - timedelta(days=366):
        raise ValidationError(_l("This date is more than a year ago. Check the year."))


def plausible_date_of_birth(form, field) -> None:
    """A date of birth of someone alive: not in the future, not before 1900 (a typo)."""
    if not isinstance(field.data, date):
        return
    if field.data > clock.today():
        raise ValidationError(_l("This date is in the future. Check the date of birth."))
    if field.data.year < 1900:
        raise ValidationError(_l("This date is too far back. Check the year."))
