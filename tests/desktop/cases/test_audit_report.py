"""Audit events of sessions and settings, the chain check as a permission, and the end-of-day PDF read back."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from desktop.cases import accounts, audit_report, sessions
from desktop.cases.dto import Actor
from desktop.cases.errors import ActionRefused, InputError
from desktop.cases.hall_context import HallContext
from desktop.store import audit_hashes
from desktop.store.models import AuditEvent

ROOT = Path(__file__).resolve().parents[3]
# NOTE: audit rows carry the real clock, so the report is of the real today.
DAY = date.today()


def events(db, action: str | None = None) -> list[AuditEvent]:
    with db.unit() as s:
        query = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            query = query.where(AuditEvent.action == action)
        return list(s.scalars(query))


def link(row: AuditEvent) -> str:
    """The chain's value after a row: what a printed head and an anchor name (halldesk-audit-v2)."""
    return audit_hashes.link_of(row.seq, row.prev_hash, row.hash, row.nonce)


@pytest.fixture
def clerk(db, admin):
    return accounts.create_account(db, admin, "zhang", "张伟", "clerk", "secret-456", "secret-456")


def test_lock_and_unlock_are_audited_not_counted_as_sign_ins(db, clerk):
    sessions.lock(db, clerk, "03")
    assert sessions.unlock(db, clerk, "zhang", "secret-456", "03").id == clerk.id
    assert [e.action for e in events(db)][-2:] == ["lock", "unlock"]
    assert events(db, "signin") == []


def test_another_person_may_not_unlock(db, admin, clerk):
    with pytest.raises(ActionRefused) as info:
        sessions.unlock(db, clerk, "admin", "secret-123", "03")
    assert "只能由本人" in info.value.message and "张伟" in info.value.message
    assert events(db, "unlock.refused")[0].detail == {"reason": "other_user"}
    assert events(db, "signin.failed") == []  # the locked clerk's counter is untouched


def test_wrong_passwords_at_the_lock_screen_lock_the_account(db, clerk):
    now = datetime(2026, 11, 25, 9)
    for _ in range(accounts.MAX_FAILURES - 1):
        with pytest.raises(ActionRefused, match=r"^登录名或密码不正确"):
            sessions.unlock(db, clerk, "zhang", "wrong-pass-1", "03", now)
    with pytest.raises(ActionRefused, match="锁定5分钟"):
        sessions.unlock(db, clerk, "zhang", "wrong-pass-1", "03", now)
    with pytest.raises(ActionRefused, match="锁定5分钟"):
        sessions.unlock(db, clerk, "zhang", "secret-456", "03", now + timedelta(minutes=1))
    with pytest.raises(InputError):
        sessions.unlock(db, clerk, "zhang", "", "03", now)
    assert [e.action for e in events(db)][-1] == "signin.failed"
    assert len(events(db, "account.locked")) == 1


def test_settings_change_is_audited_with_old_and_new_values(db, clerk):
    before = {"hall_name": "郑州市政务服务中心", "window_no": "03", "idle_lock_minutes": 10}
    assert sessions.settings_changed(db, clerk, "03", before, dict(before)) == {}
    assert events(db, "settings.change") == []
    sessions.settings_changed(db, clerk, "03", before, {**before, "idle_lock_minutes": 5})
    assert events(db, "settings.change")[0].detail == {"changes": {"idle_lock_minutes": {"from": 10, "to": 5}}}


def test_only_supervisors_and_admins_check_the_chain(db, admin, clerk):
    with pytest.raises(ActionRefused, match="无权"):
        audit_report.check_chain_as(db, clerk)
    assert audit_report.check_chain_as(db, admin).verdict() == f"审计链完整（{len(events(db))} 条）"
    with pytest.raises(ActionRefused):
        audit_report.write_day_report(HallContext(db, Actor(clerk, "03", "大厅"), Path("never")), DAY)


