"""Migration 0009 creates exactly what ``operator_models`` declares, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from adapter.persistence import migrate
from adapter.persistence.models import Base
from adapter.persistence.operator_models import OperatorAccountRecord  # noqa: F401
from tests.support.database import database_url  # noqa: F401


def _table_of(change: object) -> str:
    item = change[0] if isinstance(change, list) else change
    for part in item[1:] if isinstance(item, tuple) else ():
        name = getattr(part, "name", None) if not isinstance(part, str) else part
        table = getattr(part, "table", None)
        if table is not None:
            return str(table.name)
        if isinstance(name, str):
            return name
    return ""


def test_migration_matches_the_models(database_url: str) -> None:  # noqa: F811
    engine = create_engine(database_url)
    try:
        migrate.upgrade(engine)
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()
    ours = [change for change in diff if _table_of(change).startswith("operator_")]
    assert ours == []
