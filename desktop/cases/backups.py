"""Encrypted backups as the UI asks for them: the case layer's door to desktop.store.backup."""

from __future__ import annotations

# NOTE: the UI never imports desktop.store (tests/test_boundaries.py). Backups are the store's work
# (a consistent copy, encryption, the key file); this module names what the backup dialog and the
# scheduler may call.
from desktop.store.backup import SUFFIX, load_key, make_backup, opened, replace_with, set_passphrase
from desktop.store.backup_crypto import BackupError, passphrase_problem

__all__ = ["SUFFIX", "BackupError", "load_key", "make_backup", "opened", "passphrase_problem", "replace_with",
           "set_passphrase"]
