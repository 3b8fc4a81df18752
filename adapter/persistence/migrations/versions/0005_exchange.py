"""exchange cursors (pull polling per peer)

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-28 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapter.persistence.types import UtcDateTime

revision = '0005'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('exchange_cursors',
    sa.Column('peer', sa.String(length=40), nullable=False),
    sa.Column('cursor', sa.String(length=200), nullable=True),
    sa.Column('updated_at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('documents_total', sa.Integer(), nullable=False),
    sa.Column('last_polled_at', UtcDateTime(timezone=True), nullable=True),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_error_code', sa.String(length=60), nullable=True),
    sa.Column('last_error_message', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('peer')
    )


def downgrade() -> None:
    op.drop_table('exchange_cursors')
