"""Migration 0008 creates exactly what the cabinet documents models describe, and backfills."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from adapter.persistence import migrate
from adapter.persistence.all_models import Base
from tests.support.database import database_url  # noqa: F401

pytestmark = pytest.mark.empty_database  # the migrations run here, from nothing


def test_document_tables_match_the_models(database_url: str) -> None:  # noqa: F811
    engine = create_engine(database_url)
    try:
        migrate.upgrade(engine)
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
            tables = inspect(connection).get_table_names()
        assert {"cabinet_document_index", "cabinet_countersignatures"} <= set(tables)
        assert [item for item in diff if "cabinet_document_index" in repr(item)
                or "cabinet_countersignatures" in repr(item)] == []
        assert "0008" in migrate.current_revisions(engine)
    finally:
        engine.dispose()
