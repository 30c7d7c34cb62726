"""The `backup` and `restore` subcommands, and the administrator's sign-in and fresh backup a purge needs."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

EXIT_OK = 0
EXIT_FAILED = 2


def read_secret(prompt: str) -> str:
    """A password or passphrase: typed without echo at a terminal, else one line of standard input (scripts, tests)."""
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    print(prompt, end="", file=sys.stderr, flush=True)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.rstrip("\r\n")


def backup_folder(option: str | None) -> Path | None:
    """``--to``, else the folder the administrator chose in the settings, else None."""
    from desktop import settings as settings_store

    if option:
        return Path(option).expanduser()
    chosen = settings_store.load().backup_dir
    return Path(chosen) if chosen else None


def _set_passphrase() -> str | None:
    """Ask twice and keep a new backup key; the Chinese problem, or None when it is set."""
    from desktop.store import backup

    first = read_secret("新的备份口令：")
    again = read_secret("再次输入备份口令：")
    try:
        record = backup.set_passphrase(first, again)
    except backup.BackupError as exc:
        return exc.message
    print(f"备份密钥已设置（指纹 {record['id']}），保存在 {backup.key_path()}；口令本身不保存，请妥善保管。")
    return None


def _backup(args: argparse.Namespace) -> int:
    from desktop import settings as settings_store
    from desktop.store import backup

    if args.set_passphrase:
        problem = _set_passphrase()
        if problem:
            print(problem, file=sys.stderr)
            return EXIT_FAILED
    folder = backup_folder(args.to)
    if folder is None:
        print("请用 --to 指定备份文件夹（或在“管理 → 备份与恢复”中选择）。", file=sys.stderr)
        return EXIT_FAILED
    keep = args.keep if args.keep is not None else settings_store.load().backup_keep
    return _report(lambda: backup.make_backup(args.db, folder, keep=keep))


def _report(call) -> int:
    """Run a backup or restore; print its result, or its refusal in plain Chinese, and give the exit code."""
    from desktop.store import backup
    from desktop.store.errors import EnvironmentFailure

    try:
        result = call()
    except (backup.BackupError, EnvironmentFailure) as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_FAILED
    print(result.message())
    return EXIT_OK


def _restore(args: argparse.Namespace) -> int:
    from desktop.store import backup
    from desktop.store.database import SQLITE_MAGIC

    file = Path(args.file)
    try:
        with open(file, "rb") as handle:
            plain = handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError as exc:
        print(f"无法读取备份文件 {file}：{exc.strerror}", file=sys.stderr)
        return EXIT_FAILED
    passphrase = "" if plain else read_secret("备份口令：")
    return _report(lambda: backup.restore(file, passphrase, args.db))


def admin_with_fresh_backup(db, username: str | None, to: str | None):
    """Sign the administrator in (password prompted) and back up first: (account, message) or (None, refusal)."""
    from desktop.cases import accounts, permissions
    from desktop.cases.errors import ActionRefused, InputError
    from desktop.store import backup

    if not username:
        return None, "清理数据须由管理员执行：请用 --user 指定管理员登录名。"
    password = read_secret(f"管理员 {username} 的密码：")
    try:
        account = accounts.sign_in(db, username, password, window="CLI")
        with db.unit() as s:  # the role as the database has it now, not as sign-in returned it
            account = permissions.require(s, account, "purge")
    except ActionRefused as exc:
        return None, exc.message
    except InputError as exc:
        return None, "；".join(exc.errors.values())
    folder = backup_folder(to)
    if folder is None:
        return None, "清理前必须先备份：请用 --to 指定备份文件夹（或在“管理 → 备份与恢复”中选择），未删除任何数据。"
    try:
        made = backup.make_backup(db.url, folder)
    except backup.BackupError as exc:
        return None, f"清理前的备份未成功，未删除任何数据：{exc.message}"
    return account, made.message()


def register(commands: argparse._SubParsersAction) -> None:
    backup = commands.add_parser("backup", help="an encrypted online backup into a folder, keeping the newest N")
    backup.add_argument("--db", required=True, help="SQLite path or PostgreSQL URL")
    backup.add_argument("--to", default=None, metavar="DIR",
                        help="the backup folder (default: the one chosen in the settings)")
    backup.add_argument("--keep", type=int, default=None, metavar="N", help="backups of this database to keep")
    backup.add_argument("--set-passphrase", action="store_true",
                        help="set the administrator's backup passphrase first (asked twice)")
    backup.set_defaults(handler=_backup)
    restore = commands.add_parser("restore", help="check a backup completely, then replace the database with it")
    restore.add_argument("file", help="a .hdbk backup (or a plain copy from backups/ beside the database)")
    restore.add_argument("--db", required=True, help="SQLite path or PostgreSQL URL (the file need not exist)")
    restore.set_defaults(handler=_restore)
