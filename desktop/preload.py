"""Load the data layer and open the database on a worker thread while the clerk types the password."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.store.database import Database


def import_data_layer() -> None:
    """Import the Qt-free modules sign-in and the main window need: SQLAlchemy, the models, the case layer.

    NOTE: issue 15: these imports were 88 % of the time to the sign-in dialog. Importing them here,
    on the worker, lets the dialog paint first; nothing here may import Qt (a test walks it).
    """
    import logging.handlers  # noqa: F401  (the rotating log, put in place after the paint: desktop/logs.py)

    import desktop.cases.accounts  # noqa: F401  (SQLAlchemy, the ORM models, argon2)
    import desktop.cases.audit_report  # noqa: F401  (the 审计 menu)
    import desktop.cases.drafts  # noqa: F401  (the recovery offer after sign-in)
    import desktop.cases.export  # noqa: F401  (the 查询 tab)
    import desktop.cases.permissions  # noqa: F401
    import desktop.cases.queries  # noqa: F401  (the case list)
    import desktop.cases.sessions  # noqa: F401  (the idle lock, the settings audit)
    import desktop.cases.worklists  # noqa: F401  (the 待办 tab)
    import desktop.store.backup  # noqa: F401  (the scheduled backups: cryptography)
    import desktop.store.opening  # noqa: F401
    from desktop.cases import services
    from forms import registry

    registry.services()  # NOTE: the service panel lists every service; their definitions load once
    # NOTE (issue 16): the main window shows a service's menu items by the permissions its case-layer
    # package declares (desktop.cases.permissions), so the packages load here, off the UI thread.
    services.load()


class DataLayer:
    """Imports the data layer and opens ``target`` once, on a worker thread or on the caller's.

    ``join()`` waits and hands back the open Database, or raises what opening it raised (an
    EnvironmentFailure for a locked, damaged or too new file), on the thread that asks.
    """

    def __init__(self, target: str | None, on_ready: Callable[[], None] | None = None,
                 after_unclean_end: bool = False):
        self.target = target
        # NOTE: quick_check only where damage is likely (desktop/store/integrity_policy.py, issue 15).
        self.after_unclean_end = after_unclean_end
        self.on_ready = on_ready  # NOTE: called on the worker thread; a Qt signal's emit is safe there
        self.done = threading.Event()
        self.db: Database | None = None
        self.has_accounts: bool | None = None
        self.error: BaseException | None = None
        self.seconds = 0.0  # how long the loading took (for the start-up benchmark and the log)
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Load on a daemon thread (a clerk who quits at sign-in need not wait for it)."""
        if self._thread is None and not self.done.is_set():
            self._thread = threading.Thread(target=self._run, name="halldesk-data-layer", daemon=True)
            self._thread.start()

    def run_here(self) -> None:
        """Load on the calling thread (first start: the dialog to show depends on the accounts)."""
        if not self.done.is_set() and self._thread is None:
            self._run()

    def join(self) -> Database:
        if self._thread is None:
            self.run_here()
        self.done.wait()
        if self.error is not None:
            raise self.error
        assert self.db is not None
        return self.db

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            import_data_layer()
            from desktop.cases import accounts
            from desktop.store import integrity_policy
            from desktop.store.database import open_database

            self.db = open_database(self.target, check=lambda f: integrity_policy.due(f, self.after_unclean_end))
            self.has_accounts = accounts.has_accounts(self.db)
        except BaseException as exc:  # noqa: BLE001 - handed to the thread that joins, raised there
            self.error = exc
        finally:
            self.seconds = time.perf_counter() - started
            self.done.set()
            if self.on_ready is not None:
                self.on_ready()
