"""Initial schema: mood ratings, escalations and flagged messages, supporter accounts, sessions.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mood_ratings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("rating", sa.SmallInteger, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rating BETWEEN 0 AND 10", name="ck_mood_ratings_rating_range"),
    )
    op.create_index("ix_mood_ratings_conversation_id", "mood_ratings", ["conversation_id"])

    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("message_id", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False, server_default="risk"),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("categories", sa.JSON, nullable=False),
        sa.Column("matches", sa.JSON, nullable=False),
        sa.Column("excerpt", sa.String(280), nullable=False, server_default=""),
        sa.Column("context", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="open"),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("message_id", name="uq_escalations_message_id"),
        sa.CheckConstraint(
            "status IN ('open', 'claimed', 'resolved')", name="ck_escalations_status_valid"
        ),
    )
    op.create_index("ix_escalations_conversation_id", "escalations", ["conversation_id"])
    op.create_index("ix_escalations_status", "escalations", ["status"])
    op.create_index(
        "uq_escalations_one_open_risk",
        "escalations",
        ["conversation_id"],
        unique=True,
        sqlite_where=sa.text("kind = 'risk' AND status != 'resolved'"),
        postgresql_where=sa.text("kind = 'risk' AND status != 'resolved'"),
    )

    op.create_table(
        "escalation_messages",
        sa.Column("message_id", sa.String(128), primary_key=True),
        sa.Column(
            "escalation_id",
            sa.Integer,
            sa.ForeignKey(
                "escalations.id",
                ondelete="CASCADE",
                name="fk_escalation_messages_escalation_id_escalations",
            ),
            nullable=False,
        ),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("categories", sa.JSON, nullable=False),
        sa.Column("matches", sa.JSON, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_escalation_messages_escalation_id", "escalation_messages", ["escalation_id"]
    )

    op.create_table(
        "supporters",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("username", name="uq_supporters_username"),
        sa.CheckConstraint(
            "role IN ('supporter', 'admin', 'researcher')", name="ck_supporters_role_valid"
        ),
    )

    op.create_table(
        "supporter_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column(
            "supporter_id",
            sa.Integer,
            sa.ForeignKey(
                "supporters.id",
                ondelete="CASCADE",
                name="fk_supporter_sessions_supporter_id_supporters",
            ),
            nullable=False,
        ),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_supporter_sessions_supporter_id", "supporter_sessions", ["supporter_id"])


def downgrade() -> None:
    op.drop_index("ix_supporter_sessions_supporter_id", table_name="supporter_sessions")
    op.drop_table("supporter_sessions")
    op.drop_table("supporters")
    op.drop_index("ix_escalation_messages_escalation_id", table_name="escalation_messages")
    op.drop_table("escalation_messages")
    op.drop_index("uq_escalations_one_open_risk", table_name="escalations")
    op.drop_index("ix_escalations_status", table_name="escalations")
    op.drop_index("ix_escalations_conversation_id", table_name="escalations")
    op.drop_table("escalations")
    op.drop_index("ix_mood_ratings_conversation_id", table_name="mood_ratings")
    op.drop_table("mood_ratings")
