"""`audit verify`: the chain (order, links, signatures), its anchors, and every case and paper against its last event."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Connection, Row, Table, Text, cast, func, select

from desktop.store import audit_anchor, audit_hashes, audit_key, audit_reads
from desktop.store.models import AuditEvent, Case, Document

BATCH = 1000
# NOTE: before 0010 two windows could chain onto the same head (the fork in issue 18). Such a row
# is honest: its own hash is right and its prev_hash is the hash of a row shortly before it.
LEGACY_FORK_WINDOW = 256
# NOTE: a v2 row's seen head is a few rows behind it (the windows that committed while it signed);
# links that far back are kept in memory, older ones read again (verify walks millions of rows).
RECENT_LINKS = 100_000


@dataclass(frozen=True)
class Problem:
    code: str  # English, stable: tail-deleted, row-changed, case-changed, …
    message: str  # Chinese, for the administrator
    seq: int | None = None
    case_no: str | None = None


@dataclass
class Verification:
    rows: int = 0  # chain rows checked in order
    legacy_rows: int = 0
    legacy_forks: int = 0
    head_seq: int = 0
    head_hash: str = audit_hashes.GENESIS
    chain_id: str | None = None
    key_id: str | None = None
    cases_checked: int = 0
    cases_unchecked: int = 0  # last event carries no case hash (before 0010, or bench/generate.py's bulk rows)
    documents_checked: int = 0
    documents_unchecked: int = 0
    anchors_checked: int = 0
    anchors_known: int = 0  # heads of this chain in the anchor file and typed in from paper
    anchor_file: Path | None = None
    problems: list[Problem] = field(default_factory=list)
    unverifiable: bool = False  # no key on this PC: the signatures could not be checked at all

    @property
    def intact(self) -> bool:
        return not self.problems

    @property
    def first_broken_seq(self) -> int | None:
        return next((p.seq for p in self.problems if p.seq is not None), None)

    def lines(self) -> list[str]:
        """What `audit verify` prints: the verdict, then each problem, then what was covered."""
        out: list[str] = []
        if self.intact:
            out.append(f"审计链完整（{self.rows} 条）")
        else:
            out.append(f"审计记录不可信：发现 {len(self.problems)} 处问题")
            out += [f"· {p.message}（{p.code}）" for p in self.problems[:50]]
            if len(self.problems) > 50:
                out.append(f"· ……另有 {len(self.problems) - 50} 处问题未列出")
        covered = [f"链尾第 {self.head_seq} 条，哈希 {self.head_hash}"]
        covered.append(f"核对案件 {self.cases_checked} 件、文书 {self.documents_checked} 份的存储内容")
        if self.cases_unchecked or self.documents_unchecked:
            covered.append(f"案件 {self.cases_unchecked} 件、文书 {self.documents_unchecked} 份的最后一条记录没有内容哈希"
                           "（升级前写入或批量生成），未核对内容")
        if self.legacy_rows:
            covered.append(f"前 {self.legacy_rows} 条为升级前的普通哈希记录"
                           + (f"，其中 {self.legacy_forks} 条为旧版本多窗口并发造成的分叉（不是篡改）" if self.legacy_forks else ""))
        if self.anchors_known:
            covered.append(f"锚点 {self.anchors_checked} 个已核对" + (f"（{self.anchor_file}）" if self.anchor_file else ""))
        else:
            covered.append(f"本机没有这个数据库的锚点（{self.anchor_file or '未指定'}），无法发现删除最后几条记录；"
                           "可用 --head 核对审计日报上的链尾")
        out.append("；".join(covered) + "。")
        return out


def _parse_at(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def _parse_json(value: str | None) -> Any:
    try:
        return json.loads(value) if value is not None else None
    except ValueError:
        return _UNREADABLE


_UNREADABLE = object()


class _Checker:
    def __init__(self, conn: Connection, key: bytes | None, anchors: list[audit_anchor.Anchor],
                 anchor_file: Path | None, label: Callable[[str], str]):
        self.conn = conn
        self.key = key
        self.label = label
        self.result = Verification(anchor_file=anchor_file)
        self.key_id = audit_key.fingerprint(key) if key is not None else None
        self.result.key_id = self.key_id
        chain = audit_reads.chain_row(conn)
        self.chain_id = chain.chain_id if chain else None
        self.legacy_seq = chain.legacy_seq if chain else None
        self.result.chain_id = self.chain_id
        self.anchors = anchors

    def add(self, code: str, message: str, seq: int | None = None, case_no: str | None = None) -> None:
        self.result.problems.append(Problem(code, message, seq, case_no))

    def _where(self, seq: int, at: datetime | None, action: str) -> str:
        when = at.strftime("%Y-%m-%d %H:%M:%S") if at else "时间不明"
        return f"第 {seq} 条记录（{when}，{self.label(action)}，事件代码 {action}）"

    # -- the chain ---------------------------------------------------------------------------

    def chain(self) -> None:
        t = AuditEvent.__table__
        unplaced = self.conn.scalar(select(func.count()).select_from(t).where(t.c.seq.is_(None))) or 0
        if unplaced:
            self.add("row-inserted", f"有 {unplaced} 条审计记录没有链上的序号：它们是在程序之外插入的。")
        if self.chain_id is None and self.conn.scalar(select(func.count()).select_from(t)):
            self.add("chain-row-missing", "审计链的标识记录（audit_chain 表）被删除，已签名的记录无法核对。")
        mine = [a for a in self.anchors if a.chain == self.chain_id]
        self.result.anchors_known = len(mine)
        written = [a for a in self.anchors if a.kind != "paper"]
        if written and written[-1].chain != self.chain_id:
            last = written[-1]
            self.add("chain-replaced",
                     f"本机记录过这个数据库的审计链（标识 {last.chain}，已到第 {last.seq} 条），"
                     f"现在的数据库却是另一条链（标识 {self.chain_id or '无'}）：整条审计链被删除重建，或数据库文件被替换。")
        expected_anchor: dict[int, audit_anchor.Anchor] = {}
        for a in mine:
            expected_anchor.setdefault(a.seq, a)
        query = (select(t.c.seq, cast(t.c.at, Text), t.c.actor, t.c.window, t.c.action, t.c.case_id,
                        cast(t.c.detail, Text), t.c.case_hash, t.c.document_id, t.c.document_hash, t.c.key_id,
                        t.c.prev_hash, t.c.hash, t.c.nonce, t.c.seen_seq)
                 .where(t.c.seq.is_not(None)).order_by(t.c.seq))
        prev, expected, seen_signed = audit_hashes.GENESIS, 1, False
        recent: deque[str] = deque(maxlen=LEGACY_FORK_WINDOW)
        self._links: dict[int, str] = {0: audit_hashes.GENESIS}
        broken = False
        for (seq, at_text, actor, window, action, case_id, detail_text, case_hash, document_id, document_hash,
             key_id, prev_hash, digest, nonce, seen_seq) in self.conn.execution_options(yield_per=5000).execute(query):
            at, detail = _parse_at(at_text), _parse_json(detail_text)
            where = self._where(seq, at, action)
            if seq != expected:
                first = expected
                self.add("rows-deleted", f"第 {first}–{seq - 1} 条审计记录被删除（链在{where}之前断开）。", first)
                broken = True
                break
            if at is None or detail is _UNREADABLE:
                self.add("row-changed", f"{where}已无法读取：被程序之外改动过。", seq)
                broken = True
                break
            if key_id is None:
                if seen_signed or nonce is not None or (self.legacy_seq is not None and seq > self.legacy_seq):
                    self.add("unsigned-row", f"{where}没有密钥签名，却在升级之后：它是在程序之外写入的。", seq)
                    broken = True
                    break
                if digest != audit_hashes.event_hash(at, actor, window, action, case_id, detail, prev_hash):
                    self.add("row-changed", f"{where}的内容与它的哈希不符：这条记录被修改过。", seq)
                    broken = True
                    break
                if prev_hash != prev:
                    if prev_hash in recent:
                        self.result.legacy_forks += 1
                    else:
                        self.add("link-broken", f"{where}没有接在前一条之后：它之前的记录被修改或删除过。", seq)
                        broken = True
                        break
                recent.append(digest)
                self.result.legacy_rows += 1
            else:
                seen_signed = True
                if self.key is None:
                    self.result.unverifiable = True
                    self.add("no-key", "本机没有大厅的审计密钥，无法核对签名。请管理员导入密钥："
                                       "python -m desktop audit import-key 文件。", seq)
                    broken = True
                    break
                if key_id != self.key_id:
                    self.add("key-mismatch",
                             f"{where}由另一把密钥（指纹 {key_id}）签名，本机的密钥是 {self.key_id}："
                             "要么本机的密钥不是大厅密钥（请导入），要么这些记录是伪造的。", seq)
                    broken = True
                    break
                if nonce is not None:
                    # NOTE (halldesk-audit-v2): the row's place first (its link to the row before, which
                    # anyone can recompute), then its signature, which covers the head its writer saw —
                    # at or before the row before it: the link there, as recomputed here, must be the one
                    # it signed, so nothing up to that place was deleted, inserted or reordered.
                    if prev_hash != prev:
                        self.add("link-broken", f"{where}没有接在前一条之后：它之前的记录被修改或删除过。", seq)
                        broken = True
                        break
                    if not isinstance(seen_seq, int) or not 0 <= seen_seq < seq:
                        self.add("row-changed", f"{where}签名时审计链已有第 {seen_seq} 条，它却排在第 {seq} 条："
                                                "它之前的记录被删除过，或这条记录被改动过。", seq)
                        broken = True
                        break
                    seen_link = self._link_at(seen_seq)
                    if (self.chain_id is None or seen_link is None
                            or digest != audit_hashes.signed_hash_v2(
                                self.key, self.chain_id, nonce, seen_seq, seen_link, at, actor, window, action,
                                case_id, detail, case_hash, document_id, document_hash, key_id)):
                        self.add("row-changed", f"{where}的签名不符：这条记录被修改过，或它签名时看到的第 {seen_seq} 条"
                                                "及以前的记录被删除、插入或调换过。", seq)
                        broken = True
                        break
                else:
                    if self.chain_id is None or digest != audit_hashes.signed_hash(
                            self.key, self.chain_id, seq, at, actor, window, action, case_id, detail, case_hash,
                            document_id, document_hash, key_id, prev_hash):
                        self.add("row-changed", f"{where}的签名不符：这条记录被修改过，或被没有密钥的人重新计算过哈希。", seq)
                        broken = True
                        break
                    if prev_hash != prev:
                        self.add("link-broken", f"{where}没有接在前一条之后：它之前的记录被修改或删除过。", seq)
                        broken = True
                        break
            link = audit_hashes.link_of(seq, prev_hash, digest, nonce)
            self._remember(seq, link)
            anchor = expected_anchor.get(seq)
            if anchor is not None:
                self.result.anchors_checked += 1
                if anchor.hash != link:
                    self.add("history-rewritten",
                             f"{where}与本机锚点（{anchor.at}记下的哈希）不符：从这一条起的历史被重写过。", seq)
                    broken = True
                    break
            prev, expected = link, expected + 1
            self.result.rows += 1
        self.result.head_seq, self.result.head_hash = expected - 1, prev
        if not broken:
            self._duplicates()
        if not broken and mine:
            top = max(mine, key=lambda a: a.seq)
            head = self.result.head_seq
            if top.seq > head:
                if head == 0:
                    self.add("all-deleted", f"审计记录已被全部删除：本机锚点记录到第 {top.seq} 条（{top.at}），"
                                            "数据库里一条也没有了。", 1)
                else:
                    n = top.seq - head
                    self.add("tail-deleted", f"最后 {n} 条审计记录（第 {head + 1}–{top.seq} 条）被删除："
                                             f"本机锚点记录到第 {top.seq} 条（{top.at}），数据库只到第 {head} 条。", head + 1)

    def _remember(self, seq: int, link: str) -> None:
        self._links[seq] = link
        self._links.pop(seq - RECENT_LINKS, None)

    def _link_at(self, seq: int) -> str | None:
        """The chain's link after row ``seq`` (checked already: it is before the row being checked)."""
        if seq in self._links:
            return self._links[seq]
        t = AuditEvent.__table__
        row = self.conn.execute(select(t.c.seq, t.c.prev_hash, t.c.hash, t.c.nonce).where(t.c.seq == seq)).first()
        return None if row is None else audit_hashes.link_of(*row)

    def _duplicates(self) -> None:
        """A v2 row signs a random nonce, so two rows with one nonce are a copy of a signed row."""
        t = AuditEvent.__table__
        twice = self.conn.execute(select(t.c.nonce, func.min(t.c.seq), func.max(t.c.seq))
                                  .where(t.c.nonce.is_not(None)).group_by(t.c.nonce)
                                  .having(func.count() > 1).order_by(func.min(t.c.seq)).limit(1)).first()
        if twice is not None:
            self.add("row-copied", f"第 {twice[2]} 条审计记录是第 {twice[1]} 条的复制（同一个签名出现两次）："
                                   "它是在程序之外插入的。", twice[2])

    # -- what the rows are about ----------------------------------------------------------------

    def _purges(self) -> tuple[list[tuple[int, list[list[int]]]], list[int]]:
        """(seq, id ranges) of purges that named their cases; seqs of older purges that did not."""
        t = AuditEvent.__table__
        named, unnamed = [], []
        for seq, detail_text in self.conn.execute(select(t.c.seq, cast(t.c.detail, Text))
                                                  .where(t.c.action == "purge", t.c.seq.is_not(None))):
            detail = _parse_json(detail_text)
            ranges = detail.get("case_ids") if isinstance(detail, dict) else None
            if isinstance(ranges, list):
                named.append((seq, ranges))
            else:
                unnamed.append(seq)
        return named, unnamed

    def _purged(self, case_id: int, last_seq: int, purges) -> bool:
        named, unnamed = purges
        for seq, ranges in named:
            if seq > last_seq and any(isinstance(r, list) and len(r) == 2 and r[0] <= case_id <= r[1] for r in ranges):
                return True
        return any(seq > last_seq for seq in unnamed)

    def _latest(self, column, ids: list[int]) -> dict[int, Any]:
        t = AuditEvent.__table__
        last = (select(column.label("ref"), func.max(t.c.seq).label("m")).where(column.in_(ids))
                .group_by(column).subquery())
        query = select(last.c.ref, t.c.seq, t.c.case_hash, t.c.document_hash, t.c.key_id, cast(t.c.at, Text),
                       t.c.action).join(last, t.c.seq == last.c.m)
        return {row[0]: row for row in self.conn.execute(query)}

    def _batches(self, table: Table, columns: list[Column[Any]]) -> Iterable[Sequence[Row[*tuple[Any, ...]]]]:
        after = 0
        while True:
            rows = self.conn.execute(select(table.c.id, *columns).where(table.c.id > after)
                                     .order_by(table.c.id).limit(BATCH)).all()
            if not rows:
                return
            yield rows
            after = rows[-1][0]

    @staticmethod
    def _case_name(case_no: str | None, case_id: int) -> str:
        return f"案件 {case_no}" if case_no else f"草稿案件（内部编号 {case_id}）"

    def cases(self) -> None:
        c = Case.__table__
        for rows in self._batches(c, [c.c.case_no]):
            ids = [r[0] for r in rows]
            latest = self._latest(AuditEvent.__table__.c.case_id, ids)
            texts = audit_hashes.stored_texts(self.conn, c, audit_hashes.CASE_COLUMNS, ids)
            for case_id, case_no in rows:
                name = self._case_name(case_no, case_id)
                event = latest.get(case_id)
                if event is None:
                    self.add("case-untracked", f"{name}没有任何审计记录：这个案件是在程序之外写入的。",
                             case_no=case_no)
                    continue
                if event.key_id is None or event.case_hash is None:
                    self.result.cases_unchecked += 1
                    continue
                self.result.cases_checked += 1
                if audit_hashes.content_hash("case", audit_hashes.CASE_COLUMNS, texts[case_id]) != event.case_hash:
                    where = self._where(event.seq, _parse_at(event[5]), event.action)
                    self.add("case-changed",
                             f"{name}的存储内容（申请信息、材料、审查结论、状态等）与它最后一条审计记录"
                             f"（{where}）不符：案件在程序之外被改动过。", event.seq, case_no)

    def missing_cases(self) -> set[int]:
        """Cases the audit names that are gone: fine after a purge that removed them, else a deletion."""
        t, c = AuditEvent.__table__, Case.__table__
        purges = self._purges()
        excused: set[int] = set()
        query = (select(t.c.case_id, func.max(t.c.seq)).where(t.c.case_id.is_not(None), t.c.seq.is_not(None),
                                                            t.c.case_id.not_in(select(c.c.id)))
                 .group_by(t.c.case_id))
        for case_id, last_seq in self.conn.execute(query).all():
            if self._purged(case_id, last_seq, purges):
                excused.add(case_id)
                continue
            case_no = None
            for detail_text, in self.conn.execute(select(cast(t.c.detail, Text)).where(t.c.case_id == case_id)):
                detail = _parse_json(detail_text)
                if isinstance(detail, dict) and isinstance(detail.get("case_no"), str):
                    case_no = detail["case_no"]
            self.add("case-deleted", f"{self._case_name(case_no, case_id)}的案件记录被删除"
                                     f"（审计链到第 {last_seq} 条还在记录它，之后没有清理到期案件的记录）。",
                     last_seq, case_no)
        return excused

    def _case_numbers(self, case_ids: Iterable[int]) -> dict[int, str | None]:
        c = Case.__table__
        return dict(self.conn.execute(select(c.c.id, c.c.case_no).where(c.c.id.in_(set(case_ids)))).all())

    def documents(self, purged: set[int]) -> None:
        d = Document.__table__
        for rows in self._batches(d, [d.c.case_id, d.c.title, d.c.copy_no]):
            ids = [r[0] for r in rows]
            numbers = self._case_numbers(r[1] for r in rows)
            latest = self._latest(AuditEvent.__table__.c.document_id, ids)
            texts = audit_hashes.stored_texts(self.conn, d, audit_hashes.DOCUMENT_COLUMNS, ids)
            for doc_id, case_id, title, copy_no in rows:
                case_no = numbers.get(case_id)
                name = f"{self._case_name(case_no, case_id)}的文书《{title}》（第 {copy_no} 份，文书编号 {doc_id}）"
                event = latest.get(doc_id)
                if event is None:
                    self.add("document-untracked", f"{name}没有打印记录：这份文书是在程序之外写入的。",
                             case_no=case_no)
                    continue
                if event.key_id is None or event.document_hash is None:
                    self.result.documents_unchecked += 1
                    continue
                self.result.documents_checked += 1
                if audit_hashes.content_hash("document", audit_hashes.DOCUMENT_COLUMNS, texts[doc_id]) != event.document_hash:
                    self.add("document-changed",
                             f"{name}的存储快照或 PDF 校验值与打印时的审计记录（第 {event.seq} 条）不符："
                             "文书在程序之外被改动过。", event.seq, case_no)
        t = AuditEvent.__table__
        gone = (select(t.c.document_id, t.c.case_id, func.max(t.c.seq))
                .where(t.c.document_id.is_not(None), t.c.document_id.not_in(select(d.c.id)))
                .group_by(t.c.document_id, t.c.case_id))
        for doc_id, case_id, seq in self.conn.execute(gone).all():
            if case_id in purged:
                continue
            case_no = self._case_numbers([case_id]).get(case_id) if case_id is not None else None
            self.add("document-deleted", f"{self._case_name(case_no, case_id)}的文书（文书编号 {doc_id}，"
                                         f"第 {seq} 条记录打印）被删除。", seq, case_no)


def verify(conn: Connection, *, key: bytes | bool | None = True, anchors: list[audit_anchor.Anchor] | None = None,
           anchor_file: Path | bool | None = True, heads: Iterable[tuple[int, str]] = (),
           label: Callable[[str], str] = lambda action: action) -> Verification:
    """Everything `audit verify` checks. ``key`` True: this PC's key; ``anchor_file`` True: this database's
    anchor log in the data folder (False: none); ``heads``: (seq, hash) copied from printed reports."""
    if key is True:
        key = audit_key.load()
    if anchor_file is True:
        anchor_file = audit_anchor.anchor_file(audit_anchor.location(conn.engine.url))
    found: list[audit_anchor.Anchor] = list(anchors or [])
    if anchor_file:
        found = audit_anchor.read(anchor_file)[0] + found
    checker = _Checker(conn, key or None, [], anchor_file or None, label)
    found += [audit_anchor.Anchor(checker.chain_id or "", seq, digest, "纸面", "paper") for seq, digest in heads]
    checker.anchors = found
    checker.chain()
    checker.cases()
    checker.documents(checker.missing_cases())
    return checker.result
