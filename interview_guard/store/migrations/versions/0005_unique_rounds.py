"""identity_templates: one round of each number per candidate (a unique constraint)

Stores written before this revision may hold two rounds of one number, kept by sessions of one candidate
completed at the same time: each candidate's rounds are renumbered first, in the order they were kept
(round, then row id), so every number is used once and the order stays.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CONSTRAINT = "uq_identity_templates_candidate_round"


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, candidate_id, round FROM identity_templates "
                                "ORDER BY candidate_id, round, id")).all()
    last: dict[str, int] = {}
    for template_id, candidate_id, round_no in rows:
        new = max(round_no, last.get(candidate_id, 0) + 1)
        last[candidate_id] = new
        if new != round_no:
            conn.execute(sa.text("UPDATE identity_templates SET round = :r WHERE id = :id"),
                         {"r": new, "id": template_id})
    with op.batch_alter_table("identity_templates", schema=None) as batch_op:
        batch_op.create_unique_constraint(CONSTRAINT, ["candidate_id", "round"])


def downgrade() -> None:
    with op.batch_alter_table("identity_templates", schema=None) as batch_op:
        batch_op.drop_constraint(CONSTRAINT, type_="unique")
