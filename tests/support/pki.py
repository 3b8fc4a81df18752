"""A session-wide sandbox PKI for any test that needs keys and certificates.

Use the fixtures by importing them into your own ``conftest.py``::

    from tests.support.pki import sandbox_pki, sandbox_pki_ec  # noqa: F401

or call :func:`session_pki` from your own session-scoped fixture. Keys are generated once per
test session (RSA generation costs ~0.1 s a key) in a pytest temporary directory.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from adapter.pki import SandboxPki, generate_sandbox_pki
from adapter.signing import SigningKey, TrustedParty, VerificationPolicy, load_signing_key

_CACHE: dict[str, SandboxPki] = {}


def session_pki(tmp_path_factory: pytest.TempPathFactory, key_type: str = "rsa") -> SandboxPki:
    """The session's sandbox PKI for ``key_type`` (``rsa`` or ``ec``), created on first use."""
    pki = _CACHE.get(key_type)
    if pki is None or not Path(pki.ca_cert).exists():
        pki = generate_sandbox_pki(
            tmp_path_factory.mktemp(f"sandbox-pki-{key_type}"), key_type=key_type
        )
        _CACHE[key_type] = pki
    return pki


@pytest.fixture(scope="session")
def sandbox_pki(tmp_path_factory: pytest.TempPathFactory) -> SandboxPki:
    """The RSA-2048 sandbox PKI (CA, dso, supplier, billing, consumer, empty CRL)."""
    return session_pki(tmp_path_factory, "rsa")


@pytest.fixture(scope="session")
def sandbox_pki_ec(tmp_path_factory: pytest.TempPathFactory) -> SandboxPki:
    """The EC P-256 sandbox PKI."""
    return session_pki(tmp_path_factory, "ec")


_KEYS: dict[tuple[str, str], SigningKey] = {}


def signing_key(pki: SandboxPki, party: str = "supplier") -> SigningKey:
    """The party's loaded signing key (cached: loading an RSA key costs ~50 ms)."""
    cache_key = (str(pki.directory), party)
    if cache_key not in _KEYS:
        files = pki.party(party)
        _KEYS[cache_key] = load_signing_key(files.key.read_bytes(), files.cert.read_bytes())
    return _KEYS[cache_key]


def sandbox_policy(pki: SandboxPki, **overrides: object) -> VerificationPolicy:
    """A policy trusting the sandbox parties the way production config does.

    ``supplier`` and ``billing`` are pinned to their certificates; ``consumer`` must chain to the
    sandbox CA (checked against its CRL) and name the sandbox EDRPOU.
    """
    parties = (
        TrustedParty("supplier", pinned_certs=(pki.supplier_cert,)),
        TrustedParty("billing", pinned_certs=(pki.billing_cert,)),
        TrustedParty(
            "consumer",
            ca_certs=(pki.ca_cert,),
            crls=(pki.ca_crl,),
            require_edrpou=pki.consumer_edrpou,
        ),
    )
    return VerificationPolicy(parties=parties, **overrides)  # type: ignore[arg-type]
