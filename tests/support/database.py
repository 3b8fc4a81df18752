"""Databases for tests: a fresh SQLite file, or a fresh schema on the local PostgreSQL.

``database_url`` is parametrised over both backends. PostgreSQL comes from
ADAPTER_TEST_POSTGRES_URL (scripts/test sets it to the local server); when that server cannot be
reached the PostgreSQL half is skipped with the reason printed, except under CI=true, where a
missing database is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

POSTGRES_ENV = "ADAPTER_TEST_POSTGRES_URL"


def postgres_base_url() -> str | None:
    """The PostgreSQL URL tests may use, or None (with the reason skipped/failed by callers)."""
    return os.environ.get(POSTGRES_ENV)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


def fresh_postgres_url() -> Iterator[str]:
    """A URL whose search_path is a brand-new schema, dropped afterwards."""
    base = postgres_base_url()
    if not base:
        _unavailable(f"{POSTGRES_ENV} is not set")
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        admin.dispose()
        _unavailable(f"cannot connect to {base}: {exc.orig}")
        return
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each backend in turn."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'adapter.sqlite3'}"
    else:
        yield from fresh_postgres_url()


def model_drift(engine: Engine, *table_prefixes: str) -> list[object]:
    """What Alembic's autogenerate finds between the migrated ``engine`` and the models, for the
    tables whose names start with one of ``table_prefixes`` (empty when migrations match)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from adapter.persistence import all_models  # noqa: F401 - every model on Base.metadata
    from adapter.persistence.models import Base

    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    return [change for change in diff
            if any(f"'{prefix}" in repr(change) for prefix in table_prefixes)]
