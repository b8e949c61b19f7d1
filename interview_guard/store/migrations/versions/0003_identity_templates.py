"""candidates.consent_at/consent_by and identity_templates: opt-in, encrypted identity templates per round

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("consent_by", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "identity_templates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("candidate_id", sa.String(length=32), nullable=False),
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["candidate_id"], ["candidates.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("identity_templates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identity_templates_candidate_id"), ["candidate_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_identity_templates_session_id"), ["session_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("identity_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_templates_session_id"))
        batch_op.drop_index(batch_op.f("ix_identity_templates_candidate_id"))
    op.drop_table("identity_templates")
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.drop_column("consent_by")
        batch_op.drop_column("consent_at")
