"""The statutory holidays of any year, by the rules of 全国年节及纪念日放假办法 (data: resources/calendar)."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from functools import cache, lru_cache
from pathlib import Path

import chinese_calendar
from lunardate import LunarDate

from forms.resources import resource

STATUTORY_PATH = resource("calendar", "statutory.toml")


@cache
def _rules(path: Path = STATUTORY_PATH) -> tuple[dict, ...]:
    with path.open("rb") as fh:
        rules = tomllib.load(fh)["rules"]
    return tuple(sorted(rules, key=lambda r: r["since"]))


def rule_for(year: int) -> dict | None:
    """The rule in force on 1 January of ``year`` (None before the first one)."""
    found = None
    for rule in _rules():
        if rule["since"] <= date(year, 1, 1):
            found = rule
    return found


def _first_day(year: int, spec: dict) -> date:
    if "solar" in spec:
        month, day = (int(x) for x in spec["solar"].split("-"))
        return date(year, month, day)
    if "lunar" in spec:
        # NOTE: lunardate (1900–2099) converts the lunar date; the festival falls in ``year``'s lunar
        # year, whose new year is in January or February of ``year``.
        month, day = (int(x) for x in spec["lunar"].split("-"))
        return LunarDate(year, month, day).to_solar_date() + timedelta(days=int(spec.get("offset", 0)))
    if "term" in spec:
        terms = chinese_calendar.get_solar_terms(date(year, 1, 1), date(year, 12, 31))
        return next(day for day, name in terms if name == spec["term"])
    raise ValueError(f"unknown holiday spec {spec!r}")


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[date, str]:
    """Every statutory rest day that falls in ``year`` (春节 may begin with 除夕 in the year before)."""
    out: dict[date, str] = {}
    for y in (year, year + 1):  # 除夕 of next year's festival may fall on 31 December of this one
        rule = rule_for(y)
        if rule is None:
            continue
        for spec in rule["days"]:
            start = _first_day(y, spec)
            for i in range(int(spec["span"])):
                day = start + timedelta(days=i)
                if day.year == year:
                    out.setdefault(day, spec["name"])
    return out


@lru_cache(maxsize=1)
def rules_digest() -> str:
    """Part of the calendar version stored with each assessment: which holiday rules counted it."""
    import hashlib

    return hashlib.sha256(STATUTORY_PATH.read_bytes()).hexdigest()[:8]


