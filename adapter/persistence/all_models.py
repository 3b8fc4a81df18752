"""Imports every model module so ``Base.metadata`` knows all tables (Alembic, create_all)."""

from __future__ import annotations

from adapter.persistence import cabinet_models, models, outbox_models, registry_models
from adapter.persistence.cabinet_documents_models import DocumentIndexRecord  # noqa: F401
from adapter.persistence.exchange_models import ExchangeCursorRecord  # noqa: F401 - exchange_*
from adapter.persistence.models import Base
from adapter.persistence.payments_models import PaymentRecord  # noqa: F401 - payments_*
from adapter.persistence.signing_models import SigningDraftRecord  # noqa: F401 - cabinet_*
from adapter.persistence.operator_models import OperatorAccountRecord  # noqa: F401 - operator_*

__all__ = ["Base", "cabinet_models", "models", "outbox_models", "registry_models"]
