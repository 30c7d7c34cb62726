"""The hall's audit secret: a 32-byte HMAC key in the config folder (mode 0600), exported and imported by file."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from desktop import paths
from desktop.store.errors import EnvironmentFailure, translate

HEADER = "HallDesk audit key v1"
KEY_BYTES = 32


class AuditKeyProblem(EnvironmentFailure):
    """The key is missing, unreadable or not the one the database's chain was signed with."""


def fingerprint(key: bytes) -> str:
    """The key's public id (16 hex digits), stored in each signed audit row; it reveals nothing of the key."""
    return hmac.new(key, b"HallDesk audit key id", hashlib.sha256).hexdigest()[:16]


def _parse(text: str, where: Path) -> bytes:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    try:
        if len(lines) < 2 or lines[0] != HEADER:
            raise ValueError("header")
        key = base64.b64decode(lines[1], validate=True)
        if len(key) != KEY_BYTES:
            raise ValueError("length")
    except (ValueError, binascii.Error):
        raise AuditKeyProblem(f"审计密钥文件 {where} 已损坏或不是 HallDesk 的审计密钥。") from None
    return key


def _format(key: bytes) -> str:
    return f"{HEADER}\n{base64.b64encode(key).decode('ascii')}\nfingerprint {fingerprint(key)}\n"


def _write_private(path: Path, key: bytes, *, exclusive: bool) -> None:
    """Write with mode 0600 from the first byte; whole or not at all (a reader never sees half a key)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, _format(key).encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        if exclusive:
            os.link(tmp, path)  # NOTE: fails with FileExistsError if another process was first
        else:
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


_cache: dict[Path, tuple[tuple[int, int, int], bytes]] = {}


def load(path: Path | None = None) -> bytes | None:
    """The key on this PC, or None when there is none yet (read again whenever the file changed)."""
    path = path or paths.audit_key_path()
    with translate():
        try:
            info = path.stat()
        except FileNotFoundError:
            return None
        if os.name == "posix" and info.st_mode & 0o077:
            os.chmod(path, 0o600)  # NOTE: someone loosened it; the secret is for this account only
        stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
        cached = _cache.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]  # NOTE: every commit asks; one stat instead of reading and parsing the file
        try:
            text = path.read_text(encoding="ascii", errors="replace")
        except FileNotFoundError:
            return None
    key = _parse(text, path)
    _cache[path] = (stamp, key)
    return key


def load_or_create() -> bytes:
    """The key, made at the first write of the first start (two processes racing get the same one)."""
    key = load()
    if key is not None:
        return key
    path = paths.audit_key_path()
    with translate():
        try:
            _write_private(path, secrets.token_bytes(KEY_BYTES), exclusive=True)
        except FileExistsError:
            pass  # another process of this PC made it a moment ago
    key = load()
    assert key is not None
    return key


def export_to(target: Path) -> str:
    """Copy this PC's key to ``target`` (e.g. a USB stick) for the other PCs of the hall; returns the fingerprint."""
    key = load()
    if key is None:
        raise AuditKeyProblem("本机还没有审计密钥（第一次办理业务时自动生成），无可导出。")
    with translate():
        _write_private(target, key, exclusive=False)
    return fingerprint(key)


def import_from(source: Path, *, replace: bool = False) -> str:
    """Install the hall's key from ``source``; refuses to overwrite a different key unless ``replace``."""
    with translate():
        try:
            text = source.read_text(encoding="ascii", errors="replace")
        except FileNotFoundError:
            raise AuditKeyProblem(f"找不到密钥文件：{source}") from None
    key = _parse(text, source)
    current = load()
    if current is not None and current != key and not replace:
        raise AuditKeyProblem(
            f"本机已有另一把审计密钥（指纹 {fingerprint(current)}），要导入的是 {fingerprint(key)}。"
            "确认本机应改用大厅密钥时，请加 --replace 重新导入。")
    with translate():
        _write_private(paths.audit_key_path(), key, exclusive=False)
    return fingerprint(key)
