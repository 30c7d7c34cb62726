"""The rotating log file (private to the user, every personal value masked) and the fatal-error trace file."""

from __future__ import annotations

import faulthandler
import json
import logging
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TextIO

from desktop import __version__, paths
from forms import checks

LOG_FILE_NAME = "halldesk.log"
MAX_BYTES = 2 * 1024 * 1024
BACKUP_COUNT = 5
FILE_MODE = 0o600
FATAL_LOG_NAME = "fatal.log"
FATAL_MAX_BYTES = 512 * 1024  # a longer file is moved to fatal.log.1 at start
_FATAL_HEADER = "=== HallDesk {version} pid {pid} started {time} ==="
_fatal_stream: TextIO | None = None  # kept open for the whole session: faulthandler writes to its fd
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Kinds of personal value (desktop.cases.log_masking decides which form fields hold which).
NAME, ID, PHONE, ADDRESS, NUMBER = "name", "id", "phone", "address", "number"
KINDS = (NAME, ID, PHONE, ADDRESS, NUMBER)

# NOTE: the shapes are the safety net for values no open case told us about. A resident ID of
# 17 digits + digit or X, also typed in groups ("4101 0519 9001 0112 34"); a mainland mobile,
# also as +86 / 86- and in groups; a passport or travel-permit number (1–2 letters + 7–8 digits).
# The look-arounds keep longer runs (case numbers, timestamps) from being half-masked.
_SEP = r"[ \t\-]?"
_ID_RE = re.compile(rf"(?<![0-9A-Za-z])(?:\d{_SEP}){{17}}[\dXx](?![0-9A-Za-z])")
_PHONE_RE = re.compile(rf"(?<![\d+])(?:\+?86{_SEP})?1[3-9]\d(?:{_SEP}\d){{8}}(?!\d)")
_PASSPORT_RE = re.compile(r"(?<![0-9A-Za-z])[A-Za-z]{1,2}\d{7,8}(?![0-9A-Za-z])")
# Shorter values are not registered: masking every "李" or "12" would make the log unreadable.
_MIN_LENGTH = {NAME: 2, ID: 5, PHONE: 7, ADDRESS: 4, NUMBER: 5}
MAX_LIVE_CASES = 64


def _digits_of_phone(value: str) -> str:
    number = checks.normalize_id(value).lstrip("+")
    return number[2:] if number.startswith("86") and len(number) > 11 else number


def _masked(kind: str, value: str) -> str:
    if kind == PHONE:
        return checks.mask_phone(_digits_of_phone(value))
    if kind in (ID, NUMBER):
        return checks.mask_id(value)
    if kind == NAME:
        return checks.mask_name(value)
    return "[地址]"


def _pattern(kind: str, value: str) -> str:
    """A regex that finds ``value`` however it was written: spaced, +86, lower case, JSON-escaped."""
    if kind in (ID, PHONE, NUMBER):
        chars = _digits_of_phone(value) if kind == PHONE else checks.normalize_id(value)
        body = _SEP.join(re.escape(c) for c in chars)
        prefix = rf"(?:\+?86{_SEP})?" if kind == PHONE else ""
        return rf"(?<![0-9A-Za-z]){prefix}{body}(?![0-9A-Za-z])"
    forms = {value, json.dumps(value)[1:-1], value.encode("unicode_escape").decode("ascii")}
    return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))


class LiveValues:
    """The personal values of the cases this process has open or worked on lately, by case."""

    def __init__(self, limit: int = MAX_LIVE_CASES):
        self._lock = threading.Lock()
        self._cases: OrderedDict[Hashable, dict[str, str]] = OrderedDict()
        self._limit = limit
        self._compiled: tuple[re.Pattern[str], dict[str, str], dict[str, str]] | None = None

    def watch(self, key: Hashable, values: Iterable[tuple[str, str]]) -> None:
        """Remember (kind, value) pairs for the case ``key``, replacing what it held before."""
        kept: dict[str, str] = {}
        for kind, value in values:
            text = str(value).strip() if value is not None else ""
            significant = text if kind in (NAME, ADDRESS) else checks.normalize_id(text)
            if kind in KINDS and len(significant) >= _MIN_LENGTH[kind]:
                kept[text] = kind
        with self._lock:
            self._cases.pop(key, None)
            if kept:
                self._cases[key] = kept
                # NOTE: bounded, so a long day at the window does not keep every applicant in memory.
                while len(self._cases) > self._limit:
                    self._cases.popitem(last=False)
            self._compiled = None

    def forget(self, key: Hashable) -> None:
        with self._lock:
            if self._cases.pop(key, None) is not None:
                self._compiled = None

    def clear(self) -> None:
        with self._lock:
            self._cases.clear()
            self._compiled = None

    def _regex(self) -> tuple[re.Pattern[str], dict[str, str], dict[str, str]] | None:
        with self._lock:
            if self._compiled is None and self._cases:
                every: dict[str, str] = {}
                for values in self._cases.values():
                    every.update(values)
                # Longest first, so an address is masked whole before a name inside it.
                ordered = sorted(every, key=len, reverse=True)
                groups = "|".join(f"(?P<v{i}>{_pattern(every[v], v)})" for i, v in enumerate(ordered))
                self._compiled = (re.compile(groups, re.IGNORECASE), {f"v{i}": v for i, v in enumerate(ordered)},
                                  every)
            return self._compiled

    def mask(self, text: str) -> str:
        compiled = self._regex()
        if compiled is None:
            return text
        regex, names, every = compiled

        def replace(m: re.Match[str]) -> str:
            if m.lastgroup is None:  # NOTE: cannot be (every alternative is a named group); never unmasked
                return "*" * len(m.group(0))
            value = names[m.lastgroup]
            return _masked(every[value], value)

        return regex.sub(replace, text)


