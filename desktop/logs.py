"""The rotating log file, with a filter that masks ID and mobile numbers as a last safety net."""

from __future__ import annotations

import logging
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

from desktop import paths
from forms import checks

LOG_FILE_NAME = "halldesk.log"
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
