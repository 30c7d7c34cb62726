"""Encrypted backups as the UI asks for them: the case layer's door to desktop.store.backup."""

from __future__ import annotations

# NOTE: the UI never imports desktop.store (tests/test_boundaries.py). Backups are the store's work
# (a consistent copy, encryption, the key file); this module names what the backup dialog and the
# scheduler may call.
from dataclasses import dataclass

from desktop.store.backup import SUFFIX, load_key, make_backup, opened, replace_with, set_passphrase
from desktop.store.backup_crypto import BackupError, passphrase_problem

__all__ = ["SUFFIX", "BackupError", "BackupKey", "key_info", "load_key", "make_backup", "opened",
           "passphrase_problem", "replace_with", "set_passphrase"]


@dataclass(frozen=True)
class BackupKey:
    """What the backup dialog shows of the sealed key: its fingerprint and the day it was made."""

    fingerprint: str
    created_on: str  # YYYY-MM-DD, as the key file records it


def key_info() -> BackupKey | None:
    """The backup key's fingerprint and day, or None when no backup passphrase is set (the key file's JSON stays here)."""
    record = load_key()
    if record is None:
        return None
    return BackupKey(str(record["id"]), str(record["created"])[:10])
