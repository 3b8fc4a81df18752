"""Databases for tests: a fresh SQLite file, or a fresh database on the local PostgreSQL.

``database_url`` is parametrised over both backends. PostgreSQL comes from
ADAPTER_TEST_POSTGRES_URL (scripts/test sets it to the local server); when that server cannot be
reached the PostgreSQL half is skipped with the reason printed, except under CI=true, where a
missing database is a failure.

Each test gets its own database, already migrated to the heads: a copy of a template that the
real migrations built once per session and backend (a file copy on SQLite, ``CREATE DATABASE ...
TEMPLATE`` on PostgreSQL). Running the eleven migrations per test cost about 0.2 s of each
PostgreSQL test's setup. Fixtures still call ``migrate.upgrade``, which finds nothing to do, so a
test is right on an empty database too. Tests of the migrations themselves (or of an unmigrated
database) mark themselves ``empty_database`` and get an empty one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import OperationalError

POSTGRES_ENV = "ADAPTER_TEST_POSTGRES_URL"


def postgres_base_url() -> str | None:
    """The PostgreSQL URL tests may use, or None (with the reason skipped/failed by callers)."""
    return os.environ.get(POSTGRES_ENV)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


def _with_database(base: str, name: str) -> str:
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def fresh_postgres_url(template: str | None = None) -> Iterator[str]:
    """A URL to a brand-new database (a copy of ``template`` if given), dropped afterwards."""
    base = postgres_base_url()
    if not base:
        _unavailable(f"{POSTGRES_ENV} is not set")
        return
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    except OperationalError as exc:
        admin.dispose()
        _unavailable(f"cannot connect to {base}: {exc.orig}")
        return
    try:
        yield _with_database(base, name)
    finally:
        with admin.connect() as connection:
            # FORCE: a server thread of the test may still hold a pooled connection.
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def _migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "migrated.sqlite3"
    _migrate(f"sqlite:///{path}")
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")  # all in the one file that is copied
    return path


@pytest.fixture(scope="session")
def _migrated_postgres() -> Iterator[str | None]:
    """The name of a migrated template database, or None when PostgreSQL is not there."""
    source = fresh_postgres_url()
    try:
        url = next(source)
    except (pytest.skip.Exception, pytest.fail.Exception):
        yield None  # database_url reports why, per test
        return
    try:
        _migrate(url)
        yield make_url(url).database
    finally:
        source.close()  # drops the template


def _migrate(url: str) -> None:
    from adapter.persistence import migrate
    from adapter.persistence.database import make_engine

    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of its own on each backend in turn: migrated, or empty for ``empty_database``."""
    empty = request.node.get_closest_marker("empty_database") is not None
    if request.param == "sqlite":
        path = tmp_path / "adapter.sqlite3"
        if not empty:
            shutil.copyfile(request.getfixturevalue("_migrated_sqlite"), path)
        yield f"sqlite:///{path}"
    else:
        template = None if empty else request.getfixturevalue("_migrated_postgres")
        yield from fresh_postgres_url(template)


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
