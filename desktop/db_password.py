"""The hall server's password: in the OS keyring when one is usable, else a file only this user reads (0600)."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from desktop import paths
from desktop.files import replace_file
from desktop.store.errors import EnvironmentFailure

log = logging.getLogger(__name__)
KEYRING_SERVICE = "HallDesk"
FILE_NAME = "db-password.json"
# NOTE: HALLDESK_KEYRING=off makes the file the store even where a keyring works (a PC whose
# keyring is locked at every start, so the clerk would be asked for its password each morning).
KEYRING_SWITCH = "HALLDESK_KEYRING"


def account_key(host: str, port: int, database: str, user: str) -> str:
    """One password per server, database and user (the keyring's "username")."""
    return f"{user}@{host}:{port}/{database}"


def _keyring():
    """The keyring module when a real backend is there (Secret Service, KWallet, Windows), else None."""
    if os.environ.get(KEYRING_SWITCH, "").lower() in ("off", "0", "no", "file"):
        return None
    try:
        import keyring
        from keyring.backends import chainer, fail, null
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001 - a broken keyring installation must not stop the hall
        log.warning("keyring unavailable", exc_info=True)
        return None
    if isinstance(backend, (fail.Keyring, null.Keyring)):
        return None
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return None
    return keyring


def file_path() -> Path:
    return paths.config_dir() / FILE_NAME


def store(key: str, password: str) -> str:
    """Keep ``password``; returns where ("keyring" or the file's path) for the set-up's audit row."""
    keyring = _keyring()
    if keyring is not None:
        try:
            keyring.set_password(KEYRING_SERVICE, key, password)
            _drop_file_entry(key)
            return "keyring"
        except Exception:  # noqa: BLE001 - locked or refusing keyring: fall back to the private file
            log.warning("keyring refused the password; keeping it in the private file", exc_info=True)
    entries = _read_file()
    entries[key] = password
    _write_file(entries)
    return str(file_path())


def load(key: str) -> str | None:
    """The stored password, or None."""
    keyring = _keyring()
    if keyring is not None:
        try:
            value = keyring.get_password(KEYRING_SERVICE, key)
        except Exception:  # noqa: BLE001
            log.warning("keyring unreadable", exc_info=True)
            value = None
        if value is not None:
            return value
    return _read_file().get(key)


def _read_file() -> dict[str, str]:
    path = file_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("password file unreadable: %s", type(exc).__name__)
        return {}
    return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}


def _write_file(entries: dict[str, str]) -> None:
    path = file_path()
    try:
        paths.private_folder(path.parent)
    except OSError as exc:
        raise EnvironmentFailure(f"无法保存数据库密码到 {path}：{exc.strerror}") from exc
    # NOTE: replace_file writes 0600 under a temporary name and renames: never a half file, never world-readable.
    replace_file(path, json.dumps(entries, ensure_ascii=False).encode("utf-8"))


def _drop_file_entry(key: str) -> None:
    entries = _read_file()
    if key in entries:
        del entries[key]
        _write_file(entries)
