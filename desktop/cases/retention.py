"""How long closed cases are kept, per service, and the purge that removes them — audited, audit chain untouched."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Table, delete, func, select

from desktop.cases import permissions, services, status
from desktop.cases.dto import AccountInfo
from desktop.cases.errors import InputError
from desktop.cases.queries import service_name
from desktop.store import audit
from desktop.store.admin_models import RetentionRule
from desktop.store.database import Database
from desktop.store.errors import translate
from desktop.store.models import Base, Case
from forms import registry

MIN_YEARS, MAX_YEARS = 1, 100
# NOTE: rows that only exist for their case go with it. Any other table that points at a case
# (the e-bike register, subsidy claim history — archives other cases and caps rely on) keeps the
# case: it is skipped and counted, never cut out from under the archive.
DEPENDENT_TABLES = ("documents", "pledges", "case_name_bigrams", "case_deadlines", "case_identifiers")


@dataclass(frozen=True)
class RetentionRow:
    service_id: str
    service_name: str
    years: int | None  # None: no rule, nothing of this service is purged
    changed_by: str | None
    changed_at: datetime | None


@dataclass
class PurgeResult:
    dry_run: bool
    today: date
    cases: int = 0
    documents: int = 0
    pledges: int = 0
    kept_referenced: int = 0
    files: int = 0  # PDF files of the purged cases in the papers folder (removed, or found in a dry run)
    by_service: dict[str, int] = field(default_factory=dict)

    def message(self) -> str:
        head = "试运行（未删除任何数据）：" if self.dry_run else "已清理："
        parts = [f"到期案件 {self.cases} 件", f"文书记录 {self.documents} 份", f"承诺记录 {self.pledges} 条",
                 f"文书PDF文件 {self.files} 个"]
        text = head + "，".join(parts) + "。"
        if self.by_service:
            text += "\n" + "\n".join(f"  {service_name(k)}：{v} 件" for k, v in sorted(self.by_service.items()))
        if self.kept_referenced:
            # NOTE (issue 16): the archives are found by their foreign keys (_referencing), whoever's they are.
            text += f"\n另有 {self.kept_referenced} 件仍被登记档案或发放记录引用，予以保留。"
        return text


def list_rules(db: Database) -> list[RetentionRow]:
    """Every known service, with its rule or None."""
    with db.read() as s:
        rules = {r.service_id: r for r in s.scalars(select(RetentionRule))}
    rows = []
    for service_id in registry.services():
        r = rules.pop(service_id, None)
        rows.append(RetentionRow(service_id, service_name(service_id), r.years if r else None,
                                 r.changed_by if r else None, r.changed_at if r else None))
    for r in rules.values():  # a service no longer shipped keeps its rule
        rows.append(RetentionRow(r.service_id, r.service_id, r.years, r.changed_by, r.changed_at))
    return rows


def set_rule(db: Database, admin: AccountInfo, service_id: str, years: int | None, window: str = "",
             now: datetime | None = None) -> RetentionRow:
    """Set (or with None remove) a service's retention in years; administrators only, audited."""
    if years is not None and not MIN_YEARS <= years <= MAX_YEARS:
        raise InputError({"years": f"保存期限应在{MIN_YEARS}到{MAX_YEARS}年之间"})
    now = now or datetime.now()
    with db.unit() as s:
        permissions.require(s, admin, "retention")
        row = s.get(RetentionRule, service_id)
        before = row.years if row else None
        if before == years:
            return RetentionRow(service_id, service_name(service_id), years, row.changed_by if row else None,
                                row.changed_at if row else None)
        if years is None:
            s.delete(row)
        elif row is None:
            s.add(RetentionRule(service_id=service_id, years=years, changed_by=admin.username, changed_at=now))
        else:
            row.years, row.changed_by, row.changed_at = years, admin.username, now
        audit.append(s, "retention.change", actor=admin.username, window=window,
                     detail={"service": service_id, "from": before, "to": years})
    return RetentionRow(service_id, service_name(service_id), years, admin.username, now)


