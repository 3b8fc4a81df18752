"""Fixtures of the signing tests: the sandbox PKI, loaded keys, a policy, signed documents."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapter.pki import SandboxPki
from adapter.signing import SigningKey, VerificationPolicy, clear_trust_cache, sign
from tests.support.documents import invoice_xml
from tests.support.pki import sandbox_pki, sandbox_pki_ec, sandbox_policy, signing_key

__all__ = ["sandbox_pki", "sandbox_pki_ec"]


@pytest.fixture(autouse=True)
def _fresh_trust_cache() -> Iterator[None]:
    clear_trust_cache()
    yield
    clear_trust_cache()


@pytest.fixture(scope="session")
def supplier_key(sandbox_pki: SandboxPki) -> SigningKey:
    return signing_key(sandbox_pki, "supplier")


@pytest.fixture(scope="session")
def consumer_key(sandbox_pki: SandboxPki) -> SigningKey:
    return signing_key(sandbox_pki, "consumer")


@pytest.fixture(scope="session")
def policy(sandbox_pki: SandboxPki) -> VerificationPolicy:
    return sandbox_policy(sandbox_pki)


@pytest.fixture(scope="session")
def unsigned() -> bytes:
    return invoice_xml(5)


@pytest.fixture(scope="session")
def signed(unsigned: bytes, supplier_key: SigningKey) -> bytes:
    return sign(unsigned, key=supplier_key)


@pytest.fixture(scope="session")
def consumer_signed(unsigned: bytes, consumer_key: SigningKey) -> bytes:
    return sign(unsigned, key=consumer_key)
