"""Hall mode's backup and restore with PostgreSQL's own tools: pg_dump, pg_restore and psql (no Qt)."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from desktop.store.backup_crypto import BackupError

TIMEOUT_S = 3600


def find_tool(name: str) -> str:
    """A PostgreSQL client program: on PATH, else the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        candidate = Path(folder) / name
        if candidate.exists():
            return str(candidate)
    raise BackupError(f"找不到 PostgreSQL 工具 {name}，请安装 postgresql-client 后再备份或恢复大厅共享数据库。")


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and the environment carrying it (never in argv)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str], **kw) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run(args, env=env, capture_output=True, timeout=TIMEOUT_S, **kw)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BackupError(f"{Path(args[0]).name} 未能运行：{exc}") from exc
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise BackupError(f"{Path(args[0]).name} 失败：{detail[-1] if detail else result.returncode}")
    return result


def dump(url: str, out: Path) -> str | None:
    """``pg_dump --format=custom`` of the hall database into ``out``; its schema revision."""
    uri, env = _libpq(url)
    _run([find_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(out), "--dbname", uri], env)
    return archive_revision(out)


def archive_revision(archive: Path) -> str | None:
    """The alembic_version row inside a custom-format dump (pg_restore checks the archive as it reads)."""
    result = _run([find_tool("pg_restore"), "--data-only", "--table", "alembic_version", "--file", "-",
                   str(archive)], dict(os.environ))
    text = result.stdout.decode("utf-8", "replace")
    match = re.search(r"^COPY public\.alembic_version .*? FROM stdin;\n((?:[^\n\\][^\n]*\n)+)", text, re.M)
    # NOTE (issue 16): one row per head (the core chain's and each service branch's), as backup.py names them.
    return "+".join(sorted(line.strip() for line in match.group(1).splitlines() if line.strip())) if match else None


def restore(url: str, archive: Path, record: dict, tmp_dir: Path) -> Path:
    """Replace the hall database's content with the archive in one transaction; the old content is kept first.

    NOTE: the current content is dumped and encrypted to ``before-restore`` in the data folder, then
    psql runs DROP SCHEMA public, CREATE SCHEMA and the archive's script with --single-transaction:
    a failure anywhere rolls the server back to the old content.
    """
    from desktop import paths
    from desktop.store import backup

    before_clear = tmp_dir / "before-restore.dump"
    dump(url, before_clear)
    before = backup._write_encrypted(before_clear, paths.data_dir(), f"pg-{make_url(url).database}.before-restore"
                                     f"{backup.SUFFIX}", record,
                                     {"kind": "postgresql", "revision": archive_revision(before_clear),
                                      "created": "before-restore", "source": "before-restore"})
    script = _run([find_tool("pg_restore"), "--no-owner", "--file", "-", str(archive)], dict(os.environ)).stdout
    uri, env = _libpq(url)
    prologue = b"\\set ON_ERROR_STOP on\nDROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n"
    _run([find_tool("psql"), "--quiet", "--no-psqlrc", "--single-transaction", "-v", "ON_ERROR_STOP=1",
          "--dbname", uri, "--file", "-"], env, input=prologue + script)
    return before