live = LiveValues()


def mask_personal(text: str) -> str:
    """``text`` with every value of a live case masked by field, then every ID/phone/passport-like run."""
    text = live.mask(text)
    text = _ID_RE.sub(lambda m: checks.mask_id(m.group(0)), text)
    text = _PHONE_RE.sub(lambda m: checks.mask_phone(_digits_of_phone(m.group(0))), text)
    return _PASSPORT_RE.sub(lambda m: checks.mask_id(m.group(0)), text)


class MaskPersonalData(logging.Filter):
    """Masks personal values in the message and the traceback; it never drops a record."""

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


class _PrivateFile(logging.FileHandler):
    """A handler of ours (a second set-up replaces it); every file it opens is the user's alone."""

    def _open(self):
        # NOTE: created 0600 whatever the umask, rotated files keep the mode (rename), and a file
        # left by an older version is narrowed too.
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
        os.chmod(self.baseFilename, FILE_MODE)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)


class _EarlyHandler(_PrivateFile):
    """The log file until the sign-in dialog has painted: the same file, mode, format and masking, not rotated.

    NOTE: issue 15: logging.handlers (RotatingFileHandler) imports socket, pickle and queue, ≈ 7.5 ms
    of CPU the dialog's first paint need not wait for; rotate_from_now() puts the rotating handler in
    its place once the clerk can type. A session that ends before (a start-up failure) wrote a few
    lines past the limit at most; the next start's first record rotates the file.
    """


_rotating: type[_PrivateFile] | None = None


def _rotating_class() -> type[_PrivateFile]:
    """_HallDeskHandler: the rotating handler, its module imported at first use (see _EarlyHandler)."""
    global _rotating
    if _rotating is None:
        from logging.handlers import RotatingFileHandler

        class _HallDeskHandler(_PrivateFile, RotatingFileHandler):
            """Our own handler (a second set-up replaces it); every file it opens is the user's alone."""

        _rotating = _HallDeskHandler
    return _rotating


def __getattr__(name: str) -> object:
    if name == "_HallDeskHandler":  # NOTE: the class is made at first use (_rotating_class)
        return _rotating_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def log_path() -> Path:
    return paths.log_dir() / LOG_FILE_NAME


def _rotating_handler(path: Path | str) -> _PrivateFile:
    return _rotating_class()(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")  # type: ignore[call-arg]


def _dressed(handler: _PrivateFile) -> _PrivateFile:
    handler.setFormatter(logging.Formatter(_FORMAT))
    # NOTE: the filter sits on the handler, not a logger: logger filters skip records that
    # propagate up from child loggers.
    handler.addFilter(MaskPersonalData())
    return handler


def setup_logging(level: int = logging.INFO, rotating: bool = True) -> Path:
    """Send the root logger to the rotating file in the log folder; returns the file's path.

    ``rotating=False`` (the window's start): the same file through _EarlyHandler until rotate_from_now().
    """
    path = log_path()
    paths.private_folder(path.parent)
    for old in path.parent.glob(f"{LOG_FILE_NAME}*"):
        os.chmod(old, FILE_MODE)
    root = logging.getLogger()
    for stale in [h for h in root.handlers if isinstance(h, _PrivateFile)]:
        root.removeHandler(stale)
        stale.close()
    root.addHandler(_dressed(_rotating_handler(path) if rotating else _EarlyHandler(path, encoding="utf-8")))
    root.setLevel(level)
    return path


def rotate_from_now() -> None:
    """Put the rotating handler in the early one's place (call it on the GUI thread); nothing to do otherwise."""
    root = logging.getLogger()
    early = [h for h in root.handlers if isinstance(h, _EarlyHandler)]
    if not early:
        return
    root.addHandler(_dressed(_rotating_handler(early[0].baseFilename)))  # NOTE: first, so no record misses both
    for handler in early:
        root.removeHandler(handler)
        handler.close()


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
    paths.private_folder(path.parent)
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
