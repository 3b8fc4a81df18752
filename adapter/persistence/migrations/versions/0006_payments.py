"""payments: orders sent to the payment provider, paid invoices

Revision ID: 0006
Revises: 0001
Create Date: 2026-12-01 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapter.persistence.types import UtcDateTime

revision = '0006'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('payments_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.String(length=64), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('contract_number', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('provider_status', sa.String(length=40), nullable=True),
    sa.Column('provider_payment_id', sa.String(length=64), nullable=True),
    sa.Column('paid_at', UtcDateTime(timezone=True), nullable=True),
    sa.Column('failure_reason', sa.Text(), nullable=True),
    sa.Column('notice_mrid', sa.String(length=64), nullable=True),
    sa.Column('outbox_message_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['inbound_documents.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('order_id')
    )
    op.create_index(op.f('ix_payments_orders_contract_number'), 'payments_orders',
                    ['contract_number'], unique=False)
    op.create_index(op.f('ix_payments_orders_document_id'), 'payments_orders',
                    ['document_id'], unique=False)
    op.create_table('payments_invoice_status',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('contract_number', sa.String(length=20), nullable=False),
    sa.Column('paid_at', UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['inbound_documents.id'], ),
    sa.ForeignKeyConstraint(['payment_id'], ['payments_orders.id'], ),
    sa.PrimaryKeyConstraint('document_id')
    )
    op.create_index(op.f('ix_payments_invoice_status_contract_number'),
                    'payments_invoice_status', ['contract_number'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_payments_invoice_status_contract_number'),
                  table_name='payments_invoice_status')
    op.drop_table('payments_invoice_status')
    op.drop_index(op.f('ix_payments_orders_document_id'), table_name='payments_orders')
    op.drop_index(op.f('ix_payments_orders_contract_number'), table_name='payments_orders')
    op.drop_table('payments_orders')
