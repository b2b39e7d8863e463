"""Validators and fields shared by every module's forms."""

from __future__ import annotations

import re

from wtforms import ValidationError

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
