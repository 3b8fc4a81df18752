"""The registry migrations (0003, 0010) create exactly what ``registry_models`` declares."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine

from adapter.persistence import migrate
from tests.support.database import database_url, model_drift  # noqa: F401

pytestmark = pytest.mark.empty_database  # the migrations run here, from nothing


def test_migrations_match_the_registry_models(database_url: str) -> None:  # noqa: F811
    engine = create_engine(database_url)
    try:
        migrate.upgrade(engine)
        assert model_drift(engine, "registry_", "readings_") == []
    finally:
        engine.dispose()
