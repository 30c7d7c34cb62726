"""Export a search result as a CSV file: masked IDs, a row limit, and one audit event per export."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path

from desktop.cases import permissions
from desktop.cases.dto import Actor, CaseSummary
from desktop.cases.errors import ActionRefused
from desktop.cases.queries import CaseFilter, count_cases, list_cases
from desktop.files import replace_file
from desktop.store import audit
from desktop.store.database import Database

# NOTE: a search result, not a dump of the hall: a bigger export is a data transfer that needs
# its own approval under the PIPL, so the clerk is asked to narrow the search instead.
MAX_ROWS = 20_000
PAGE = 1_000
HEADER = ("案件编号", "服务事项", "状态", "申请人", "证件号码（已脱敏）", "受理日期", "办理期限")
# Filter keys whose values are personal data: the audit records that they were used, not the value.
_PERSONAL_KEYS = {"id_number", "phone", "name_prefix", "name_contains"}


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int


def _cell(text: str) -> str:
    # NOTE: a cell starting with = + - @ is a formula to Excel and WPS (CSV injection); a leading
    # apostrophe makes it plain text. Names and numbers never start so, free text might.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _row(case: CaseSummary) -> list[str]:
    return [_cell(v) for v in (
        case.case_no or "（草稿）", case.service_name, case.status_label, case.applicant_name, case.id_masked,
        case.received_on.isoformat(), case.due_on.isoformat() if case.due_on else "")]


def _filter_for_audit(f: CaseFilter) -> dict[str, str]:
    used = {}
    for spec in fields(f):
        value = getattr(f, spec.name)
        if spec.name == "identifiers":
            # NOTE (issue 16): a service's identifiers (plate, frame number) as before, each by its own key.
            used.update({kind: str(typed) for kind, typed in sorted(value.items()) if typed})
            continue
        if value in (None, ""):
            continue
        used[spec.name] = "（已填）" if spec.name in _PERSONAL_KEYS else str(value)
    return used


def file_name(now: datetime) -> str:
    return f"案件查询导出-{now:%Y%m%d-%H%M%S}.csv"


def export_cases(db: Database, actor: Actor, f: CaseFilter, folder: Path, *,
                 now: datetime | None = None) -> ExportResult:
    """Write the cases matching ``f`` (newest first) to a new CSV file in ``folder``; audited."""
    with db.unit() as s:  # NOTE: refused before any file is written; checked again with the audit row
        permissions.require(s, actor, "export")
    now = now or datetime.now()
    total = count_cases(db, f)
    if total == 0:
        raise ActionRefused("没有符合条件的案件，无需导出。")
    if total > MAX_ROWS:
        raise ActionRefused(f"符合条件的案件有{total}件，超过单次导出上限{MAX_ROWS}件，请缩小查询条件后再导出。")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    rows = 0
    for offset in range(0, total, PAGE):
        page = list_cases(db, f, offset, PAGE)
        writer.writerows(_row(case) for case in page)
        rows += len(page)
    target = Path(folder) / file_name(now)
    # NOTE: UTF-8 with a BOM, so Excel and WPS on a Windows PC open the Chinese text correctly;
    # the csv module already wrote the line ends, so the text is encoded as it stands.
    replace_file(target, buffer.getvalue().encode("utf-8-sig"))
    try:
        with db.unit() as s:
            permissions.require(s, actor, "export")
            audit.append(s, "export", actor=actor.account.username, window=actor.window, at=now,
                         detail={"rows": rows, "file": target.name, "filter": _filter_for_audit(f)})
    except BaseException:
        # An export that is not in the audit log must not exist.
        target.unlink(missing_ok=True)
        raise
    return ExportResult(target, rows)
