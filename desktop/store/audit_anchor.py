"""Anchors of the audit chain outside the database: an append-only log of heads (seq, hash) per database."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from desktop import paths

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Anchor:
    chain: str
    seq: int
    hash: str
    at: str = ""
    kind: str = "write"  # write (a commit of this PC) / report (printed on a 审计日报) / paper (typed in)


def location(url: str | URL) -> str:
    """Which database this is, without a password: the resolved file of SQLite, host/port/name of PostgreSQL."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() == "sqlite":
        return "sqlite:" + str(Path(parsed.database or ":memory:").expanduser().resolve())
    return parsed.set(password=None, drivername=parsed.get_backend_name()).render_as_string(hide_password=True)


def anchor_file(where: str) -> Path:
    """One file per database location in the data folder; the name hides the path, the first line says it."""
    return paths.audit_anchor_dir() / f"{hashlib.sha256(where.encode('utf-8')).hexdigest()[:20]}.log"


def record(where: str, chain: str, seq: int, head: str, kind: str = "write") -> None:
    """Append one head. Never fails the action: the database has already committed when this runs."""
    path = anchor_file(where)
    line = json.dumps({"chain": chain, "seq": seq, "hash": head, "kind": kind,
                       "at": datetime.now().isoformat(timespec="seconds")}, separators=(",", ":")) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        new = not path.exists()
        # NOTE: O_APPEND with one short write is atomic between the processes of this PC.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            if new:
                os.write(fd, (json.dumps({"database": where}, ensure_ascii=False) + "\n").encode("utf-8"))
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)
    except OSError as exc:
        log.warning("audit anchor not written to %s: %s", path, exc)


def read(path: Path) -> tuple[list[Anchor], int]:
    """The anchors in ``path`` (none if it does not exist) and how many lines could not be read."""
    anchors: list[Anchor] = []
    bad = 0
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return [], 0
    for line in lines:
        try:
            item = json.loads(line)
            if "database" in item and "seq" not in item:
                continue
            anchors.append(Anchor(str(item["chain"]), int(item["seq"]), str(item["hash"]),
                                  str(item.get("at", "")), str(item.get("kind", "write"))))
        except (ValueError, KeyError, TypeError):
            bad += 1
    return anchors, bad
