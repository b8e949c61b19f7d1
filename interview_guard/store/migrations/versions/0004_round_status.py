"""identity_templates.status/verdict/face_distance: only reference rounds are compared with later sessions

Rounds kept before this revision were all compared; they are given the status their session's continuity
verdict calls for (summary_json): a first round or one judged the same person stays a reference, any other
(a different person or voice, uncertain, nothing comparable) becomes pending, for a reviewer to accept or
reject (`interview-guard candidates rounds ID`).

Revision ID: 0004
Revises: 0003
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("identity_templates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=16), nullable=False, server_default="reference"))
        batch_op.add_column(sa.Column("verdict", sa.String(length=32), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("face_distance", sa.Float(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT t.id, s.summary_json FROM identity_templates t "
                                "JOIN sessions s ON s.id = t.session_id")).all()
    for template_id, summary_json in rows:
        verdict, distance = _verdict(summary_json)
        status = "reference" if verdict in ("first_round", "same_person") else "pending"
        conn.execute(sa.text("UPDATE identity_templates SET status = :status, verdict = :verdict, "
                             "face_distance = :distance WHERE id = :id"),
                     {"status": status, "verdict": verdict, "distance": distance, "id": template_id})


def downgrade() -> None:
    with op.batch_alter_table("identity_templates", schema=None) as batch_op:
        batch_op.drop_column("face_distance")
        batch_op.drop_column("verdict")
        batch_op.drop_column("status")


def _verdict(summary_json: str | None) -> tuple[str, float | None]:
    try:
        continuity = json.loads(summary_json or "{}").get("candidate_continuity") or {}
    except ValueError:
        return "", None
    distances = [r["face_distance"] for r in continuity.get("rounds", []) if r.get("face_distance") is not None]
    return str(continuity.get("status") or ""), max(distances, default=None)
