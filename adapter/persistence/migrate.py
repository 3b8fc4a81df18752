"""Schema migrations (Alembic), driven from code so no alembic.ini is needed at run time."""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("adapter.persistence") / "migrations"))
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the database schema up to ``revision`` (every newest head by default).

    Each area of the adapter (intake, delivery, registry, cabinet) owns its migrations; they may
    branch from a common base, so "up to date" means every head is applied.
    """
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revisions(engine: Engine) -> frozenset[str]:
    """The revisions the database is at (empty when it was never migrated)."""
    with engine.connect() as connection:
        return frozenset(MigrationContext.configure(connection).get_current_heads())


def current_revision(engine: Engine) -> str | None:
    """The database's revisions as one printable string, or None when never migrated."""
    revisions = current_revisions(engine)
    return ",".join(sorted(revisions)) if revisions else None


def head_revisions() -> frozenset[str]:
    """The newest revisions this code knows."""
    return frozenset(ScriptDirectory.from_config(_config()).get_heads())


def is_current(engine: Engine) -> bool:
    """Whether the database schema matches this code."""
    return current_revisions(engine) == head_revisions()


def autogenerate(engine: Engine, message: str, *, rev_id: str, head: str = "head") -> None:
    """Write a new migration from the difference between the models and ``engine`` (developers).

    ``head`` names the branch to extend when there are several (e.g. ``0001@head``... or a
    revision id); ``engine`` must be at that revision.
    """
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True, rev_id=rev_id, head=head)
