"""Models of the web cabinet: accounts, sessions, feedback, audit (filled in by the cabinet work)."""

from __future__ import annotations
