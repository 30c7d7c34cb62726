"""The `audit` and `purge` subcommands' arguments; the work is imported only when a command runs."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

EXIT_OK = 0
EXIT_BROKEN = 1
EXIT_FAILED = 2
T = TypeVar("T")


def _on_database(url: str, work: Callable[[Any], T]) -> T | None:
    """``work(db)`` on the database at ``url``, closed afterwards; None once a failure of the machine is on stderr."""
    from desktop.store.database import open_database
    from desktop.store.errors import EnvironmentFailure

    try:
        db = open_database(url)
        try:
            return work(db)
        finally:
            db.close()
    except EnvironmentFailure as exc:
        print(exc.message, file=sys.stderr)
        return None


def _head(text: str) -> tuple[int, str]:
    """``SEQ:HASH`` as printed on a 审计日报."""
    seq, _, digest = text.strip().partition(":")
    digest = digest.strip().lower()
    if not seq.isdigit() or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise argparse.ArgumentTypeError(f"链尾无效：{text}（应为 序号:64位哈希，抄自审计日报）")
    return int(seq), digest


def _verify(args: argparse.Namespace) -> int:
    from desktop.cases.audit_report import check_chain

    check = _on_database(args.db, lambda db: check_chain(db, heads=args.head or ()))
    if check is None:
        return EXIT_FAILED
    print(check.message())
    if check.unverifiable:
        return EXIT_FAILED
    return EXIT_OK if check.intact else EXIT_BROKEN


def _export_key(args: argparse.Namespace) -> int:
    from pathlib import Path

    from desktop.store import audit_key
    from desktop.store.errors import EnvironmentFailure

    try:
        fingerprint = audit_key.export_to(Path(args.out))
    except EnvironmentFailure as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_FAILED
    print(f"大厅审计密钥（指纹 {fingerprint}）已导出到 {args.out}。请在大厅的每台电脑上运行 "
          f"python -m desktop audit import-key {args.out}，然后删除或锁好这个文件：有了它就能伪造审计记录。")
    return EXIT_OK


def _import_key(args: argparse.Namespace) -> int:
    from pathlib import Path

    from desktop.store import audit_key
    from desktop.store.errors import EnvironmentFailure

    try:
        fingerprint = audit_key.import_from(Path(args.file), replace=args.replace)
    except EnvironmentFailure as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_FAILED
    print(f"已导入大厅审计密钥（指纹 {fingerprint}），本机今后用它签名和核对审计记录。")
    return EXIT_OK


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期无效：{text}（应为 YYYY-MM-DD）") from None


def _report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from desktop import settings as settings_store
    from desktop.cases.audit_report import write_console_report

    settings = settings_store.load()
    written = _on_database(args.db, lambda db: write_console_report(
        db, args.day, Path(args.out), hall=settings.hall_name, window=settings.window_no, clerk="（命令行）"))
    if written is None:
        return EXIT_FAILED
    out, report = written
    print(f"审计日报已写入 {out}：{args.day.isoformat()} 共 {report.total} 条事件；{report.chain.verdict()}")
    print(f"链尾：第 {report.last_id or 0} 条，哈希 {report.last_hash}")
    return EXIT_OK if report.chain.intact else EXIT_BROKEN


def _purge(args: argparse.Namespace) -> int:
    from pathlib import Path

    from desktop import settings as settings_store
    from desktop.cases.retention import purge
    from desktop.maintenance.backup_cli import admin_with_fresh_backup

    papers = Path(args.papers) if args.papers else settings_store.load().papers_dir()

    def work(db):
        if args.dry_run:  # counts only: nothing to protect
            return purge(db, None, dry_run=True, today=args.today, papers_dir=papers)
        # NOTE: deleting citizens' cases is the administrator's act, and only after a fresh backup
        # (a mistaken retention rule can then be undone): no login or no backup, no purge.
        account, said = admin_with_fresh_backup(db, args.user, args.to)
        if account is None:
            print(said, file=sys.stderr)
            return None
        print(said)
        return purge(db, account, dry_run=False, today=args.today, papers_dir=papers, window="CLI")

    result = _on_database(args.db, work)
    if result is None:
        return EXIT_FAILED
    print(result.message())
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    audit = commands.add_parser("audit", help="check the audit chain or print the end-of-day report")
    actions = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = actions.add_parser("verify", help="check the chain, its anchors, every case and paper; exit 1 if anything broke")
    verify.add_argument("--db", required=True, help="SQLite path or PostgreSQL URL")
    verify.add_argument("--head", action="append", type=_head, metavar="SEQ:HASH",
                        help="a chain head printed on a 审计日报 (repeatable)")
    verify.set_defaults(handler=_verify)
    report = actions.add_parser("report", help="the day's counts per event kind and person, and the chain head (PDF)")
    report.add_argument("--db", required=True, help="SQLite path or PostgreSQL URL")
    report.add_argument("--day", required=True, type=_day, help="YYYY-MM-DD")
    report.add_argument("--out", required=True, help="the PDF file to write")
    report.set_defaults(handler=_report)
    export = actions.add_parser("export-key", help="copy this PC's hall audit key to a file for the other PCs")
    export.add_argument("--out", required=True, help="the file to write (mode 0600), e.g. on a USB stick")
    export.set_defaults(handler=_export_key)
    imported = actions.add_parser("import-key", help="install the hall audit key from a file made by export-key")
    imported.add_argument("file", help="the key file")
    imported.add_argument("--replace", action="store_true", help="replace a different key this PC already has")
    imported.set_defaults(handler=_import_key)
    purge = commands.add_parser("purge", help="remove closed cases older than their service's retention")
    purge.add_argument("--db", required=True, help="SQLite path or PostgreSQL URL")
    purge.add_argument("--dry-run", action="store_true", help="count only, delete nothing")
    purge.add_argument("--papers", default=None,
                       help="the folder of printed PDFs whose files of purged cases are removed too "
                            "(default: the folder in the settings)")
    purge.add_argument("--user", default=None, help="the administrator's login name (the password is asked)")
    purge.add_argument("--to", default=None, metavar="DIR",
                       help="where the backup made first goes (default: the folder chosen in the settings)")
    purge.add_argument("--today", type=_day, default=None, help=argparse.SUPPRESS)  # for tests and re-runs
    purge.set_defaults(handler=_purge)
