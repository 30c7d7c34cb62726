"""The rotating log file (personal numbers masked as a last safety net) and the fatal-error trace file."""

from __future__ import annotations

import faulthandler
import logging
import os
import re
from datetime import datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TextIO

from desktop import __version__, paths
from forms import checks

LOG_FILE_NAME = "halldesk.log"
FATAL_LOG_NAME = "fatal.log"
FATAL_MAX_BYTES = 512 * 1024  # a longer file is moved to fatal.log.1 at start
_FATAL_HEADER = "=== HallDesk {version} pid {pid} started {time} ==="
_fatal_stream: TextIO | None = None  # kept open for the whole session: faulthandler writes to its fd
MAX_BYTES = 2 * 1024 * 1024
BACKUP_COUNT = 5
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# NOTE: an 18-character resident ID (17 digits + digit or X) and a mainland mobile number.
# Word boundaries keep longer digit runs (case numbers, timestamps) from being half-masked.
_ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_PHONE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def mask_personal(text: str) -> str:
    """``text`` with every ID-number-like and mobile-number-like run masked."""
    text = _ID_RE.sub(lambda m: checks.mask_id(m.group(0)), text)
    return _PHONE_RE.sub(lambda m: checks.mask_phone(m.group(0)), text)


class MaskPersonalData(logging.Filter):
    """Masks personal numbers in the message and the traceback; it never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_personal(record.getMessage())
        record.args = ()
        if record.exc_info and not record.exc_text:
            # NOTE: Formatter.format() reuses exc_text when set, so the masked text is what gets written.
            record.exc_text = mask_personal(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = mask_personal(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal(record.stack_info)
        return True


class _HallDeskHandler(RotatingFileHandler):
    """Marks our own handler so a second set-up replaces it instead of adding another."""


def log_path() -> Path:
    return paths.log_dir() / LOG_FILE_NAME


def setup_logging(level: int = logging.INFO) -> Path:
    """Send the root logger to the rotating file in the log folder; returns the file's path."""
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _HallDeskHandler)]:
        root.removeHandler(old)
        old.close()
    handler = _HallDeskHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")
    handler.setFormatter(logging.Formatter(_FORMAT))
    # NOTE: the filter sits on the handler, not a logger: logger filters skip records that
    # propagate up from child loggers.
    handler.addFilter(MaskPersonalData())
    root.addHandler(handler)
    root.setLevel(level)
    return path


def fatal_log_path() -> Path:
    return paths.log_dir() / FATAL_LOG_NAME


def enable_fatal_log() -> Path:
    """Make faulthandler write a fatal error's trace (segfault, abort, a binding's fatal error) to fatal.log.

    NOTE: a separate file, not the rotating log: faulthandler writes straight to a file descriptor
    from the signal handler, where neither logging nor our masking filter can run. Its trace has
    only file names, line numbers and function names, never field values, so nothing personal.
    """
    global _fatal_stream
    path = fatal_log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.stat().st_size > FATAL_MAX_BYTES:
        path.replace(path.with_name(FATAL_LOG_NAME + ".1"))
    # NOTE: 0600: the log folder is the clerk's, and a trace names the program's files.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    stream = os.fdopen(fd, "a", encoding="utf-8")
    stream.write(_FATAL_HEADER.format(version=__version__, pid=os.getpid(),
                                      time=datetime.now().strftime("%Y-%m-%d %H:%M:%S")) + "\n")
    stream.flush()
    faulthandler.enable(file=stream, all_threads=True)
    if _fatal_stream is not None and _fatal_stream is not stream:
        _fatal_stream.close()
    _fatal_stream = stream
    return path


def fatal_trace(pid: int, path: Path | None = None) -> str:
    """What faulthandler wrote for the session with process id ``pid`` ('' when it wrote nothing)."""
    path = path or fatal_log_path()
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    marker = f" pid {pid} started "
    blocks = text.split("=== HallDesk ")
    for block in reversed(blocks):
        head, _, body = block.partition("\n")
        if marker in f" {head}":
            return body.strip()
    return ""
