"""Nudges: reminders and check-ins as rows.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nudges",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_pk", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column(
            "interview_id", sa.String(32), sa.ForeignKey("interviews.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("interview_id", "kind", name="uq_nudges_interview_kind"),
    )
    op.create_index("ix_nudges_due", "nudges", ["status", "due_at"])
    op.create_index("ix_nudges_user", "nudges", ["user_pk", "status"])


def downgrade() -> None:
    op.drop_index("ix_nudges_user", table_name="nudges")
    op.drop_index("ix_nudges_due", table_name="nudges")
    op.drop_table("nudges")
