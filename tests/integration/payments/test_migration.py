"""Migration 0006 creates exactly what the payments models describe, on both backends."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from adapter.persistence import migrate
from adapter.persistence.all_models import Base
from tests.support.database import database_url  # noqa: F401

pytestmark = pytest.mark.empty_database  # the migrations run here, from nothing


def test_payments_tables_match_the_models(database_url: str):  # noqa: F811
    engine = create_engine(database_url)
    try:
        migrate.upgrade(engine)
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
            tables = inspect(connection).get_table_names()
        assert {"payments_orders", "payments_invoice_status"} <= set(tables)
        assert [item for item in diff if "payments_" in repr(item)] == []
        assert "0006" in migrate.current_revisions(engine)
    finally:
        engine.dispose()
