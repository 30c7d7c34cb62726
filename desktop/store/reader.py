"""Read units without the ORM session: statements compiled once, run on a read-only driver connection."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from desktop.store.errors import translate

Watcher = Callable[[str, Any], None]
Run = Callable[..., list[tuple]]  # (plan, values) -> rows, inside a read unit
_NO_VALUES: Mapping[str, Any] = {}


@dataclass(frozen=True)
class Plan:
    """One statement compiled for this database: its SQL and how to bind a call's values."""

    sql: str
    names: tuple[str, ...]  # the bound parameters in the order the driver wants them
    defaults: Mapping[str, Any]  # values fixed when the statement was built (e.g. a constant IN list)
    processors: Mapping[str, Callable[[Any], Any]]  # the column type's bind conversion (dates on SQLite)
    positional: bool

    def parameters(self, values: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        bound = {}
        for name in self.names:
            value = values[name] if name in values else self.defaults[name]
            convert = self.processors.get(name)
            bound[name] = convert(value) if convert is not None and value is not None else value
        return [bound[name] for name in self.names] if self.positional else bound


class Reader:
    """Lookups and lists read here: every call is one read unit on this thread's read-only connection.

    NOTE (issue 15): the ORM session, SQLAlchemy's per-call statement building and compiled-cache
    lookup, and the read unit's BEGIN / PRAGMA query_only / COMMIT cost 10–30× the SELECT of a
    one-row lookup. Here a statement is built and compiled once per shape (``plan``) and each call
    only binds values. The read unit stays a read unit:
    - SQLite: the connection is its own (taken out of the pool, so no writer ever gets it) with
      ``PRAGMA query_only`` on for good; a single statement outside BEGIN is its own implicit read
      transaction — one snapshot, never waiting for a writer in WAL mode — so a one-statement unit
      costs just its statement. ``unit()`` wraps several statements in BEGIN … COMMIT for one snapshot.
    - PostgreSQL: the same, by the session's own characteristics: every transaction on the
      connection is REPEATABLE READ, READ ONLY, and in autocommit a single statement is its own
      such transaction — one round trip, where psycopg's implicit BEGIN and a COMMIT made three.
    """

    def __init__(self, engine: Engine):
        self.engine = engine
        self.dialect = engine.dialect
        self.is_sqlite = self.dialect.name == "sqlite"
        self._plans: dict[Hashable, Plan] = {}
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[Any] = []
        self.watchers: list[Watcher] = []  # told each statement before it runs (benchmarks, plan tests)
        # NOTE: closed with the engine's pool (Database.close, a restore from backup), so no
        # detached connection keeps the old file or its WAL open.
        event.listen(engine, "engine_disposed", lambda _engine: self.close())

    # --- statements ---
    def plan(self, key: Hashable, build: Callable[[], ClauseElement]) -> Plan:
        """The compiled statement for ``key``, built by ``build()`` the first time only."""
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._compile(build())
        return plan

    def _compile(self, statement: ClauseElement) -> Plan:
        # NOTE: render_postcompile turns an IN list fixed at build time (the services decided at the
        # window) into plain parameters, so the SQL string is final.
        compiled = statement.compile(dialect=self.dialect, compile_kwargs={"render_postcompile": True})
        assert isinstance(compiled, SQLCompiler)
        defaults = dict(compiled.construct_params(_check=False))
        positional = compiled.positiontup is not None
        names = tuple(compiled.positiontup or ()) if positional else tuple(defaults)
        processors = {}
        for name in names:
            bind = compiled.binds.get(name)
            convert = bind.type.bind_processor(self.dialect) if bind is not None else None
            if convert is not None:
                processors[name] = convert
        return Plan(compiled.string, names, defaults, processors, positional)

    # --- running ---
    def rows(self, plan: Plan, values: Mapping[str, Any] = _NO_VALUES) -> list[tuple]:
        """All rows of one statement, as plain tuples, in a read unit of its own."""
        for attempt in (1, 2):
            connection = self._connection()
            try:
                return self._execute(connection, plan, values)
            except BaseException as exc:
                # NOTE: what pool_pre_ping does for the ORM path: a connection the server dropped
                # while it sat idle (a restart, an idle timeout) is replaced once; a read is safe to repeat.
                if attempt == 1 and self._disconnected(connection, exc):
                    self._abandon(connection)
                    continue
                self._failed(connection, exc)
                raise
        raise AssertionError("unreachable")

    def _disconnected(self, connection: Any, exc: BaseException) -> bool:
        return isinstance(exc, self.dialect.loaded_dbapi.Error) and self.dialect.is_disconnect(exc, connection, None)

    @contextmanager
    def unit(self) -> Iterator[Run]:
        """Several statements in one read unit (one snapshot); yields a function running one of them."""
        connection = self._connection()

        def run(plan: Plan, values: Mapping[str, Any] = _NO_VALUES) -> list[tuple]:
            return self._execute(connection, plan, values)

        try:
            connection.execute("BEGIN")
            yield run
            connection.execute("COMMIT")
        except BaseException as exc:
            self._failed(connection, exc)
            raise

    def _execute(self, connection: Any, plan: Plan, values: Mapping[str, Any]) -> list[tuple]:
        parameters = plan.parameters(values)
        for watch in self.watchers:
            watch(plan.sql, parameters)
        # NOTE: the driver's own execute-and-fetch (sqlite3 and psycopg 3 both have it): no
        # cursor object of ours to make and close per lookup.
        return connection.execute(plan.sql, parameters).fetchall()

    def _failed(self, connection: Any, exc: BaseException) -> None:
        """Drop the connection (it may be dead or mid-transaction) and raise a driver error as the clerk's message."""
        self._abandon(connection)
        self._plain(exc)

    def _plain(self, exc: BaseException) -> None:
        if isinstance(exc, self.dialect.loaded_dbapi.Error):
            # NOTE: as SQLAlchemy's error, so translate() gives the same plain message as on the ORM
            # path; no statement parameters in it (hide_parameters): they are names and ID numbers.
            wrapped = DBAPIError.instance(None, None, exc, self.dialect.loaded_dbapi.Error, hide_parameters=True,
                                          dialect=self.dialect, ismulti=False)
            with translate():
                raise wrapped from exc

    # --- connections ---
    def _connection(self) -> Any:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = self._open()
        return connection

    def _open(self) -> Any:
        # NOTE: through the engine, so the connection gets the engine's own set-up (busy timeout,
        # WAL, driver-managed transactions off on SQLite), then detached: it never returns to the
        # pool, where a writer could take it with query_only still on.
        try:
            with translate():
                proxy = self.engine.raw_connection()
            proxy.detach()
            connection: Any = proxy.dbapi_connection
            if self.is_sqlite:
                connection.execute("PRAGMA query_only = 1")  # NOTE: autocommit already (isolation_level None)
            else:
                connection.rollback()  # NOTE: the pool's ping may have begun one; autocommit cannot change inside it
                connection.autocommit = True
                connection.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        except Exception as exc:
            self._plain(exc)  # NOTE: e.g. the file damaged under the program: the plain message
            raise
        with self._lock:
            self._connections.append(connection)
        return connection

    def _abandon(self, connection: Any) -> None:
        """After a failure the connection may be dead (server gone) or mid-transaction: open a fresh one next time."""
        if getattr(self._local, "connection", None) is connection:
            self._local.connection = None
        _close(connection)
        with self._lock:
            if connection in self._connections:
                self._connections.remove(connection)

    def close(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            _close(connection)
        self._local = threading.local()


def _close(connection: Any) -> None:
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - closing a broken or other thread's connection: nothing left to do
        pass
