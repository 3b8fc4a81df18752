"""Fixtures for the WS-Security tests: RSA-2048 and EC P-256 identities and a replay cache."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from adapter.soap.wsse import MemoryReplayCache

from .pki import NOW, Identity, make_identity


@pytest.fixture(scope="session")
def rsa_identity() -> Identity:
    """The peer's RSA-2048 identity."""
    return make_identity("ROEK ERP (RSA)", rsa.generate_private_key(65537, 2048))


@pytest.fixture(scope="session")
def ec_identity() -> Identity:
    """The peer's EC P-256 identity."""
    return make_identity("ROEK ERP (EC)", ec.generate_private_key(ec.SECP256R1()))


@pytest.fixture(scope="session")
def stranger() -> Identity:
    """Someone whose certificate nobody pinned."""
    return make_identity("Stranger", ec.generate_private_key(ec.SECP256R1()))


@pytest.fixture(params=["rsa", "ec"])
def identity(request: pytest.FixtureRequest, rsa_identity: Identity, ec_identity: Identity):
    """Each test that takes it runs once with RSA and once with EC."""
    return rsa_identity if request.param == "rsa" else ec_identity


@pytest.fixture
def cache() -> MemoryReplayCache:
    """A fresh replay cache whose clock is the tests' NOW."""
    return MemoryReplayCache(clock=lambda: NOW)
