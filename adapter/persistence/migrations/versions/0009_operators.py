"""operator console: operator accounts, their sessions, API tokens

Revision ID: 0009
Revises: 0001
Create Date: 2026-12-01 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapter.persistence.types import UtcDateTime

revision = '0009'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('operator_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('created_at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', UtcDateTime(timezone=True), nullable=True),
    sa.Column('disabled_at', UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('login')
    )
    op.create_table('operator_api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('contract_number', sa.String(length=9), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('created_at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('revoked_at', UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index('ix_operator_api_tokens_contract_number', 'operator_api_tokens',
                    ['contract_number'], unique=False)
    op.create_table('operator_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=False),
    sa.Column('created_at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', UtcDateTime(timezone=True), nullable=True),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.ForeignKeyConstraint(['operator_id'], ['operator_accounts.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index('ix_operator_sessions_operator_id', 'operator_sessions', ['operator_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_operator_sessions_operator_id', table_name='operator_sessions')
    op.drop_table('operator_sessions')
    op.drop_index('ix_operator_api_tokens_contract_number', table_name='operator_api_tokens')
    op.drop_table('operator_api_tokens')
    op.drop_table('operator_accounts')
