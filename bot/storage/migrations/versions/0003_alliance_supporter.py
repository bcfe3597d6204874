"""Alliance signals, surveys, sessions, audit log; supporter notes, takeovers, webhook outbox.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NOW = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("escalations", sa.Column("claimed_at", NOW, nullable=True))
    op.create_index("ix_escalations_updated_at", "escalations", ["updated_at"])

    op.create_table(
        "conversation_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("started_at", NOW, nullable=False),
        sa.Column("last_seen_at", NOW, nullable=False),
        sa.Column("turns", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index(
        "ix_conversation_sessions_conversation_started",
        "conversation_sessions",
        ["conversation_id", "started_at"],
    )

    op.create_table(
        "alliance_signals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("event_id", sa.String(128), nullable=True),
        sa.Column("dimension", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("cue", sa.String(48), nullable=False),
        sa.Column("created_at", NOW, nullable=False),
        sa.CheckConstraint(
            "dimension IN ('bond', 'goal', 'task', 'engagement')",
            name="ck_alliance_signals_dimension_valid",
        ),
        sa.CheckConstraint(
            "source IN ('survey', 'behaviour')", name="ck_alliance_signals_source_valid"
        ),
    )
    op.create_index(
        "ix_alliance_signals_conversation_created",
        "alliance_signals",
        ["conversation_id", "created_at"],
    )
    op.create_index(
        "ix_alliance_signals_dimension_created", "alliance_signals", ["dimension", "created_at"]
    )

    op.create_table(
        "survey_administrations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("instrument", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("scores", sa.JSON, nullable=True),
        sa.Column("started_at", NOW, nullable=False),
        sa.Column("ended_at", NOW, nullable=True),
        sa.CheckConstraint(
            "status IN ('in_progress', 'completed', 'skipped', 'abandoned')",
            name="ck_survey_administrations_status_valid",
        ),
    )
    op.create_index(
        "ix_survey_administrations_conversation_started",
        "survey_administrations",
        ["conversation_id", "started_at"],
    )

    op.create_table(
        "survey_responses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "administration_id",
            sa.Integer,
            sa.ForeignKey(
                "survey_administrations.id",
                ondelete="CASCADE",
                name="fk_survey_responses_administration_id_survey_administrations",
            ),
            nullable=False,
        ),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("item_id", sa.String(32), nullable=False),
        sa.Column("subscale", sa.String(16), nullable=False),
        sa.Column("value", sa.SmallInteger, nullable=False),
        sa.Column("created_at", NOW, nullable=False),
        sa.UniqueConstraint("administration_id", "item_id", name="uq_survey_responses_item"),
    )
    op.create_index(
        "ix_survey_responses_administration_id", "survey_responses", ["administration_id"]
    )
    op.create_index("ix_survey_responses_conversation_id", "survey_responses", ["conversation_id"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(48), nullable=False),
        sa.Column("target_type", sa.String(32), nullable=False),
        sa.Column("target_id", sa.String(128), nullable=True),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.Column("created_at", NOW, nullable=False),
    )
    op.create_index("ix_audit_log_created", "audit_log", ["created_at"])
    op.create_index("ix_audit_log_target", "audit_log", ["target_type", "target_id"])

    op.create_table(
        "escalation_notes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "escalation_id",
            sa.Integer,
            sa.ForeignKey(
                "escalations.id",
                ondelete="CASCADE",
                name="fk_escalation_notes_escalation_id_escalations",
            ),
            nullable=False,
        ),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", NOW, nullable=False),
    )
    op.create_index("ix_escalation_notes_escalation_id", "escalation_notes", ["escalation_id"])

    op.create_table(
        "takeovers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("supporter", sa.String(64), nullable=False),
        sa.Column("started_at", NOW, nullable=False),
        sa.Column("ended_at", NOW, nullable=True),
    )
    op.create_index("ix_takeovers_conversation_id", "takeovers", ["conversation_id"])
    op.create_index(
        "uq_takeovers_one_active",
        "takeovers",
        ["conversation_id"],
        unique=True,
        sqlite_where=sa.text("ended_at IS NULL"),
        postgresql_where=sa.text("ended_at IS NULL"),
    )

    op.create_table(
        "conversation_messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("message_id", sa.String(128), nullable=False),
        sa.Column("sender", sa.String(16), nullable=False),
        sa.Column("author", sa.String(64), nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", NOW, nullable=False),
        sa.CheckConstraint(
            "sender IN ('person', 'supporter')", name="ck_conversation_messages_sender_valid"
        ),
        sa.UniqueConstraint("message_id", name="uq_conversation_messages_message_id"),
    )
    op.create_index(
        "ix_conversation_messages_conversation_created",
        "conversation_messages",
        ["conversation_id", "created_at"],
    )

    op.create_table(
        "webhook_outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column(
            "escalation_id",
            sa.Integer,
            sa.ForeignKey(
                "escalations.id",
                ondelete="CASCADE",
                name="fk_webhook_outbox_escalation_id_escalations",
            ),
            nullable=True,
        ),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", NOW, nullable=False),
        sa.Column("last_error", sa.String(255), nullable=True),
        sa.Column("created_at", NOW, nullable=False),
        sa.Column("sent_at", NOW, nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'failed')", name="ck_webhook_outbox_status_valid"
        ),
        sa.UniqueConstraint("event", "escalation_id", name="uq_webhook_outbox_event"),
    )
    op.create_index("ix_webhook_outbox_due", "webhook_outbox", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_webhook_outbox_due", table_name="webhook_outbox")
    op.drop_table("webhook_outbox")
    op.drop_index(
        "ix_conversation_messages_conversation_created", table_name="conversation_messages"
    )
    op.drop_table("conversation_messages")
    op.drop_index("uq_takeovers_one_active", table_name="takeovers")
    op.drop_index("ix_takeovers_conversation_id", table_name="takeovers")
    op.drop_table("takeovers")
    op.drop_index("ix_escalation_notes_escalation_id", table_name="escalation_notes")
    op.drop_table("escalation_notes")
    op.drop_index("ix_audit_log_target", table_name="audit_log")
    op.drop_index("ix_audit_log_created", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_survey_responses_conversation_id", table_name="survey_responses")
    op.drop_index("ix_survey_responses_administration_id", table_name="survey_responses")
    op.drop_table("survey_responses")
    op.drop_index(
        "ix_survey_administrations_conversation_started", table_name="survey_administrations"
    )
    op.drop_table("survey_administrations")
    op.drop_index("ix_alliance_signals_dimension_created", table_name="alliance_signals")
    op.drop_index("ix_alliance_signals_conversation_created", table_name="alliance_signals")
    op.drop_table("alliance_signals")
    op.drop_index(
        "ix_conversation_sessions_conversation_started", table_name="conversation_sessions"
    )
    op.drop_table("conversation_sessions")
    op.drop_index("ix_escalations_updated_at", table_name="escalations")
    with op.batch_alter_table("escalations") as batch:
        batch.drop_column("claimed_at")
