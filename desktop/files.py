"""Writing a whole file safely: to a temporary file beside it, then replacing the target (no Qt)."""

from __future__ import annotations

from pathlib import Path

from desktop.store.errors import translate


def replace_file(target: Path, data: bytes) -> Path:
    """Write ``data`` to ``target``, making its folder; a full disk or a locked file is an EnvironmentFailure."""
    with translate():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(data)
        # NOTE: the replace is atomic, so a reader never sees half a file and a failed write
        # leaves the old file as it was.
        tmp.replace(target)
    return target
