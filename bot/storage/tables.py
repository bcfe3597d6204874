"""Table definitions (SQLAlchemy Core). Migrations create them: never create_all."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)

mood_ratings = sa.Table(
    "mood_ratings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("conversation_id", sa.String(128), nullable=False, index=True),
    sa.Column("rating", sa.SmallInteger, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("rating BETWEEN 0 AND 10", name="rating_range"),
)

escalations = sa.Table(
    "escalations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("conversation_id", sa.String(128), nullable=False, index=True),
    # The web app and the action both key on the message id, so neither creates a duplicate.
    sa.Column("message_id", sa.String(128), nullable=False, unique=True),
    sa.Column("kind", sa.String(16), nullable=False, server_default="risk"),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("categories", sa.JSON, nullable=False),
    sa.Column("matches", sa.JSON, nullable=False),
    sa.Column("excerpt", sa.String(280), nullable=False, server_default=""),
    sa.Column("context", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, server_default="open", index=True),
    sa.Column("claimed_by", sa.String(64), nullable=True),
    sa.Column("outcome", sa.String(32), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # Indexed (migration 0003): the supporter app's watcher polls for rows changed since a time.
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
    # Migration 0003: when the current claim was made, for the queue's "claimed for" timer.
    sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('open', 'claimed', 'resolved')", name="status_valid"),
)
# At most one unresolved risk escalation per conversation, enforced by the database, so that
# concurrent writers (web app, action, spool replay) merge instead of duplicating.
sa.Index(
    "uq_escalations_one_open_risk",
    escalations.c.conversation_id,
    unique=True,
    sqlite_where=sa.text("kind = 'risk' AND status != 'resolved'"),
    postgresql_where=sa.text("kind = 'risk' AND status != 'resolved'"),
)

# Every message that was flagged, once: its id is the idempotency key for the web app, the
# action and the spool replay. Several messages can feed one open escalation.
escalation_messages = sa.Table(
    "escalation_messages",
    metadata,
    sa.Column("message_id", sa.String(128), primary_key=True),
    sa.Column(
        "escalation_id",
        sa.Integer,
        sa.ForeignKey("escalations.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("categories", sa.JSON, nullable=False),
    sa.Column("matches", sa.JSON, nullable=False),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

supporters = sa.Table(
    "supporters",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('supporter', 'admin', 'researcher')", name="role_valid"),
)

supporter_sessions = sa.Table(
    "supporter_sessions",
    metadata,
    # Only a hash of the cookie token is stored, so a database leak does not leak sessions.
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column(
        "supporter_id",
        sa.Integer,
        sa.ForeignKey("supporters.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
)

# --- Dialogue (migration 0002) ------------------------------------------------------------------

participants = sa.Table(
    "participants",
    metadata,
    # The conversation id is the only identity Ally has: no account, no contact details.
    sa.Column("conversation_id", sa.String(128), primary_key=True),
    sa.Column("display_name", sa.String(64), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

checkins = sa.Table(
    "checkins",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("conversation_id", sa.String(128), nullable=False),
    sa.Column("mood", sa.SmallInteger, nullable=True),
    sa.Column("emotions", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    # The last step reached: where an abandoned check-in stopped.
    sa.Column("step", sa.String(32), nullable=True),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("mood BETWEEN 0 AND 10", name="mood_range"),
    sa.CheckConstraint("status IN ('in_progress', 'completed', 'abandoned')", name="status_valid"),
    sa.Index("ix_checkins_conversation_started", "conversation_id", "started_at"),
)

thought_records = sa.Table(
    "thought_records",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("conversation_id", sa.String(128), nullable=False, index=True),
    sa.Column("situation", sa.Text, nullable=True),
    sa.Column("automatic_thought", sa.Text, nullable=True),
    sa.Column("emotion", sa.String(64), nullable=True),
    sa.Column("intensity_before", sa.SmallInteger, nullable=True),
    sa.Column("distortions", sa.JSON, nullable=False),
    sa.Column("evidence_for", sa.Text, nullable=True),
    sa.Column("evidence_against", sa.Text, nullable=True),
    sa.Column("balanced_thought", sa.Text, nullable=True),
    sa.Column("intensity_after", sa.SmallInteger, nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("step", sa.String(32), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("intensity_before BETWEEN 0 AND 100", name="before_range"),
    sa.CheckConstraint("intensity_after BETWEEN 0 AND 100", name="after_range"),
    sa.CheckConstraint("status IN ('completed', 'abandoned')", name="status_valid"),
)

goals = sa.Table(
    "goals",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("conversation_id", sa.String(128), nullable=False),
    sa.Column("proposed_text", sa.Text, nullable=True),
    sa.Column("text", sa.Text, nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(
        "status IN ('proposed', 'accepted', 'edited', 'rejected')", name="status_valid"
    ),
    sa.Index("ix_goals_conversation_created", "conversation_id", "created_at"),
)

tasks = sa.Table(
    "tasks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("conversation_id", sa.String(128), nullable=False),
    sa.Column("goal_id", sa.Integer, sa.ForeignKey("goals.id", ondelete="SET NULL"), nullable=True),
    sa.Column("what", sa.Text, nullable=False),
    sa.Column("when_text", sa.Text, nullable=True),
    sa.Column("obstacle", sa.Text, nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("barrier", sa.Text, nullable=True),
    sa.Column("next_step", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint(
        "status IN ('planned', 'done', 'partly_done', 'not_done')", name="status_valid"
    ),
    sa.Index("ix_tasks_conversation_status", "conversation_id", "status"),
)

scheduled_checkins = sa.Table(
    "scheduled_checkins",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("conversation_id", sa.String(128), nullable=False),
    sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
    # scheduled -> offered (the widget showed it) -> kept (a check-in started); or replaced.
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("offered_at", sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint(
        "status IN ('scheduled', 'offered', 'kept', 'replaced')", name="status_valid"
    ),
    sa.Index("ix_scheduled_checkins_due", "conversation_id", "status", "due_at"),
)

# --- Alliance, survey, audit, supporter work (migration 0003) ----------------------------------

conversation_sessions = sa.Table(
    "conversation_sessions",
    metadata,
    # One row per visit: a new session starts after ALLY's idle gap (see bot/storage/sessions.py).
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("conversation_id", sa.String(128), nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("turns", sa.Integer, nullable=False, server_default="0"),
    sa.Index("ix_conversation_sessions_conversation_started", "conversation_id", "started_at"),
)

alliance_signals = sa.Table(
    "alliance_signals",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("conversation_id", sa.String(128), nullable=False),
    # The id of the user turn that produced the signal (Rasa's message_id of that user event).
    sa.Column("event_id", sa.String(128), nullable=True),
    sa.Column("dimension", sa.String(16), nullable=False),
    sa.Column("source", sa.String(16), nullable=False),
    # Behaviour: -1, -0.5, 0, +0.5, +1 (docs/alliance.md). Survey: the subscale mean, 1-5.
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("cue", sa.String(48), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(
        "dimension IN ('bond', 'goal', 'task', 'engagement')", name="dimension_valid"
    ),
    sa.CheckConstraint("source IN ('survey', 'behaviour')", name="source_valid"),
    sa.Index("ix_alliance_signals_conversation_created", "conversation_id", "created_at"),
    sa.Index("ix_alliance_signals_dimension_created", "dimension", "created_at"),
)

survey_administrations = sa.Table(
    "survey_administrations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("conversation_id", sa.String(128), nullable=False),
    sa.Column("instrument", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    # Subscale and total means, filled in when the survey is completed.
    sa.Column("scores", sa.JSON, nullable=True),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint(
        "status IN ('in_progress', 'completed', 'skipped', 'abandoned')", name="status_valid"
    ),
    sa.Index("ix_survey_administrations_conversation_started", "conversation_id", "started_at"),
)

survey_responses = sa.Table(
    "survey_responses",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "administration_id",
        sa.Integer,
        sa.ForeignKey("survey_administrations.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("conversation_id", sa.String(128), nullable=False, index=True),
    sa.Column("item_id", sa.String(32), nullable=False),
    sa.Column("subscale", sa.String(16), nullable=False),
    sa.Column("value", sa.SmallInteger, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("administration_id", "item_id", name="uq_survey_responses_item"),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    # A supporter's username, "system", or "participant" (for a person's own deletion request).
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("action", sa.String(48), nullable=False),
    sa.Column("target_type", sa.String(32), nullable=False),
    sa.Column("target_id", sa.String(128), nullable=True),
    sa.Column("detail", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_audit_log_created", "created_at"),
    sa.Index("ix_audit_log_target", "target_type", "target_id"),
)

escalation_notes = sa.Table(
    "escalation_notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "escalation_id",
        sa.Integer,
        sa.ForeignKey("escalations.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("author", sa.String(64), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

takeovers = sa.Table(
    "takeovers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("conversation_id", sa.String(128), nullable=False, index=True),
    sa.Column("supporter", sa.String(64), nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
)
# At most one active takeover per conversation, enforced by the database.
sa.Index(
    "uq_takeovers_one_active",
    takeovers.c.conversation_id,
    unique=True,
    sqlite_where=sa.text("ended_at IS NULL"),
    postgresql_where=sa.text("ended_at IS NULL"),
)

conversation_messages = sa.Table(
    "conversation_messages",
    metadata,
    # Messages exchanged while a human has taken over (Rasa's tracker holds the bot's turns).
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("conversation_id", sa.String(128), nullable=False),
    sa.Column("message_id", sa.String(128), nullable=False, unique=True),
    sa.Column("sender", sa.String(16), nullable=False),
    sa.Column("author", sa.String(64), nullable=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("sender IN ('person', 'supporter')", name="sender_valid"),
    sa.Index("ix_conversation_messages_conversation_created", "conversation_id", "created_at"),
)

webhook_outbox = sa.Table(
    "webhook_outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("event", sa.String(32), nullable=False),
    sa.Column(
        "escalation_id",
        sa.Integer,
        sa.ForeignKey("escalations.id", ondelete="CASCADE"),
        nullable=True,
    ),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_error", sa.String(255), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status_valid"),
    sa.UniqueConstraint("event", "escalation_id", name="uq_webhook_outbox_event"),
    sa.Index("ix_webhook_outbox_due", "status", "next_attempt_at"),
)

# --- Writes made once per turn (migration 0004) --------------------------------------------------

action_writes = sa.Table(
    "action_writes",
    metadata,
    # One row per database write a custom action made for one user message, committed with the
    # write itself. A turn that runs again (a Rasa replica died before saving it, and another one
    # runs it from the start) finds its row and returns the stored result instead of writing
    # twice (bot/storage/action_writes.py).
    sa.Column("conversation_id", sa.String(128), primary_key=True),
    # The web app's id of the person's message (Rasa's own id without the web app).
    sa.Column("message_id", sa.String(128), primary_key=True),
    # Which action run of the turn: the number of actions Rasa ran after that message before it.
    sa.Column("step", sa.Integer, primary_key=True),
    # What was written (the write function's name, or a cue's).
    sa.Column("label", sa.String(96), primary_key=True),
    sa.Column("result", sa.JSON, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# --- Ally's direct question about risk (migration 0005) -------------------------------------------

risk_asks = sa.Table(
    "risk_asks",
    metadata,
    # One row each time Ally asked directly whether the person is thinking of ending their life
    # (the "ask" tier, bot/risk/tiers.py), and how it was answered. No text: researchers count
    # asks and answers; the messages themselves stay in the conversation.
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("conversation_id", sa.String(128), nullable=False),
    # The web app's id of the message that led to the question.
    sa.Column("message_id", sa.String(128), nullable=False),
    sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
    # The classifier's probability for that message, and whether the context raised it.
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("raised", sa.Boolean, nullable=False),
    sa.Column("category", sa.String(32), nullable=True),
    # yes, unsure, no, or other (an answer that was none of those); null while unanswered.
    sa.Column("answer", sa.String(16), nullable=True),
    sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint(
        "answer IS NULL OR answer IN ('yes', 'unsure', 'no', 'other')", name="answer_valid"
    ),
    sa.UniqueConstraint("message_id", name="uq_risk_asks_message"),
    sa.Index("ix_risk_asks_conversation", "conversation_id", "asked_at"),
)
