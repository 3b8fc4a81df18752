"""Models of the consumer registry and submitted readings (filled in by the registry work)."""

from __future__ import annotations
