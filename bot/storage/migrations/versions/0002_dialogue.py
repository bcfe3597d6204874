"""Dialogue: participants, check-ins, thought records, goals, tasks, scheduled check-ins.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "participants",
        sa.Column("conversation_id", sa.String(128), primary_key=True),
        sa.Column("display_name", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )

    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("mood", sa.SmallInteger, nullable=True),
        sa.Column("emotions", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("step", sa.String(32), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("mood BETWEEN 0 AND 10", name="ck_checkins_mood_range"),
        sa.CheckConstraint(
            "status IN ('in_progress', 'completed', 'abandoned')",
            name="ck_checkins_status_valid",
        ),
    )
    op.create_index(
        "ix_checkins_conversation_started", "checkins", ["conversation_id", "started_at"]
    )

    op.create_table(
        "thought_records",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_id", sa.String(128), nullable=False),
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
        sa.CheckConstraint(
            "intensity_before BETWEEN 0 AND 100", name="ck_thought_records_before_range"
        ),
        sa.CheckConstraint(
            "intensity_after BETWEEN 0 AND 100", name="ck_thought_records_after_range"
        ),
        sa.CheckConstraint(
            "status IN ('completed', 'abandoned')", name="ck_thought_records_status_valid"
        ),
    )
    op.create_index("ix_thought_records_conversation_id", "thought_records", ["conversation_id"])

    op.create_table(
        "goals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("proposed_text", sa.Text, nullable=True),
        sa.Column("text", sa.Text, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('proposed', 'accepted', 'edited', 'rejected')",
            name="ck_goals_status_valid",
        ),
    )
    op.create_index("ix_goals_conversation_created", "goals", ["conversation_id", "created_at"])

    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column(
            "goal_id",
            sa.Integer,
            sa.ForeignKey("goals.id", ondelete="SET NULL", name="fk_tasks_goal_id_goals"),
            nullable=True,
        ),
        sa.Column("what", sa.Text, nullable=False),
        sa.Column("when_text", sa.Text, nullable=True),
        sa.Column("obstacle", sa.Text, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("barrier", sa.Text, nullable=True),
        sa.Column("next_step", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('planned', 'done', 'partly_done', 'not_done')",
            name="ck_tasks_status_valid",
        ),
    )
    op.create_index("ix_tasks_conversation_status", "tasks", ["conversation_id", "status"])

    op.create_table(
        "scheduled_checkins",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('scheduled', 'offered', 'kept', 'replaced')",
            name="ck_scheduled_checkins_status_valid",
        ),
    )
    op.create_index(
        "ix_scheduled_checkins_due",
        "scheduled_checkins",
        ["conversation_id", "status", "due_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_scheduled_checkins_due", table_name="scheduled_checkins")
    op.drop_table("scheduled_checkins")
    op.drop_index("ix_tasks_conversation_status", table_name="tasks")
    op.drop_table("tasks")
    op.drop_index("ix_goals_conversation_created", table_name="goals")
    op.drop_table("goals")
    op.drop_index("ix_thought_records_conversation_id", table_name="thought_records")
    op.drop_table("thought_records")
    op.drop_index("ix_checkins_conversation_started", table_name="checkins")
    op.drop_table("checkins")
    op.drop_table("participants")
