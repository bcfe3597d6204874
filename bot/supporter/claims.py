"""Claim, unclaim, note and resolve: each a single transaction with its audit row.

Run these through ``Database.run``; the conditional UPDATEs in ``bot.storage.escalations``
decide races, so exactly one of two simultaneous claims wins on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Connection

from bot.storage import escalations as store
from bot.storage.audit import record_audit
from bot.supporter.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError

MAX_NOTE_CHARS = 4000


@dataclass(frozen=True)
class Actor:
    """Who is acting: a username and a role."""

    username: str
    role: str

    @property
    def is_admin(self) -> bool:
        """Admins may release or resolve anyone's claim."""
        return self.role == "admin"


def _existing(connection: Connection, escalation_id: int) -> store.Escalation:
    found = store.get_escalation(connection, escalation_id=escalation_id)
    if found is None:
        raise NotFoundError(f"no escalation with id {escalation_id}")
    return found


def _audit(
    connection: Connection, actor: Actor, action: str, escalation_id: int, **detail: str
) -> None:
    record_audit(
        connection,
        actor=actor.username,
        action=action,
        target_type="escalation",
        target_id=escalation_id,
        detail=detail,
    )


def claim(connection: Connection, *, escalation_id: int, actor: Actor) -> store.Escalation:
    """Claim an open escalation.

    Raises:
        NotFoundError: unknown id.
        ConflictError: someone else claimed it first, or it is resolved.
    """
    if not store.claim_escalation(
        connection, escalation_id=escalation_id, supporter=actor.username
    ):
        current = _existing(connection, escalation_id)
        if current.status == "claimed":
            raise ConflictError(f"already claimed by {current.claimed_by}")
        raise ConflictError(f"escalation is {current.status}")
    _audit(connection, actor, "escalation.claim", escalation_id)
    return _existing(connection, escalation_id)


def unclaim(connection: Connection, *, escalation_id: int, actor: Actor) -> store.Escalation:
    """Release a claim: the claimer's own, or anyone's for an admin.

    Raises:
        NotFoundError: unknown id.
        ForbiddenError: claimed by someone else and the actor is not an admin.
        ConflictError: not claimed.
    """
    owner = None if actor.is_admin else actor.username
    if not store.unclaim_escalation(connection, escalation_id=escalation_id, supporter=owner):
        current = _existing(connection, escalation_id)
        if current.status == "claimed":
            raise ForbiddenError(
                f"claimed by {current.claimed_by}; only they or an admin can release it"
            )
        raise ConflictError(f"escalation is {current.status}, not claimed")
    _audit(connection, actor, "escalation.unclaim", escalation_id)
    return _existing(connection, escalation_id)


def clean_note(text: object) -> str:
    """Return a note's text, stripped, or raise InvalidInputError."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidInputError("note text must be a non-empty string")
    text = text.strip()
    if len(text) > MAX_NOTE_CHARS:
        raise InvalidInputError(f"note text must be at most {MAX_NOTE_CHARS} characters")
    if "\x00" in text:
        raise InvalidInputError("note text must not contain NUL characters")
    return text


def add_note(connection: Connection, *, escalation_id: int, actor: Actor, text: str) -> store.Note:
    """Add a note (any supporter, any status).

    Raises:
        NotFoundError: unknown id.
        InvalidInputError: empty or oversized text.
    """
    text = clean_note(text)
    _existing(connection, escalation_id)
    note = store.add_note(connection, escalation_id=escalation_id, author=actor.username, text=text)
    _audit(connection, actor, "escalation.note", escalation_id)
    return note


def resolve(
    connection: Connection,
    *,
    escalation_id: int,
    actor: Actor,
    outcome: str,
    note: str | None = None,
) -> store.Escalation:
    """Resolve an escalation with an outcome and an optional note.

    Raises:
        NotFoundError: unknown id.
        InvalidInputError: unknown outcome or bad note.
        ForbiddenError: claimed by someone else and the actor is not an admin.
        ConflictError: already resolved.
    """
    if outcome not in store.OUTCOMES:
        raise InvalidInputError(f"outcome must be one of {', '.join(store.OUTCOMES)}")
    text = None if note is None else clean_note(note)
    owner = None if actor.is_admin else actor.username
    done = store.resolve_escalation(
        connection, escalation_id=escalation_id, outcome=outcome, supporter=owner
    )
    if not done:
        current = _existing(connection, escalation_id)
        if current.status == "claimed":
            raise ForbiddenError(
                f"claimed by {current.claimed_by}; only they or an admin can resolve it"
            )
        raise ConflictError(f"escalation is {current.status}")
    if text is not None:
        store.add_note(connection, escalation_id=escalation_id, author=actor.username, text=text)
    _audit(connection, actor, "escalation.resolve", escalation_id, outcome=outcome)
    return _existing(connection, escalation_id)
