"""cabinet signing drafts: two-phase signing in the consumer's browser

Revision ID: 0007
Revises: 0001
Create Date: 2026-11-27 18:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapter.persistence.types import UtcDateTime

revision = '0007'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cabinet_signing_drafts',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('document', sa.LargeBinary(), nullable=False),
    sa.Column('signature_xml', sa.LargeBinary(), nullable=False),
    sa.Column('signed_info', sa.LargeBinary(), nullable=False),
    sa.Column('signature_method', sa.String(length=100), nullable=False),
    sa.Column('created_at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('used_at', UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_cabinet_signing_drafts_organisation_id'), 'cabinet_signing_drafts',
                    ['organisation_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_cabinet_signing_drafts_organisation_id'),
                  table_name='cabinet_signing_drafts')
    op.drop_table('cabinet_signing_drafts')
