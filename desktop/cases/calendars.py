"""The working-day calendar in force: chinese-calendar, the shipped overrides, the admin's table."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from desktop.store import audit
from desktop.store.database import Database
from desktop.store.models import CalendarOverride as OverrideRow
from forms.workdays import CalendarOverride, WorkCalendar, load_overrides, DEFAULT_OVERRIDES_PATH

_cache: dict[int, WorkCalendar] = {}


def calendar_for(db: Database) -> WorkCalendar:
    """Cached per database; edits through ``set_override`` refresh it."""
    key = id(db)
    if key not in _cache:
        shipped = {o.day: o for o in load_overrides(DEFAULT_OVERRIDES_PATH)}
        with db.unit() as s:
            for row in s.scalars(select(OverrideRow)):
                # The administrator's entry wins over the shipped file for the same day.
                shipped[row.day] = CalendarOverride(row.day, row.kind, row.name, row.source)
        _cache[key] = WorkCalendar(sorted(shipped.values(), key=lambda o: o.day))
    return _cache[key]


def set_override(db: Database, day: date, kind: str, name: str, source: str, actor: str, window: str) -> None:
    CalendarOverride(day, kind, name, source)  # validates kind and text
    with db.unit() as s:
        row = s.get(OverrideRow, day)
        if row is None:
            s.add(OverrideRow(day=day, kind=kind, name=name, source=source))
        else:
            row.kind, row.name, row.source = kind, name, source
        audit.append(s, "calendar.override", actor=actor, window=window,
                     detail={"day": day.isoformat(), "kind": kind, "name": name, "source": source})
    _cache.pop(id(db), None)
