"""Ally's direct question about risk, and its answers (the ask tier).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "risk_asks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("message_id", sa.String(128), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("raised", sa.Boolean, nullable=False),
        sa.Column("category", sa.String(32), nullable=True),
        sa.Column("answer", sa.String(16), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "answer IS NULL OR answer IN ('yes', 'unsure', 'no', 'other')",
            name="ck_risk_asks_answer_valid",
        ),
        sa.UniqueConstraint("message_id", name="uq_risk_asks_message"),
    )
    op.create_index("ix_risk_asks_conversation", "risk_asks", ["conversation_id", "asked_at"])


def downgrade() -> None:
    op.drop_index("ix_risk_asks_conversation", table_name="risk_asks")
    op.drop_table("risk_asks")
