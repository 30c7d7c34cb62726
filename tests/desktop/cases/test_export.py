"""CSV export of a search result over a real SQLite file: masking, permissions, the limit and the audit event."""

from __future__ import annotations

import csv
import json
from datetime import datetime

import pytest
from sqlalchemy import select

from desktop.cases import export, intake
from desktop.cases.errors import ActionRefused
from desktop.cases.hall_context import HallContext
from desktop.cases.queries import CaseFilter
from desktop.store import audit
from desktop.store.models import AuditEvent
from forms import registry

NOW = datetime(2026, 11, 25, 10, 0)


@pytest.fixture
def cases(db, people, tmp_path):
    example = registry.get("residence_permit").example(NOW.date())
    made = []
    for name in ("陈静", "=HYPERLINK(1)"):  # the second tries a spreadsheet formula through a name
        answers = dict(example["answers"], name=name)
        made.append(intake.accept(HallContext(db, people["clerk"], tmp_path / "papers"),
                                  "residence_permit", answers, example["materials"], now=NOW).case)
    return made, example["answers"]


def _rows(path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel and WPS need to read UTF-8
    return list(csv.reader(raw.decode("utf-8-sig").splitlines()))


def test_export_writes_masked_rows_and_one_audit_event(db, people, cases, tmp_path):
    made, answers = cases
    result = export.export_cases(db, people["sup"], CaseFilter(id_number=answers["id_number"]), tmp_path / "out",
                                 now=NOW)
    assert result.rows == 2 and result.path.name == "案件查询导出-20261125-100000.csv"
    rows = _rows(result.path)
    assert rows[0] == list(export.HEADER)
    full = answers["id_number"]
    masked = full[:6] + "*" * 8 + full[-4:]
    assert sorted(r[0] for r in rows[1:]) == sorted(c.case_no for c in made)
    assert {r[3] for r in rows[1:]} == {"陈静", "'=HYPERLINK(1)"}
    assert all(r[4] == masked and r[2] == "已受理待审核" and r[5] == "2026-11-25" for r in rows[1:])
    assert full not in result.path.read_text(encoding="utf-8-sig")
    assert not list((tmp_path / "out").glob("*.tmp"))
    with db.unit() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "export"))
        assert event.actor == "li" and event.window == "03"
        assert event.detail == {"rows": 2, "file": result.path.name, "filter": {"id_number": "（已填）"}}
        assert audit.verify(s)[0]
    assert full not in json.dumps(event.detail, ensure_ascii=False)


def test_a_clerk_cannot_export_and_nothing_is_written(db, people, cases, tmp_path):
    with pytest.raises(ActionRefused, match="无权导出案件清单"):
        export.export_cases(db, people["clerk"], CaseFilter(), tmp_path / "out")
    assert not (tmp_path / "out").exists()
    with db.unit() as s:
        assert s.scalar(select(AuditEvent).where(AuditEvent.action == "export")) is None


def test_empty_and_oversized_results_are_refused(db, people, cases, tmp_path, monkeypatch):
    with pytest.raises(ActionRefused, match="没有符合条件"):
        export.export_cases(db, people["sup"], CaseFilter(service_id="startup_subsidy"), tmp_path / "out")
    monkeypatch.setattr(export, "MAX_ROWS", 1)
    with pytest.raises(ActionRefused, match="超过单次导出上限1件"):
        export.export_cases(db, people["sup"], CaseFilter(), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_export_pages_through_a_result_larger_than_a_page(db, people, cases, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "PAGE", 1)
    result = export.export_cases(db, people["sup"], CaseFilter(), tmp_path / "out", now=NOW)
    rows = _rows(result.path)
    assert result.rows == 2 and len(rows) == 3 and rows[1][0] != rows[2][0]
