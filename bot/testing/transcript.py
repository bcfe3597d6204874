"""``ally transcript``: one conversation as a readable, time-ordered record for study files."""

from __future__ import annotations

import json
import sqlite3
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa

from bot.clock import as_utc
from bot.errors import AllyError
from bot.storage.engine import Database
from bot.storage.tables import alliance_signals, conversation_messages, escalations


class TranscriptError(AllyError):
    """The conversation cannot be found or read."""


@dataclass(frozen=True)
class Line:
    """One entry of the transcript."""

    at: float  # seconds since the epoch
    who: str  # person, bot, action, risk, escalation, alliance, supporter
    text: str


def load_events(
    conversation_id: str, *, tracker_db: Path | str, rasa_url: str | None, token: str
) -> list[dict[str, Any]]:
    """Read the conversation's tracker events.

    From the Rasa API if a URL is given, else from the tracker store (which works while the
    stack is stopped): ``tracker_db`` is the SQLite file, or the store's database URL
    (``Settings.tracker_store``; scale-out: PostgreSQL database ``rasa``).

    Raises:
        TranscriptError: when neither source has the conversation.
    """
    if rasa_url:
        url = f"{rasa_url.rstrip('/')}/conversations/{quote(conversation_id, safe='')}/tracker"
        if not url.startswith(("http://", "https://")):
            raise TranscriptError(f"--rasa-url must be an http(s) URL, got {rasa_url!r}")
        try:
            with urllib.request.urlopen(f"{url}?token={quote(token)}", timeout=30) as resp:  # noqa: S310
                events = list(json.load(resp).get("events") or [])
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise TranscriptError(
                f"cannot read the tracker from Rasa at {rasa_url}: {exc}"
            ) from None
    else:
        events = _events_from_store(conversation_id, tracker_db)
    if not any(e.get("event") in ("user", "bot") for e in events):
        raise TranscriptError(f"no conversation {conversation_id!r} in the tracker store")
    return events


def _events_from_store(conversation_id: str, store: Path | str) -> list[dict[str, Any]]:
    if isinstance(store, Path):
        return _events_from_file(conversation_id, store)
    url = sa.engine.make_url(store)
    if url.get_backend_name() == "sqlite":
        return _events_from_file(conversation_id, Path(url.database or ""))
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT data FROM events WHERE sender_id = :sender ORDER BY id"),
                {"sender": conversation_id},
            ).fetchall()
    except sa.exc.SQLAlchemyError as exc:
        where = url.render_as_string(hide_password=True)
        raise TranscriptError(
            f"cannot read the tracker store {where}: {exc.__class__.__name__}"
        ) from None
    finally:
        engine.dispose()
    return [json.loads(data) for (data,) in rows]


def _events_from_file(conversation_id: str, path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise TranscriptError(f"no tracker store at {path} (use --rasa-url for a running stack)")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as connection:
            rows = connection.execute(
                "SELECT data FROM events WHERE sender_id = ? ORDER BY id", (conversation_id,)
            ).fetchall()
    except sqlite3.Error as exc:
        raise TranscriptError(f"cannot read the tracker store {path}: {exc}") from None
    return [json.loads(data) for (data,) in rows]


def build_transcript(
    conversation_id: str, events: list[dict[str, Any]], database_url: str
) -> list[Line]:
    """Merge tracker events with the database's escalations, signals and supporter messages."""
    lines = lines_from_events(events)
    database = Database.from_url(database_url)
    try:
        lines += database.run_sync(_database_lines, conversation_id=conversation_id)
    except sa.exc.SQLAlchemyError as exc:
        raise TranscriptError(f"cannot read the Ally database: {exc.__class__.__name__}") from None
    finally:
        database.close()
    return sorted(lines, key=lambda line: line.at)


def lines_from_events(events: list[dict[str, Any]]) -> list[Line]:
    """Transcript lines for the person's messages, intents, risk, actions and bot texts."""
    lines: list[Line] = []
    for event in events:
        at = float(event.get("timestamp") or 0)
        kind = event.get("event")
        if kind == "user":
            parse = event.get("parse_data") or {}
            intent = parse.get("intent") or {}
            confidence = intent.get("confidence")
            score = f" {float(confidence):.2f}" if confidence is not None else ""
            lines.append(Line(at, "person", f"{event.get('text')}  [{intent.get('name')}{score}]"))
            risk = parse.get("risk") or {}
            if risk.get("risk"):
                categories = ", ".join(risk.get("categories") or [])
                lines.append(Line(at, "risk", f"{risk.get('severity')}: {categories}"))
        elif kind == "bot":
            lines.append(Line(at, "bot", str(event.get("text") or "")))
        elif kind == "action" and event.get("name") not in (None, "action_listen"):
            lines.append(Line(at, "action", str(event["name"])))
    return lines


def _database_lines(connection: Any, *, conversation_id: str) -> list[Line]:
    lines: list[Line] = []
    for row in connection.execute(
        sa.select(escalations).where(escalations.c.conversation_id == conversation_id)
    ):
        lines.append(
            Line(
                _seconds(row.created_at),
                "escalation",
                f"{row.kind} {row.severity} [{', '.join(row.categories or [])}]"
                f" status {row.status}",
            )
        )
    for row in connection.execute(
        sa.select(alliance_signals).where(alliance_signals.c.conversation_id == conversation_id)
    ):
        lines.append(
            Line(
                _seconds(row.created_at),
                "alliance",
                f"{row.dimension} {row.value:+g} ({row.source}: {row.cue})",
            )
        )
    for row in connection.execute(
        sa.select(conversation_messages).where(
            conversation_messages.c.conversation_id == conversation_id
        )
    ):
        who = f"supporter {row.author}" if row.sender == "supporter" else "person (to supporter)"
        lines.append(Line(_seconds(row.created_at), who, row.text))
    return lines


def _seconds(value: datetime) -> float:
    return as_utc(value).timestamp()


def _time(at: float) -> str:
    return datetime.fromtimestamp(at, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def to_text(lines: list[Line]) -> str:
    """Plain text: one entry per line (continuation lines indented)."""
    out = []
    for line in lines:
        first, *rest = line.text.splitlines() or [""]
        out.append(f"{_time(line.at)}  {line.who:<10}  {first}")
        out.extend(f"{'':31}{more}" for more in rest)
    return "\n".join(out)


def to_markdown(lines: list[Line], conversation_id: str | None = None) -> str:
    """Markdown: a table with time (UTC), who and what."""
    title = f"# Transcript {conversation_id}\n\n" if conversation_id else "# Transcript\n\n"
    rows = ["| Time (UTC) | Who | What |", "| --- | --- | --- |"]
    for line in lines:
        what = line.text.replace("|", "\\|").replace("\n", "<br>")
        rows.append(f"| {_time(line.at)} | {line.who} | {what} |")
    return title + "\n".join(rows) + "\n"
