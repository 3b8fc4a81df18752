"""Migration 0005 creates exactly what the exchange models describe, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from adapter.persistence.all_models import Base
from tests.integration.exchange.conftest import MakeContainer


def test_exchange_tables_match_the_models(make_container: MakeContainer):
    container = make_container()
    with container.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        tables = inspect(connection).get_table_names()
    assert "exchange_cursors" in tables
    assert [item for item in diff if "exchange_" in repr(item)] == []
