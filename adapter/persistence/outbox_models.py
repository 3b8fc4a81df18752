"""Models of the transactional outbox and delivery attempts (filled in by the delivery engine)."""

from __future__ import annotations
