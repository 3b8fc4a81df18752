"""A running app (real HTTP on loopback) on each database, trusting a fresh sandbox PKI."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
import zeep
from zeep.transports import Transport

from adapter.bootstrap import Container, build_container
from adapter.persistence import migrate
from adapter.pki import SandboxPki
from adapter.pki.env_file import sandbox_env
from adapter.settings import Settings
from adapter.signing import SigningKey
from tests.support.database import database_url  # noqa: F401
from tests.support.pki import sandbox_pki, signing_key  # noqa: F401
from tests.support.servers import serve_in_thread
from web import create_app


@dataclass
class RunningApp:
    """The app under test: its base URL, its container and the PKI it trusts."""

    url: str
    container: Container
    pki: SandboxPki

    def key(self, party: str) -> SigningKey:
        return signing_key(self.pki, party)

    def zeep_client(self, **kwargs: object) -> zeep.Client:
        """A zeep client that reads our WSDL over HTTP from the running app."""
        settings = zeep.Settings(forbid_dtd=True, forbid_entities=True, strict=True)
        transport = Transport(timeout=10, operation_timeout=10)
        return zeep.Client(f"{self.url}/soap/intake?wsdl", settings=settings,
                           transport=transport, **kwargs)


def settings_for(pki: SandboxPki, url: str, **env: str) -> Settings:
    """Settings trusting ``pki`` on database ``url``."""
    return Settings.from_env({**sandbox_env(pki), "ADAPTER_DATABASE_URL": url, **env})


@pytest.fixture
def app_env() -> dict[str, str]:
    """Extra ADAPTER_* settings a test module wants (override in the module)."""
    return {}


@contextmanager
def start_app(
    pki: SandboxPki, url: str, env: dict[str, str] | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Iterator[RunningApp]:
    """Migrate the database, build the app and serve it on loopback until the block ends."""
    settings = settings_for(pki, url, **(env or {}))
    container = build_container(settings, clock=clock) if clock else build_container(settings)
    migrate.upgrade(container.engine)
    app = create_app({"CONTAINER": container})
    try:
        with serve_in_thread(app) as base_url:
            yield RunningApp(base_url, container, pki)
    finally:
        container.engine.dispose()


@pytest.fixture
def running_app(
    sandbox_pki: SandboxPki, database_url: str, app_env: dict[str, str]  # noqa: F811
) -> Iterator[RunningApp]:
    with start_app(sandbox_pki, database_url, app_env) as app:
        yield app


@pytest.fixture
def tmp_env_file(tmp_path: Path, sandbox_pki: SandboxPki) -> Path:  # noqa: F811
    path = tmp_path / "adapter.env"
    path.write_text("\n".join(f"{k}={v}" for k, v in sandbox_env(sandbox_pki).items()))
    return path
