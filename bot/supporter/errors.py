"""Domain errors of the supporter service layer; views map each to one HTTP status."""

from __future__ import annotations


class SupporterError(Exception):
    """Base class: the message is one plain line that is safe to show."""


class NotFoundError(SupporterError):
    """The escalation or account does not exist."""


class ConflictError(SupporterError):
    """The record is not in a state that allows the change (for example, already claimed)."""


class ForbiddenError(SupporterError):
    """The account may not make this change."""


class InvalidInputError(SupporterError):
    """A value is missing, of the wrong type or out of range."""
