"""Domain errors raised by services; edges turn them into field errors or JSON."""

from django.core.exceptions import ValidationError


class TransitionError(ValidationError):
    """A state machine was asked for a move it does not allow."""


class NotVisible(Exception):
    """The record does not exist or the user may not see it (callers answer 404 either way)."""


class LockedError(ValidationError):
    """The record is locked (e.g. a signed note): it can no longer change (API: 409)."""