def _cutoff(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _referencing() -> list[tuple[Table, Column[Any]]]:
    """(table, column) for every mapped table with a foreign key to cases.id, the services' registers included."""
    # NOTE (issue 16): a service's register tables join Base.metadata when its package is imported; the
    # purge (`python -m desktop purge` too) must see every one of them, or it would cut a registered
    # bike's or a claim's case out from under its archive.
    services.load()
    found: list[tuple[Table, Column[Any]]] = []
    cases = Case.__table__
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column is cases.c.id for fk in column.foreign_keys):
                found.append((table, column))
    return found


def _paper_files(papers_dir: Path | None, case_nos: set[str]) -> list[Path]:
    """The PDFs of these cases in the papers folder (named ``<case_no>-<kind>-<copy>.pdf``)."""
    if papers_dir is None or not case_nos:
        return []
    with translate():
        if not Path(papers_dir).is_dir():
            return []
        # NOTE: one pass over the folder instead of a glob per case: a hall's folder holds years of papers.
        return [p for p in Path(papers_dir).iterdir()
                if p.suffix == ".pdf" and p.name.split("-", 1)[0] in case_nos]


def purge(db: Database, account: AccountInfo | None, *, dry_run: bool, today: date | None = None,
          window: str = "", papers_dir: Path | None = None) -> PurgeResult:
    """Remove closed cases older than their service's retention, with their documents and pledges.

    ``account`` None means the operator at the console (`python -m desktop purge`); a signed-in
    account must be an administrator. Audit rows are never deleted; the purge appends one
    "purge" event with counts only.
    """
    today = today or date.today()
    result = PurgeResult(dry_run=dry_run, today=today)
    with db.unit() as s:
        if account is not None:
            permissions.require(s, account, "purge")
        rules = {r.service_id: r.years for r in s.scalars(select(RetentionRule))}
        refs = _referencing()
        dependents = [(t, c) for t, c in refs if t.name in DEPENDENT_TABLES]
        archives = [(t, c) for t, c in refs if t.name not in DEPENDENT_TABLES]
        # NOTE: a case refused at the window never got closed_on; its day of intake stands in.
        closed = func.coalesce(Case.closed_on, Case.received_on)
        doomed: list[int] = []
        case_nos: set[str] = set()
        for service_id, years in sorted(rules.items()):
            ids = list(s.scalars(select(Case.id).where(
                Case.service_id == service_id, Case.status.in_(tuple(status.CLOSED)),
                closed < _cutoff(today, years))))
            for _table, column in archives:
                if not ids:
                    break
                held = set(s.scalars(select(column).where(column.in_(ids))))
                result.kept_referenced += len(held)
                ids = [i for i in ids if i not in held]
            if ids:
                result.by_service[service_id] = len(ids)
                doomed += ids
        result.cases = len(doomed)
        for start in range(0, len(doomed), 500):
            chunk = doomed[start:start + 500]
            case_nos.update(n for n in s.scalars(select(Case.case_no).where(Case.id.in_(chunk))) if n)
            for table, column in dependents:
                n = s.scalar(select(func.count()).select_from(table).where(column.in_(chunk))) or 0
                if table.name == "documents":
                    result.documents += n
                elif table.name == "pledges":
                    result.pledges += n
                if not dry_run:
                    s.execute(delete(table).where(column.in_(chunk)))
            if not dry_run:
                s.execute(delete(Case.__table__).where(Case.__table__.c.id.in_(chunk)))
        files = _paper_files(papers_dir, case_nos)
        result.files = len(files)
        if not dry_run:
            audit.append(s, "purge", actor=account.username if account else None, window=window or None,
                         detail={"today": today.isoformat(), "cases": result.cases, "documents": result.documents,
                                 "pledges": result.pledges, "files": len(files), "kept_referenced": result.kept_referenced,
                                 "by_service": result.by_service, "rules": rules,
                                 # NOTE: which cases, so `audit verify` tells a purge from a deletion
                                 "case_ids": audit.id_ranges(doomed),
                                 "via": "command line" if account is None or window == "CLI" else "window"})
    if not dry_run:
        with translate():
            for path in files:
                path.unlink(missing_ok=True)
    return result

