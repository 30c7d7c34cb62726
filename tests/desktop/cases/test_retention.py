"""Retention per service and the purge: dry run and for real, the audit event, the chain still intact."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop.cases import accounts, intake, lifecycle, retention
from desktop.cases.dto import Actor
from desktop.cases.errors import InputError
from desktop.cases.hall_context import HallContext
from desktop.store import audit
from desktop.store.models import AuditEvent, Case, Document
from forms import registry

ROOT = Path(__file__).resolve().parents[3]
HALL = "郑州市金水区政务服务中心"
TODAY = date(2026, 11, 25)


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    from desktop import paths

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # NOTE: this test's data folder: the hall key and the anchors of its database live there.
    return subprocess.run([sys.executable, "-m", "desktop", "--data-dir", str(paths.data_dir()), *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, encoding="utf-8", timeout=60, input=stdin)


def open_database_file(path: str):
    from desktop.store.database import open_database

    return open_database(path)


@pytest.fixture
def hall(db, admin, tmp_path):
    clerk = Actor(accounts.create_account(db, admin, "zhang", "张伟", "clerk", "secret-456", "secret-456"), "03", HALL)
    sup = Actor(accounts.create_account(db, admin, "li", "李娜", "supervisor", "secret-789", "secret-789"), "05", HALL)
    service = registry.get("residence_permit")

    def accepted(on: datetime):
        case = service.example(on.date())
        return intake.accept(HallContext(db, clerk, tmp_path),
                             "residence_permit", case["answers"], case["materials"], now=on).case

    old = accepted(datetime(2022, 3, 2, 9))
    lifecycle.refuse(HallContext(db, sup, tmp_path), old.id, ["RP02"], now=datetime(2022, 3, 5, 10))
    recent = accepted(datetime(2026, 11, 20, 9))
    lifecycle.refuse(HallContext(db, sup, tmp_path), recent.id, ["RP02"], now=datetime(2026, 11, 21, 10))
    still_open = accepted(datetime(2022, 4, 1, 9))
    example = service.example(date(2022, 5, 6))
    refused_at_window = intake.refuse(HallContext(db, clerk, tmp_path),
                                      "residence_permit", {**example["answers"], "hukou_in_zhengzhou": True},
                                      example["materials"], now=datetime(2022, 5, 6, 9)).case
    return {"old": old, "recent": recent, "open": still_open, "window": refused_at_window, "clerk": clerk}


def case_ids(db) -> set[int]:
    with db.unit() as s:
        return set(s.scalars(select(Case.id)))


def test_rules_are_admin_only_and_audited(db, admin, hall):
    rows = {r.service_id: r for r in retention.list_rules(db)}
    assert set(rows) == set(registry.services()) and rows["residence_permit"].years is None
    with pytest.raises(InputError):
        retention.set_rule(db, admin, "residence_permit", 0)
    retention.set_rule(db, admin, "residence_permit", 3, "01")
    retention.set_rule(db, admin, "residence_permit", 5, "01")
    rows = {r.service_id: r for r in retention.list_rules(db)}
    assert rows["residence_permit"].years == 5 and rows["residence_permit"].changed_by == "admin"
    with db.unit() as s:
        events = [e.detail for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "retention.change"))]
    assert events == [{"service": "residence_permit", "from": None, "to": 3},
                      {"service": "residence_permit", "from": 3, "to": 5}]


def test_no_rule_purges_nothing(db, admin, hall):
    before = case_ids(db)
    result = retention.purge(db, admin, dry_run=False, today=TODAY)
    assert result.cases == 0 and case_ids(db) == before


def test_purge_dry_run_then_for_real(db, admin, hall, tmp_path):
    retention.set_rule(db, admin, "residence_permit", 3, "01")
    db_file = db.url.split("///", 1)[1]
    with db.unit() as s:
        docs_before = s.scalar(select(func.count(Document.id)))
        events_before = s.scalar(select(func.count(AuditEvent.id)))
        old_events = s.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.case_id == hall["old"].id))
    before = case_ids(db)
    old_nos = (hall["old"].case_no, hall["window"].case_no)
    pdfs = {p.name for p in tmp_path.glob("*.pdf")}
    doomed = {n for n in pdfs if n.startswith(old_nos)}
    assert len(doomed) == 3 and pdfs - doomed  # the recent and open cases' papers are there too

    dry = run_cli("purge", "--db", db_file, "--dry-run", "--today", TODAY.isoformat(), "--papers", str(tmp_path))
    assert dry.returncode == 0, dry.stderr
    assert "试运行" in dry.stdout and "到期案件 2 件" in dry.stdout and "居住证申领：2 件" in dry.stdout
    assert "文书PDF文件 3 个" in dry.stdout
    assert case_ids(db) == before and {p.name for p in tmp_path.glob("*.pdf")} == pdfs
    with db.unit() as s:
        assert s.scalar(select(func.count(AuditEvent.id))) == events_before  # a dry run writes nothing

    # A real purge: an administrator's password and a fresh backup first, or nothing is deleted.
    from desktop import paths
    from desktop.store import backup

    backup.set_passphrase("backup-pass-123", "backup-pass-123")
    common = ("--data-dir", str(paths.data_dir()), "purge", "--db", db_file, "--today", TODAY.isoformat(),
              "--papers", str(tmp_path))
    usb = tmp_path / "usb"
    refusals = [
        (run_cli(*common), "--user"),
        (run_cli(*common, "--user", "admin", "--to", str(usb), stdin="wrong-pass-1\n"), "不正确"),
        (run_cli(*common, "--user", "zhang", "--to", str(usb), stdin="secret-456\n"), "无权清理到期数据"),
        (run_cli(*common, "--user", "admin", stdin="secret-123\n"), "必须先备份"),
    ]
    for refused, why in refusals:
        assert refused.returncode == 2 and why in refused.stderr, (why, refused.stderr)
        assert "Traceback" not in refused.stderr
        assert case_ids(db) == before and {p.name for p in tmp_path.glob("*.pdf")} == pdfs
    assert not usb.exists() or not list(usb.iterdir())
    real = run_cli(*common, "--user", "admin", "--to", str(usb), stdin="secret-123\n")
    assert real.returncode == 0, real.stderr
    assert "备份已写入" in real.stdout and len(backup.backups_in(usb)) == 1
    # The backup holds the purged cases: a mistaken rule can be undone.
    restored = backup.restore(backup.backups_in(usb)[0], "backup-pass-123", tmp_path / "undo.sqlite3")
    undo = open_database_file(restored.db)
    assert {hall["old"].id, hall["window"].id} <= case_ids(undo)
    undo.close()
    assert "已清理：到期案件 2 件，文书记录 3 份" in real.stdout and "文书PDF文件 3 个" in real.stdout
    assert case_ids(db) == before - {hall["old"].id, hall["window"].id}
    assert {p.name for p in tmp_path.glob("*.pdf")} == pdfs - doomed  # the personal data on paper goes too
    with db.unit() as s:
        assert s.scalar(select(func.count(Document.id))) == docs_before - 3
        # The audit trail of the purged cases stays, and the purge itself is one more row.
        assert s.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.case_id == hall["old"].id)) == old_events
        event = s.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
        assert event.action == "purge" and event.actor == "admin" and event.window == "CLI"
        assert event.detail["cases"] == 2 and event.detail["documents"] == 3 and event.detail["files"] == 3
        assert event.detail["by_service"] == {"residence_permit": 2} and event.detail["via"] == "command line"
        assert audit.verify(s)[0]
    example = registry.get("residence_permit").example(TODAY)["answers"]
    detail = json.dumps(event.detail, ensure_ascii=False)
    assert example["name"] not in detail and example["id_number"] not in detail
    verify = run_cli("audit", "verify", "--db", db_file)
    assert verify.returncode == 0 and "审计链完整" in verify.stdout
    again = retention.purge(db, admin, dry_run=True, today=TODAY)
    assert again.cases == 0


def test_cases_the_ebike_register_still_needs_are_kept(db, tmp_path):
    from desktop.demo.seed import seed

    admin = seed(db, tmp_path / "papers", per_state=1).staff["admin"].account
    for service_id in registry.services():
        retention.set_rule(db, admin, service_id, 1)
    result = retention.purge(db, admin, dry_run=True, today=date(2040, 1, 1))
    assert result.kept_referenced > 0 and result.cases > 0
    done = retention.purge(db, admin, dry_run=False, today=date(2040, 1, 1))
    assert (done.cases, done.kept_referenced) == (result.cases, result.kept_referenced)
    with db.unit() as s:
        assert audit.verify(s)[0]
