"""Migration 0009 creates exactly what ``operator_models`` declares, on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine

from adapter.persistence import migrate
from tests.support.database import database_url, model_drift  # noqa: F401

pytestmark = pytest.mark.empty_database  # the migrations run here, from nothing


def test_migration_matches_the_models(database_url: str) -> None:  # noqa: F811
    engine = create_engine(database_url)
    try:
        migrate.upgrade(engine)
        assert model_drift(engine, "operator_") == []
    finally:
        engine.dispose()
