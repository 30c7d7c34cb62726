"""Where HallDesk keeps its data, configuration, logs and shipped resources (no Qt)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "HallDesk"
_data_override: Path | None = None


def set_data_dir(path: str | os.PathLike | None) -> None:
    """Use ``path`` for data, config and logs (the ``--data-dir`` option; tests use tmp_path)."""
    global _data_override
    _data_override = Path(path) if path else None


def _base(kind: str) -> Path:
    if _data_override is not None:
        return _data_override if kind == "data" else _data_override / kind
    env = os.environ.get("HALLDESK_DATA_DIR")
    if env:
        return Path(env) if kind == "data" else Path(env) / kind
    if kind == "data":
        return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    if kind == "config":
        return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    return _base("data")


def config_dir() -> Path:
    return _base("config")


def log_dir() -> Path:
    return _base("logs")


def default_db_path() -> Path:
    return data_dir() / "halldesk.sqlite3"


def audit_key_path() -> Path:
    """The hall's audit secret (HMAC key of the audit chain): in the config folder, never in the database."""
    return config_dir() / "audit-key"


def audit_anchor_dir() -> Path:
    """The append-only logs of audit chain heads this PC wrote or printed, one file per database."""
    return data_dir() / "audit-anchors"


def resources_dir() -> Path:
    """The shipped ``resources/`` folder (the source tree's, or the frozen build's: forms.resources)."""
    from forms.resources import resource_root

    return resource_root()


PRIVATE_DIR_MODE = 0o700


def private_folder(path: Path) -> Path:
    """Make ``path`` (and missing parents) a folder only this user can enter (0700), whatever the umask."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    os.chmod(path, PRIVATE_DIR_MODE)
    return path


def private_temp_dir(name: str) -> Path:
    """A 0700 folder for previews and other temporary files, under the user's data folder.

    NOTE: never the system temp folder: /tmp is shared by every account on the PC, and a preview
    is a citizen's paper in full.
    """
    private_folder(data_dir() / "tmp")
    return private_folder(data_dir() / "tmp" / name)
