"""Periods counted in months and years, the way 民法典 第二百零一条 counts them."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(start: date, months: int) -> date:
    """The corresponding day ``months`` later; the month's last day where there is none.

    NOTE: 民法典 第二百零一条: a period in months ends on the corresponding day of the last month,
    or on its last day when that month has no such day (2021-08-31 + 6 months = 2022-02-28).
    """
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def completed_on(start: date, months: int) -> date:
    """The first day on which a period of ``months`` months from ``start`` counts as complete.

    NOTE: the start day is not counted (民法典 第二百零一条); the period's last day is the
    corresponding day, and an application made on that day is taken as meeting "满N个月":
    the hall reads "满" as "has reached", as clerks do when they compare dates on two papers.
    """
    return add_months(start, months)


def is_complete(start: date, months: int, on: date) -> bool:
    return on >= completed_on(start, months)


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def months_between(first: date, last: date) -> list[int]:
    """Month indexes from ``first``'s month to ``last``'s month, both included."""
    return list(range(month_index(first), month_index(last) + 1))


def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"
