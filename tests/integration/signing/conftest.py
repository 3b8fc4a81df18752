"""Fixtures of the signing integration tests."""

from __future__ import annotations

from tests.support.pki import sandbox_pki, sandbox_pki_ec

__all__ = ["sandbox_pki", "sandbox_pki_ec"]
