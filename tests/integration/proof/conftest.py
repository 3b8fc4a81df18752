"""Fixtures of the proof: the session's sandbox PKI and a fresh database on each backend."""

from __future__ import annotations

from tests.support.database import database_url  # noqa: F401  (fixture)
from tests.support.pki import sandbox_pki  # noqa: F401  (fixture)
