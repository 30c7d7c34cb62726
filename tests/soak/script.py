"""A script of input steps run by a QTimer inside the program's own event loop (and its dialogs' loops)."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Generator
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer

POLL_MS = 10  # how often a waited-for condition is looked at (the event loop runs in between)


class ScriptFailed(Exception):
    """The day could not go on: a wait timed out, a widget was missing, an unexpected box showed."""


@dataclass
class Wait:
    """Yielded by a script: go on when ``ready()`` is true; fail after ``timeout_s``."""

    ready: Callable[[], object]
    what: str | Callable[[], str]  # a callable is asked only when the wait fails (e.g. the findings shown)
    timeout_s: float = 20.0

    def describe(self) -> str:
        return self.what() if callable(self.what) else self.what


Step = Generator[object, None, None]


class ScriptRunner(QObject):
    """Steps a generator: a yielded callable is an input action, a ``Wait`` a condition, None one loop turn.

    NOTE: an action may open a modal dialog (``exec()`` runs a nested event loop inside the
    action). The timer is restarted *before* the action runs, so the script goes on inside that
    nested loop (typing into the dialog); the generator is suspended while the action runs, so
    it is never re-entered.
    """

    def __init__(self, script: Step, on_finished: Callable[[BaseException | None], None]):
        super().__init__()
        self.script = script
        self.on_finished = on_finished
        self.error: BaseException | None = None
        self.done = False
        self._wait: Wait | None = None
        self._deadline = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._step)

    def start(self) -> None:
        self._timer.start(0)

    def _finish(self, error: BaseException | None) -> None:
        self.done = True
        self.error = error
        self._timer.stop()
        self.on_finished(error)

    def _step(self) -> None:
        if self.done:
            return
        try:
            if self._wait is not None:
                if not self._wait.ready():
                    if time.monotonic() > self._deadline:
                        raise ScriptFailed(f"timed out after {self._wait.timeout_s:.0f} s waiting for: "
                                           f"{self._wait.describe()}")
                    self._timer.start(POLL_MS)
                    return
                self._wait = None
            item = next(self.script)
        except StopIteration:
            self._finish(None)
            return
        except BaseException as exc:  # noqa: BLE001 - any failure ends the day and is reported
            exc.soak_trace = traceback.format_exc()  # type: ignore[attr-defined]
            self._finish(exc)
            return
        if isinstance(item, Wait):
            self._wait = item
            self._deadline = time.monotonic() + item.timeout_s
            self._timer.start(0)
            return
        self._timer.start(0)
        if callable(item):
            try:
                item()
            except BaseException as exc:  # noqa: BLE001
                exc.soak_trace = traceback.format_exc()  # type: ignore[attr-defined]
                self._finish(exc)
