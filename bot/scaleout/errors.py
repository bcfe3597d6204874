"""Errors of the scale-out topology; each is one clear line for a person."""

from __future__ import annotations

from bot.errors import AllyError


class MissingBinaryError(AllyError):
    """A server the scale-out topology needs (PostgreSQL, Redis) is not installed."""


class BackendError(AllyError):
    """PostgreSQL or Redis could not be started, stopped or reached."""
