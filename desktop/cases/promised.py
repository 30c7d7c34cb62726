"""The hall's own 承诺办结时限 per procedure: a database value over the shipped dated parameter, audited."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Executable, bindparam, select
from sqlalchemy.orm import Session

from desktop.cases import permissions
from desktop.cases.dto import AccountInfo
from desktop.cases.errors import InputError
from desktop.store import audit
from desktop.store.database import Database
from desktop.store.deadline_models import HallParameter
from forms import registry
from forms.params import DatedValue, ParamSet
from forms.service import Service

MIN_DAYS, MAX_DAYS = 1, 60
MAX_GUIDE = 24  # characters of the guide's name; more would push a receipt's seal onto a second page


@dataclass(frozen=True)
class PromisedRow:
    """One procedure's 承诺办结时限 in force today, and where it comes from."""

    service_id: str
    service_name: str
    days: int
    since: date
    source: str
    by_hall: bool  # the hall set it (else the shipped default)
    changed_by: str | None
    changed_at: datetime | None


def promised_param(service: Service) -> str | None:
    """The parameter holding this procedure's 承诺办结时限 (forms/promised.py), if it has one."""
    return getattr(service.deadlines, "promised_param", None)


def _hall_values(s: Session, params_name: str) -> list[HallParameter]:
    return list(s.scalars(select(HallParameter).where(HallParameter.params_name == params_name)
                          .order_by(HallParameter.since, HallParameter.id)))


def params_for(s: Session, service: Service) -> ParamSet:
    """The service's parameters with the hall's own values merged in.

    NOTE: read on every assessment, not cached: in hall mode another window's administrator may
    have changed the value, and the read is one indexed query on a table of a few rows.
    """
    if s.autoflush:
        s.flush()  # NOTE: as s.execute would (a no-op when nothing is pending)
    rows = s.connection().execute(_values_query(), {"params_name": service.params_name})
    extra = [(r.name, DatedValue(r.since, r.value, r.source)) for r in rows]
    return service.params().with_values(extra)


@functools.lru_cache(maxsize=1)
def _values_query() -> Executable:
    """``_hall_values``' rows, the columns an assessment uses, built once (issue 15: every accept reads them)."""
    return (select(HallParameter.name, HallParameter.since, HallParameter.value, HallParameter.source)
            .where(HallParameter.params_name == bindparam("params_name"))
            .order_by(HallParameter.since, HallParameter.id))


def list_promised(db: Database, today: date | None = None) -> list[PromisedRow]:
    """Every procedure that has a 承诺办结时限, with the value in force ``today``."""
    today = today or date.today()
    rows = []
    with db.read() as s:
        for service_id, service in registry.services().items():
            param = promised_param(service)
            if param is None:
                continue
            value = params_for(s, service).parameter(param).at(today)
            hall = [r for r in _hall_values(s, service.params_name) if r.name == param and r.since == value.since]
            mine = hall[-1] if hall else None
            rows.append(PromisedRow(service_id, service.name, int(value.value), value.since, value.source,
                                    mine is not None, mine.changed_by if mine else None,
                                    mine.changed_at if mine else None))
    return rows


def hall_source(days: int, guide: str) -> str:
    """How a hall's value names its source on the receipt (the days are printed beside it).

    NOTE: short on purpose: it is printed on one-page receipts (the subsidy's has little room).
    """
    return f"本大厅办事指南（{guide.strip()}）"


def set_promised(db: Database, admin: AccountInfo, service_id: str, days: int, guide: str, *,
                 since: date | None = None, window: str = "", now: datetime | None = None) -> PromisedRow:
    """An administrator keeps the hall's 办事指南 value from ``since`` (today) on; audited, cases accepted before keep theirs."""
    now = now or datetime.now()
    since = since or now.date()
    service = registry.get(service_id)
    param = promised_param(service)
    errors = {}
    if param is None:
        errors["service"] = "该事项没有承诺办结时限参数"
    if not MIN_DAYS <= days <= MAX_DAYS:
        errors["days"] = f"承诺办结时限应在{MIN_DAYS}到{MAX_DAYS}个工作日之间"
    if not guide.strip():
        errors["guide"] = "请填写依据，例如办事指南的名称或编号"
    elif len(guide.strip()) > MAX_GUIDE:
        errors["guide"] = f"依据过长，请简写（{MAX_GUIDE}字以内），例如办事指南的名称"
    if errors or param is None:  # (no parameter is in errors)
        raise InputError(errors)
    source = hall_source(days, guide)
    with db.unit() as s:
        permissions.require(s, admin, "promised", now)  # the account as it is now, in this transaction
        before = params_for(s, service).parameter(param).at(since).value
        row = s.scalar(select(HallParameter).where(HallParameter.params_name == service.params_name,
                                                   HallParameter.name == param, HallParameter.since == since))
        if row is None:
            s.add(HallParameter(params_name=service.params_name, name=param, since=since, value=days, source=source,
                                changed_by=admin.username, changed_at=now))
        else:
            row.value, row.source, row.changed_by, row.changed_at = days, source, admin.username, now
        audit.append(s, "params.promised", actor=admin.username, window=window,
                     detail={"service": service_id, "param": f"{service.params_name}.{param}",
                             "since": since.isoformat(), "from": int(before), "to": days, "source": source})
    return next(r for r in list_promised(db, since) if r.service_id == service_id)
