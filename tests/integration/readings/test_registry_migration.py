"""The registry migrations (0003, 0010) create exactly what ``registry_models`` declares."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from adapter.persistence import migrate
from adapter.persistence.models import Base
from adapter.persistence.registry_models import ConsumerRecord  # noqa: F401
from tests.support.database import database_url  # noqa: F401


def _tables(change: object) -> set[str]:
    """Names of the tables a compare_metadata change touches."""
    items = change if isinstance(change, list) else [change]
    names = set()
    for item in items:
        for part in item[1:] if isinstance(item, tuple) else ():
            table = getattr(part, "table", None)
            if table is not None:
                names.add(str(table.name))
            elif isinstance(part, str):
                names.add(part)
            elif getattr(part, "name", None):
                names.add(str(part.name))
    return names


def test_migrations_match_the_registry_models(database_url: str) -> None:  # noqa: F811
    engine = create_engine(database_url)
    try:
        migrate.upgrade(engine)
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()
    ours = [change for change in diff
            if any(name.startswith(("registry_", "readings_")) for name in _tables(change))]
    assert ours == []
