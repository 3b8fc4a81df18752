"""The readings window (Commercial Metering Code 8.6.3): which 1st a sending day counts for."""

from __future__ import annotations

from datetime import date

import pytest

from adapter.domain.readings import ReadingRules, ReadingsWindow, check_reading_date
from adapter.errors import ValidationError

DEFAULT = ReadingsWindow()


@pytest.mark.parametrize(
    ("sent", "counts_for"),
    [
        (date(2026, 1, 29), date(2026, 2, 1)),  # 31-day month: last day minus two
        (date(2026, 1, 31), date(2026, 2, 1)),
        (date(2026, 2, 1), date(2026, 2, 1)),
        (date(2026, 2, 3), date(2026, 2, 1)),  # the 3rd is the last day
        (date(2026, 4, 28), date(2026, 5, 1)),  # 30-day month
        (date(2026, 2, 26), date(2026, 3, 1)),  # February of a common year: 28 - 2
        (date(2028, 2, 27), date(2028, 3, 1)),  # leap year: 29 - 2
        (date(2026, 12, 29), date(2027, 1, 1)),  # across the year end
        (date(2027, 1, 2), date(2027, 1, 1)),
    ],
)
def test_inside_the_window(sent: date, counts_for: date) -> None:
    assert DEFAULT.contains(sent)
    assert DEFAULT.reading_date_for(sent) == counts_for


@pytest.mark.parametrize(
    "sent",
    [
        date(2026, 1, 28),  # one day before the window opens (31-day month)
        date(2026, 2, 4),  # one day after it closes
        date(2026, 2, 25),  # common February: the 26th opens it
        date(2028, 2, 26),  # leap February: the 27th opens it
        date(2026, 4, 27),
        date(2026, 6, 15),
    ],
)
def test_outside_the_window(sent: date) -> None:
    assert not DEFAULT.contains(sent)
    assert DEFAULT.reading_date_for(sent) is None


def test_window_is_configurable() -> None:
    wide = ReadingsWindow(days_before_month_end=5, last_day_of_next_month=7)
    assert wide.reading_date_for(date(2026, 1, 26)) == date(2026, 2, 1)
    assert wide.reading_date_for(date(2026, 2, 7)) == date(2026, 2, 1)
    assert wide.reading_date_for(date(2026, 1, 25)) is None
    narrow = ReadingsWindow(days_before_month_end=0, last_day_of_next_month=1)
    assert narrow.reading_date_for(date(2026, 1, 31)) == date(2026, 2, 1)
    assert narrow.reading_date_for(date(2026, 1, 30)) is None
    assert narrow.reading_date_for(date(2026, 2, 2)) is None


def test_window_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        ReadingsWindow(days_before_month_end=-1)
    with pytest.raises(ValueError):
        ReadingsWindow(last_day_of_next_month=0)


def test_reading_date_must_match_the_sending_day() -> None:
    rules = ReadingRules()
    check_reading_date(date(2026, 2, 1), date(2026, 1, 30), DEFAULT, rules)
    with pytest.raises(ValidationError) as exc:
        check_reading_date(date(2026, 1, 1), date(2026, 1, 30), DEFAULT, rules)
    assert exc.value.code == "READING_DATE_MISMATCH"
    with pytest.raises(ValidationError) as exc:
        check_reading_date(date(2026, 2, 1), date(2026, 2, 10), DEFAULT, rules)
    assert exc.value.code == "READING_OUTSIDE_WINDOW"


def test_window_enforcement_can_be_switched_off() -> None:
    check_reading_date(date(2026, 2, 10), date(2026, 2, 10), DEFAULT,
                       ReadingRules(enforce_window=False))
