"""cabinet documents: search index of consumers' documents, act countersignatures

Revision ID: 0008
Revises: 0001
Create Date: 2026-12-02 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapter.persistence.types import UtcDateTime

revision = '0008'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cabinet_document_index',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('contract_number', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('mrid', sa.String(length=64), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('total', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('received_at', UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['inbound_documents.id'], ),
    sa.PrimaryKeyConstraint('document_id')
    )
    op.create_index('ix_cabinet_document_index_contract_received', 'cabinet_document_index',
                    ['contract_number', 'received_at'], unique=False)
    op.create_index(op.f('ix_cabinet_document_index_mrid'), 'cabinet_document_index',
                    ['mrid'], unique=False)
    op.create_index(op.f('ix_cabinet_document_index_number'), 'cabinet_document_index',
                    ['number'], unique=False)
    op.create_table('cabinet_countersignatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('act_document_id', sa.Integer(), nullable=False),
    sa.Column('contract_number', sa.String(length=20), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('mrid', sa.String(length=64), nullable=False),
    sa.Column('signer_subject', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('original', sa.LargeBinary(), nullable=False),
    sa.Column('signed_at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('outbox_message_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['act_document_id'], ['inbound_documents.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('act_document_id')
    )
    op.create_index(op.f('ix_cabinet_countersignatures_contract_number'),
                    'cabinet_countersignatures', ['contract_number'], unique=False)
    _backfill()


def _backfill() -> None:
    # Documents stored before this migration get their index rows too (read in Python: the JSON
    # functions differ between backends).
    from adapter.services.document_index import index_values

    bind = op.get_bind()
    documents = sa.table('inbound_documents', sa.column('id', sa.Integer()),
                         sa.column('kind', sa.String()), sa.column('mrid', sa.String()),
                         sa.column('received_at', UtcDateTime(timezone=True)),
                         sa.column('fields', sa.JSON()))
    index = sa.table('cabinet_document_index', sa.column('document_id', sa.Integer()),
                     sa.column('contract_number', sa.String()), sa.column('kind', sa.String()),
                     sa.column('number', sa.String()), sa.column('mrid', sa.String()),
                     sa.column('period_start', sa.Date()), sa.column('period_end', sa.Date()),
                     sa.column('total', sa.Numeric(14, 2)),
                     sa.column('received_at', UtcDateTime(timezone=True)))
    rows = []
    for row in bind.execute(sa.select(documents)):
        values = index_values(row.kind, row.mrid, row.fields or {})
        if values is not None:
            rows.append({'document_id': row.id, 'received_at': row.received_at, **values})
    if rows:
        bind.execute(index.insert(), rows)


def downgrade() -> None:
    op.drop_index(op.f('ix_cabinet_countersignatures_contract_number'),
                  table_name='cabinet_countersignatures')
    op.drop_table('cabinet_countersignatures')
    op.drop_index(op.f('ix_cabinet_document_index_number'), table_name='cabinet_document_index')
    op.drop_index(op.f('ix_cabinet_document_index_mrid'), table_name='cabinet_document_index')
    op.drop_index('ix_cabinet_document_index_contract_received',
                  table_name='cabinet_document_index')
    op.drop_table('cabinet_document_index')
