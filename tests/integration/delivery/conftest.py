"""Fixtures of the delivery tests: a migrated database on each backend and its sessions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from adapter.persistence import migrate
from adapter.persistence.database import make_engine, make_session_factory
from tests.support.database import database_url  # noqa: F401  (fixture)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:  # noqa: F811
    """An engine on a database migrated up to the outbox branch's head."""
    engine = make_engine(database_url)
    migrate.upgrade(engine, "0011")
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to the migrated database."""
    return make_session_factory(engine)
