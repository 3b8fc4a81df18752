"""Fixtures of the signing tests."""

from __future__ import annotations

from tests.support.pki import sandbox_pki, sandbox_pki_ec  # noqa: F401
