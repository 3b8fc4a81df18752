"""outbox: only a lane's head is pending; the messages behind it wait

Revision ID: 0011
Revises: 0002
Create Date: 2026-11-27 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0002"
branch_labels = None
depends_on = None

_LANE_HEAD = "status IN ('pending', 'in_flight', 'dead') AND ordering_key IS NOT NULL"


def upgrade() -> None:
    # A pending message behind an earlier unsettled one of its lane, or behind one in flight,
    # was held back by the old claim query; it now waits for promotion.
    op.execute(sa.text("""
        UPDATE outbox_messages SET status = 'waiting'
        WHERE status = 'pending' AND ordering_key IS NOT NULL AND EXISTS (
            SELECT 1 FROM outbox_messages AS other
            WHERE other.destination = outbox_messages.destination
              AND other.ordering_key = outbox_messages.ordering_key
              AND other.id <> outbox_messages.id
              AND (other.status = 'in_flight'
                   OR (other.status IN ('pending', 'dead') AND other.id < outbox_messages.id)))
    """))
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index("uq_outbox_lane_head", ["destination", "ordering_key"], unique=True,
                              postgresql_where=sa.text(_LANE_HEAD),
                              sqlite_where=sa.text(_LANE_HEAD))


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index("uq_outbox_lane_head")
    op.execute(sa.text("UPDATE outbox_messages SET status = 'pending' WHERE status = 'waiting'"))
