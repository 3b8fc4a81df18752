"""Imports every model module so ``Base.metadata`` knows all tables (Alembic, create_all).

One module per area, each with its own Alembic branch from ``0001``.
"""

from __future__ import annotations

from adapter.persistence import (
    cabinet_documents_models,
    cabinet_models,
    exchange_models,
    models,
    operator_models,
    outbox_models,
    payments_models,
    registry_models,
    signing_models,
)
from adapter.persistence.models import Base

__all__ = [
    "Base",
    "cabinet_documents_models",
    "cabinet_models",
    "exchange_models",
    "models",
    "operator_models",
    "outbox_models",
    "payments_models",
    "registry_models",
    "signing_models",
]
