"""The working-day calendar in force: chinese-calendar, the shipped overrides, the admin's table."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from desktop.cases import permissions
from desktop.cases.dto import AccountInfo
from desktop.store import audit
from desktop.store.database import Database
from desktop.store.models import CalendarOverride as OverrideRow
from forms.workdays import DEFAULT_OVERRIDES_PATH, CalendarOverride, WorkCalendar, load_overrides

_cache: dict[int, WorkCalendar] = {}


def calendar_for(db: Database) -> WorkCalendar:
    """Cached per database; edits through ``set_override`` refresh it."""
    key = id(db)
    if key not in _cache:
        shipped = {o.day: o for o in load_overrides(DEFAULT_OVERRIDES_PATH)}
        # NOTE: a read unit: lifecycle steps ask for the calendar inside their own write unit.
        with db.read() as s:
            for row in s.scalars(select(OverrideRow)):
                # The administrator's entry wins over the shipped file for the same day.
                shipped[row.day] = CalendarOverride(row.day, row.kind, row.name, row.source)
        _cache[key] = WorkCalendar(sorted(shipped.values(), key=lambda o: o.day))
    return _cache[key]


def list_overrides(db: Database) -> list[CalendarOverride]:
    """The administrator's entries (the shipped file is read-only data)."""
    with db.read() as s:
        return [CalendarOverride(r.day, r.kind, r.name, r.source)
                for r in s.scalars(select(OverrideRow).order_by(OverrideRow.day))]


def validate_override(day_text: str, kind: str, name: str, source: str) -> dict[str, str]:
    errors = {}
    try:
        date.fromisoformat(day_text.strip())
    except ValueError:
        errors["day"] = "日期无效，请按“年-月-日”填写"
    if kind not in ("holiday", "workday"):
        errors["kind"] = "请选择放假或调休上班"
    if not name.strip():
        errors["name"] = "请填写名称，例如“春节”或“调休上班”"
    if not source.strip():
        errors["source"] = "请填写依据的通知文号"
    return errors


def set_override(db: Database, day: date, kind: str, name: str, source: str, actor: AccountInfo,
                 window: str) -> None:
    """Add or change one day; only an administrator may, and it is audited."""
    with db.unit() as s:  # NOTE: the role is refused before the input is judged
        permissions.require(s, actor, "calendar", refused="只有管理员可以调整节假日安排。")
    CalendarOverride(day, kind, name, source)  # validates kind and text
    with db.unit() as s:
        permissions.require(s, actor, "calendar", refused="只有管理员可以调整节假日安排。")
        row = s.get(OverrideRow, day)
        if row is None:
            s.add(OverrideRow(day=day, kind=kind, name=name, source=source))
        else:
            row.kind, row.name, row.source = kind, name, source
        audit.append(s, "calendar.override", actor=actor.username, window=window,
                     detail={"day": day.isoformat(), "kind": kind, "name": name, "source": source})
    _cache.pop(id(db), None)
