"""registry: consumers withdrawn from billing's registry

Revision ID: 0010
Revises: 0003
Create Date: 2026-11-27 20:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapter.persistence.types import UtcDateTime

revision = "0010"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registry_consumers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", UtcDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("registry_consumers", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_at")
