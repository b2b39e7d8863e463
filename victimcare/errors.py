"""Exceptions that services raise and views turn into messages next to the field."""

from __future__ import annotations


class RuleViolation(Exception):
    """A domain rule refused the change; ``field`` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ConcurrentEditError(RuleViolation):
    """Someone saved the record after this form was opened."""
