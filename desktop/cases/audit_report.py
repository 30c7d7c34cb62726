"""Checking the audit chain and the end-of-day report: counts per event kind and per person, and the last hash."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.cases import audit_labels, permissions, status
from desktop.cases.dto import AccountInfo, Actor
from desktop.cases.hall_context import HallContext
from desktop.files import replace_file
from desktop.store import audit, audit_anchor, audit_hashes, audit_reads
from desktop.store.audit_verify import Problem
from desktop.store.database import Database
from desktop.store.models import Account, AuditEvent

EVENT_LABELS = {
    "signin": "登录", "signout": "退出登录", "signin.failed": "登录失败", "account.locked": "密码错误锁定账号",
    "lock": "锁屏", "unlock": "解锁", "unlock.refused": "他人尝试解锁",
    "account.create": "创建账号", "account.disable": "停用账号", "account.enable": "启用账号",
    "account.reset": "重置密码", "countersign": "复核签字",
    "reason.add": "新增不予许可理由", "reason.edit": "修改不予许可理由", "reason.deactivate": "停用不予许可理由",
    "reason.activate": "恢复不予许可理由", "retention.change": "修改保存期限", "purge": "清理到期案件",
    "settings.change": "修改设置", "setup.completed": "首次设置", "setup.db_password": "更换数据库密码",
    "calendar.override": "调整节假日", "params.promised": "设置承诺办结时限", "export": "导出",
    "id.reveal": "查看完整证件号码", "audit.report": "打印审计日报",
    "paper.made": "生成文书", "paper.print": "生成文书", "paper.reprint": "补打文书（生成）",
    "paper.printed": "送打印机打印", "case.extended": "延长办理期限",
    "audit.keyed": "审计链启用大厅密钥",
    "pledge.record": "登记承诺（容缺受理或告知承诺）", "pledge.fulfilled": "承诺材料已补齐",
    "case.inspected": "现场查验",
}


def event_label(action: str) -> str:
    if action in EVENT_LABELS:
        return EVENT_LABELS[action]
    declared = audit_labels.report_label(action)  # a service's own events (its package declares them)
    if declared is not None:
        return declared
    if action.startswith("case."):
        return "案件：" + status.status_label(action[5:])
    return action


@dataclass(frozen=True)
class ChainCheck:
    intact: bool
    count: int
    lines: tuple[str, ...] = ()  # the verdict, each problem, what was covered (audit_verify.Verification.lines)
    head_seq: int = 0
    head_hash: str = audit_hashes.GENESIS
    unverifiable: bool = False  # this PC has no key: nothing could be said about the signed rows
    problems: tuple[Problem, ...] = ()

    def message(self) -> str:
        """What `audit verify` prints and the menu action shows."""
        if self.lines:
            return "\n".join(self.lines)
        return f"审计链完整（{self.count} 条）" if self.intact else "审计链不完整"

    def verdict(self) -> str:
        return self.message().split("\n", 1)[0]


def _check(s: Session, heads: Iterable[tuple[int, str]] = ()) -> ChainCheck:
    v = audit.check(s, heads=heads, label=event_label)
    return ChainCheck(v.intact, v.rows, tuple(v.lines()), v.head_seq, v.head_hash, v.unverifiable,
                      tuple(v.problems))


def check_chain(db: Database, heads: Iterable[tuple[int, str]] = ()) -> ChainCheck:
    """The whole check (chain, anchors, cases, papers); ``heads``: (seq, hash) copied from printed reports."""
    with db.read() as s:  # one snapshot of the whole chain, and no writer waits for the check
        return _check(s, heads)


def check_chain_as(db: Database, who: AccountInfo) -> ChainCheck:
    """The menu action: supervisors and administrators only."""
    with db.unit() as s:
        permissions.require(s, who, "audit")
    return check_chain(db)


@dataclass(frozen=True)
class DayReport:
    day: date
    total: int
    by_kind: tuple[tuple[str, int], ...]  # (action, count), most frequent first
    by_person: tuple[tuple[str, str, int, str], ...]  # (username, display name, count, top kinds)
    last_id: int | None  # the seq of the chain's newest row when the report was made
    last_hash: str
    day_last_hash: str | None  # the day's last row, which later rows chain onto
    chain: ChainCheck
    made_at: datetime
    chain_id: str = ""  # the database's chain, signed into every row
    key_id: str = ""  # the fingerprint of the hall key that signs it


def day_report(db: Database, day: date, now: datetime | None = None) -> DayReport:
    start = datetime.combine(day, time.min)
    with db.read() as s:
        rows = s.execute(select(AuditEvent.action, AuditEvent.actor, AuditEvent.seq, AuditEvent.prev_hash,
                                AuditEvent.hash, AuditEvent.nonce).where(
            AuditEvent.at >= start, AuditEvent.at < start + timedelta(days=1)).order_by(AuditEvent.seq)).all()
        names = dict(s.execute(select(Account.username, Account.display_name)).all())
        head = audit_reads.read_head(s.connection())
        chain = audit_reads.chain_row(s.connection())
        check = _check(s)
    kinds = Counter(r.action for r in rows)
    people: dict[str, Counter] = {}
    for r in rows:
        people.setdefault(r.actor or "", Counter())[r.action] += 1
    by_person = []
    for username, counter in sorted(people.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        top = "、".join(f"{event_label(a)} {n}" for a, n in counter.most_common(4))
        name = names.get(username, "（未登录）" if not username else username)
        by_person.append((username or "—", name, sum(counter.values()), top))
    return DayReport(
        day=day, total=len(rows),
        by_kind=tuple(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
        by_person=tuple(by_person),
        last_id=head.seq or None, last_hash=head.hash,
        day_last_hash=(audit_hashes.link_of(rows[-1].seq or 0, rows[-1].prev_hash, rows[-1].hash, rows[-1].nonce)
                       if rows else None),  # the chain's value after the day's last row
        chain=check, made_at=now or datetime.now(),
        chain_id=chain.chain_id if chain else "", key_id=head.key_id or "",
    )


def report_number(day: date) -> str:
    return f"SJ{day:%Y%m%d}"


def day_report_snapshot(report: DayReport, hall: str, window: str, clerk: str) -> dict:
    """The paper (kind audit_day_report): no applicant, no personal data — event codes, counts, login names."""
    day_text = f"{report.day.year}年{report.day.month}月{report.day.day}日"
    kinds = [[event_label(a), a, str(n)] for a, n in report.by_kind] or [["（当日无事件）", "—", "0"]]
    people = [[name, user, str(n), top] for user, name, n, top in report.by_person] or [["—", "—", "0", "—"]]
    chain_text = report.chain.verdict().rstrip("。")
    seq = report.last_id or 0
    hashes = [f"截至本报告生成时，审计链最后一条记录为第 {seq} 条，其哈希值为：", report.last_hash]
    if report.day_last_hash and report.day_last_hash != report.last_hash:
        hashes += ["当日最后一条记录的哈希值为：", report.day_last_hash]
    if report.chain_id:
        hashes.append(f"审计链标识 {report.chain_id}" + (f"，签名密钥指纹 {report.key_id}" if report.key_id else ""))
    hashes += ["请将本日报签字存档。今后核对时运行：",
               f"python -m desktop audit verify --db 数据库 --head {seq}:{report.last_hash}",
               "若有人删除、改动当日及以前的记录或重新计算哈希，校验将报告与此值不符。"]
    return {
        "kind": "audit_day_report", "title": "审计日报",
        "service_name": f"{day_text} 全天操作记录统计",
        "case_no": report_number(report.day), "hall": hall, "window": window, "clerk": clerk,
        "issued_at": report.made_at.strftime("%Y-%m-%d %H:%M"),
        "intro": (f"{day_text}本大厅共记录操作事件 {report.total} 条。校验结果：{chain_text}。"
                  "本日报由 HallDesk 根据审计记录自动生成，只列事件类别、次数和登录名，不含申请人个人信息。"),
        "sections": [
            {"heading": "按事件类别", "type": "table", "columns": ["事件", "事件代码", "次数"], "rows": kinds},
            {"heading": "按经办人", "type": "table", "columns": ["经办人", "登录名", "事件数", "主要事件"],
             "rows": people},
            {"heading": "链尾哈希", "type": "text", "text": "\n".join(hashes)},
            *([{"heading": "校验发现的问题", "type": "text",
                "text": "\n".join(line.lstrip("· ") for line in report.chain.lines[1:-1])}]
              if not report.chain.intact and len(report.chain.lines) > 2 else []),
        ],
        "signature": {"label": "审核人（签字）", "date": day_text},
    }


def write_day_report(hall: HallContext, day: date, *, now: datetime | None = None) -> tuple[Path, DayReport]:
    """From the menu: the report into the papers folder's ``audit/``, in the hall's font; the print is audited."""
    actor = hall.actor
    out = hall.papers_folder() / "audit" / f"{report_number(day)}-审计日报.pdf"
    return _write_report(hall.db, day, out, actor.hall, actor.window, actor.account.display_name, actor,
                         hall.font_path, now)


def write_console_report(db: Database, day: date, out: Path, *, hall: str, window: str, clerk: str,
                         now: datetime | None = None) -> tuple[Path, DayReport]:
    """From the command line (`python -m desktop audit report`): to ``out`` in the bundled font.

    NOTE: nobody is signed in at the console, so there is no permission to check and no actor to
    audit — whoever can open the database file can read its audit log anyway."""
    return _write_report(db, day, out, hall, window, clerk, None, None, now)


def _write_report(db: Database, day: date, out: Path, hall: str, window: str, clerk: str, actor: Actor | None,
                  font_path: str | None, now: datetime | None) -> tuple[Path, DayReport]:
    """Render the report to ``out``; with an ``actor`` the permission is checked and the print itself audited."""
    from desktop import documents  # NOTE: reportlab loads only when a report is made

    if actor is not None:
        with db.unit() as s:
            permissions.require(s, actor, "audit")
    report = day_report(db, day, now)
    pdf = documents.render_pdf(day_report_snapshot(report, hall, window, clerk), font_path=font_path or None)
    replace_file(out, pdf)
    if report.chain_id and report.last_id:
        # NOTE: the printed head is also kept beside this PC's own heads: the paper and the file agree.
        audit_anchor.record(audit_anchor.location(db.engine.url), report.chain_id, report.last_id,
                            report.last_hash, kind="report")
    if actor is not None:
        with db.unit() as s:
            permissions.require(s, actor, "audit")
            audit.append(s, "audit.report", actor=actor.account.username, window=actor.window,
                         detail={"day": day.isoformat(), "total": report.total, "last_seq": report.last_id, "last_hash": report.last_hash})
    return out, report
