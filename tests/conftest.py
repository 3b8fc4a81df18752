"""Fixtures shared by every test: a guard against real network, and where artifacts go."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
from pathlib import Path

import pytest

# The database fixtures (and the session's migrated templates behind them) for every suite.
pytest_plugins = ["tests.support.database"]

_real_connect = socket.socket.connect


def _is_loopback(address: object) -> bool:
    if isinstance(address, tuple) and address:
        host = address[0]
    else:
        return True  # AF_UNIX paths and the like never leave the machine
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: object) -> object:
    if not _is_loopback(address):
        raise RuntimeError(f"tests may only use loopback, tried to reach {address!r}")
    return _real_connect(self, address)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Under CI the xmlsec1 interop tests must run: their skip markers would otherwise hide a
    missing tool (PostgreSQL, Chromium and faketime fail in their own fixtures)."""
    if os.environ.get("CI", "").lower() == "true" and shutil.which("xmlsec1") is None:
        raise pytest.UsageError("xmlsec1 is required in CI (.ci/run installs it)")


@pytest.fixture(autouse=True)
def _forbid_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test may talk to loopback servers only; anything else is a bug in the test or code."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where tests leave what a person may want to look at (screenshots, reports)."""
    path = Path(__file__).resolve().parent.parent / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path