def pdf_text(path: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_end_of_day_report_read_back(db, admin, clerk, tmp_path):
    at = datetime.now()
    accounts.sign_in(db, "zhang", "secret-456", "03", at)
    with pytest.raises(ActionRefused):
        accounts.sign_in(db, "zhang", "wrong-pass-1", "03", at)
    sessions.lock(db, clerk, "03")
    sessions.unlock(db, clerk, "zhang", "secret-456", "03", at)
    accounts.sign_out(db, clerk, "03")
    with db.unit() as s:  # an event of the next day is not counted
        from desktop.store import audit

        audit.append(s, "signin", actor="zhang", window="03", at=datetime.combine(DAY + timedelta(days=1),
                                                                                   datetime.min.time()))
    out, report = audit_report.write_day_report(HallContext(db, Actor(admin, "01", "郑州市金水区政务服务中心"), tmp_path),
                                                DAY)
    assert out == tmp_path / "audit" / f"{audit_report.report_number(DAY)}-审计日报.pdf"  # the papers folder's audit/
    text = pdf_text(out)
    compact = re.sub(r"\s+", "", text)
    assert "审计日报" in text and f"SJ{DAY:%Y%m%d}" in text and "审计链完整" in text
    assert report.by_kind and dict(report.by_kind)["signin"] == 1
    for action, count in report.by_kind:
        assert re.search(rf"{re.escape(audit_report.event_label(action))}\s*{re.escape(action)}\s*{count}", text)
    assert re.search(r"张伟\s*zhang\s*5", text)  # sign-in, failure, lock, unlock, sign-out
    assert re.search(r"王丽\s*admin\s*2", text)  # the first account and the clerk's account
    assert report.last_hash == link(events(db)[-2]) and report.last_hash in compact
    assert events(db)[-1].action == "audit.report"  # the report itself is recorded afterwards
    assert events(db)[-1].detail["last_hash"] == report.last_hash


def test_report_command_line(db, admin, tmp_path, data_dir):
    db_file = db.url.split("///", 1)[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = tmp_path / "r.pdf"
    result = subprocess.run([sys.executable, "-m", "desktop", "--data-dir", str(data_dir), "audit", "report", "--db",
                             db_file, "--day", DAY.isoformat(), "--out", str(out)], cwd=ROOT, env=env,
                            capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert result.returncode == 0, result.stderr
    last = link(events(db)[-1])
    assert last in result.stdout and last in re.sub(r"\s+", "", pdf_text(out))
    bad = subprocess.run([sys.executable, "-m", "desktop", "audit", "report", "--db", db_file, "--day",
                          "2026-13-01", "--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True,
                         encoding="utf-8", timeout=60)
    assert bad.returncode == 2 and "日期无效" in bad.stderr


def test_report_prints_the_signed_head_and_keeps_it_beside_the_anchors(db, admin, clerk, tmp_path, data_dir):
    import json
    import sqlite3

    from desktop.store import audit_anchor, audit_key

    sessions.lock(db, clerk, "03")
    out, report = audit_report.write_day_report(HallContext(db, Actor(admin, "01", "大厅"), tmp_path), DAY)
    compact = re.sub(r"\s+", "", pdf_text(out))
    head = events(db)[-2]  # the report's own row comes after the head it printed
    assert report.last_id == head.seq and f"最后一条记录为第{head.seq}条" in compact
    assert f"--head{head.seq}:{link(head)}" in compact
    assert report.chain_id in compact and audit_key.fingerprint(audit_key.load()) in compact
    log = audit_anchor.anchor_file(audit_anchor.location(db.engine.url)).read_text(encoding="utf-8")
    printed = [json.loads(line) for line in log.splitlines() if '"kind":"report"' in line]
    assert [(p["seq"], p["hash"]) for p in printed] == [(head.seq, link(head))]
    # Later, the rows after the printed head are cut off and this PC's anchors are gone: the paper still tells.
    for path in audit_anchor.anchor_file(audit_anchor.location(db.engine.url)).parent.iterdir():
        path.unlink()
    db_file = db.url.split("///", 1)[1]
    with sqlite3.connect(db_file) as conn:
        conn.execute("DROP TRIGGER audit_log_no_delete")
        conn.execute("DELETE FROM audit_log WHERE seq >= ?", (head.seq,))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    typed = re.search(r"--head(\d+:[0-9a-f]{64})", compact).group(1)
    result = subprocess.run([sys.executable, "-m", "desktop", "--data-dir", str(data_dir), "audit", "verify",
                             "--db", db_file, "--head", typed], cwd=ROOT, env=env, capture_output=True, text=True,
                            encoding="utf-8", timeout=60)
    assert result.returncode == 1 and "（tail-deleted）" in result.stdout and "最后 1 条" in result.stdout
    assert "无法发现" not in result.stdout  # the printed head stood in for the lost anchors


def test_report_of_a_tampered_hall_lists_what_broke(db, admin, clerk, tmp_path):
    import sqlite3

    sessions.lock(db, clerk, "03")
    db_file = db.url.split("///", 1)[1]
    with sqlite3.connect(db_file) as conn:
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("""UPDATE audit_log SET detail = '{"reason": "none"}' WHERE action = 'lock'""")
    out, report = audit_report.write_console_report(db, DAY, tmp_path / "day.pdf", hall="大厅", window="01", clerk="王丽")
    text = pdf_text(out)
    assert not report.chain.intact and "审计记录不可信" in text and "校验发现的问题" in text
    assert "锁屏" in text and "row-changed" in text
