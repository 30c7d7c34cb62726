"""The hall-wide serialised section of a write: from taking a lock every window needs to the commit, timed.

A write takes such a lock (the audit chain's advisory lock, a counter row a service's windows all
move) and holds it to the end of its transaction, so every other window that needs it waits that
long. ``enter`` marks the moment the lock is taken; when the session commits or rolls back the section ends and
every observer gets a ``Section``: how long it was held, which locks, and which slow operations
(``operation``: a PDF render, a glyph check, a file write) ran while it was open in this process.
The benchmark (bench/hall.py) reports the held times; a test asserts that no render runs inside.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Executable, event
from sqlalchemy.orm import Session

_KEY = "halldesk.hall_section"
_STEPS = "halldesk.hall_section.steps"
_RELEASED = "halldesk.hall_section.released"
# The store's own locks. NOTE (issue 16): a service names its own (the e-bike package's plate pool:
# desktop/cases/services/ebike/plate_issue.PLATE_POOL); a lock is any name a caller passes to ``enter``
# or ``at_commit``, so this module keeps the mechanism and names no service.
AUDIT_CHAIN = "audit_chain"
SQLITE_WRITE = "sqlite_write_lock"
_MODE = "halldesk_mode"  # desktop.store.database sets it in every session's info ("read" / "write")


@dataclass
class Section:
    """One transaction's hold of hall-wide locks: taken at ``start`` (perf_counter), released at ``end``."""
    start: float
    locks: list[str] = field(default_factory=list)
    operations: list[str] = field(default_factory=list)
    end: float | None = None
    committed: bool = False

    @property
    def held_ms(self) -> float:
        return ((self.end if self.end is not None else time.perf_counter()) - self.start) * 1000


_lock = threading.Lock()
_open: dict[int, Section] = {}  # id(session) -> its open section
_observers: list[Callable[[Section], None]] = []


def enter(session: Session, lock: str, since: float | None = None) -> None:
    """The caller has just taken ``lock``, which other windows wait for until this transaction ends.

    ``since``: when the lock was granted, by the wall clock (``time.time()``; the database server's
    ``clock_timestamp()`` when it is on this machine), if that was before this call."""
    section = session.info.get(_KEY)
    if section is None:
        now = time.perf_counter()
        section = Section(now if since is None else now - max(0.0, time.time() - since))
        session.info[_KEY] = section
        with _lock:
            _open[id(session)] = section
    section.locks.append(lock)


def released(session: Session, when: float) -> None:
    """The transaction's locks were released at ``when`` (wall clock: the server's, after its COMMIT),
    before the window read the reply: the section ends then, not when this process next ran."""
    if _KEY in session.info:
        session.info[_RELEASED] = when


def at_commit(session: Session, lock: str, statement: Executable) -> None:
    """Execute ``statement`` (which takes ``lock``) when the transaction commits, after everything else.

    NOTE: for a counter every window moves (a service's number series): run in the commit's tail, after
    the audit chain's lock (desktop/store/audit.LOCK_ORDER; on PostgreSQL in the same message), so its
    row lock is held inside the chain's section, not while the papers are rendered."""
    session.info.setdefault(_STEPS, []).append((lock, statement))


def take_steps(session: Session) -> list[tuple[str, Executable]]:
    """The statements ``at_commit`` registered, for a caller that executes them now (the audit's tail)."""
    return session.info.pop(_STEPS, None) or []


@contextmanager
def operation(name: str) -> Iterator[None]:
    """Mark a slow step (render, glyph check, file write); named in every section open in this process."""
    with _lock:
        for section in _open.values():
            section.operations.append(name)
    yield


def observe(callback: Callable[[Section], None]) -> Callable[[], None]:
    """Call ``callback`` with each section as it ends; returns the function that stops it."""
    _observers.append(callback)
    return lambda: _observers.remove(callback) if callback in _observers else None


class Recorder:
    """Collects the sections that end while it is open: ``with Recorder() as rec: …; rec.sections``."""

    def __init__(self) -> None:
        self.sections: list[Section] = []
        self._stop: Callable[[], None] | None = None

    def __enter__(self) -> Recorder:
        self._stop = observe(self.sections.append)
        return self

    def __exit__(self, *_exc) -> None:
        if self._stop:
            self._stop()


def run_steps(session: Session) -> None:
    """Execute the statements ``at_commit`` registered, one by one, each opening or joining the section."""
    for lock, statement in take_steps(session):
        session.execute(statement)
        enter(session, lock)


def run_leftover_steps(session: Session) -> None:
    """before_commit, after the audit's: the steps of a transaction that has no audit events to write.

    NOTE: registered by desktop/store/audit.py right after its own before_commit, so the audit runs
    the steps itself, after the chain's lock, whenever it writes events."""
    if session.in_nested_transaction():
        return  # a SAVEPOINT is released: the transaction goes on
    run_steps(session)


def _close(session: Session, committed: bool) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT released or rolled back: the transaction, and its locks, go on
    session.info.pop(_STEPS, None)
    released_at = session.info.pop(_RELEASED, None)
    section = session.info.pop(_KEY, None)
    if section is None:
        return
    now = time.perf_counter()
    section.end = now if released_at is None else now - max(0.0, time.time() - released_at)
    section.committed = committed
    with _lock:
        _open.pop(id(session), None)
    for callback in list(_observers):
        callback(section)


def _after_begin(session: Session, _transaction, connection) -> None:
    # NOTE: on SQLite a write unit holds the file's only write lock from its BEGIN IMMEDIATE to the
    # commit (desktop/store/database.py): the whole unit is the hall-wide section there.
    if connection.dialect.name == "sqlite" and session.info.get(_MODE) == "write":
        enter(session, SQLITE_WRITE)


# NOTE: inserted first, so the section ends when the COMMIT returns, before the audit anchor's file write.
event.listen(Session, "after_commit", lambda s: _close(s, True), insert=True)
event.listen(Session, "after_rollback", lambda s: _close(s, False), insert=True)
event.listen(Session, "after_begin", _after_begin)
