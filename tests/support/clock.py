"""Moments for tests whose clock has to follow real time (sandbox certificates are issued now)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from adapter.domain.readings import ReadingsWindow


def window_moment(window: ReadingsWindow, zone: ZoneInfo) -> datetime:
    """Now if today (in ``zone``) is inside the readings window, else 10:00 the day it next opens.

    Certificates and the CRL of the sandbox are current for weeks ahead, so verification at that
    moment is honest.
    """
    now = datetime.now(UTC).replace(microsecond=0)
    day = now.astimezone(zone).date()
    while not window.contains(day):
        day += timedelta(days=1)
    if day == now.astimezone(zone).date():
        return now
    return datetime(day.year, day.month, day.day, 10, tzinfo=zone).astimezone(UTC)
