"""Race fixtures: a pool of real worker processes (spawn) and one hall per backend (SQLite file in WAL, PostgreSQL).

A folder of race tests takes them in its conftest.py (`from races import data_dir, hall, pool`): tests/concurrency
and each service's races/ folder under tests/services. Each folder gets its own data folder and pool (package scope).
"""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
import racers

from desktop import paths
from desktop.cases import accounts
from desktop.cases.dto import Actor
from desktop.cases.services.ebike import plates
from desktop.store.database import Database, open_database

# NOTE: `make test` (and so CI) runs 8 processes x 3 rounds of every race; `make races` runs the
# issue's upper bound, 30 processes, with more rounds.
PROCS = int(os.environ.get("HALLDESK_RACE_PROCS", "8"))
ROUNDS = int(os.environ.get("HALLDESK_RACE_ROUNDS", "3"))
HALL = "郑州市金水区政务服务中心"


@pytest.fixture(scope="package", autouse=True)
def data_dir(tmp_path_factory):
    """One data folder for a folder of races, shared with every worker process.

    NOTE: the audit chain is signed with the hall key in the data folder (desktop/store/audit_key.py):
    the halls, the test process and the spawned workers (which inherit HALLDESK_DATA_DIR) must all
    use the same one, as every PC of a real hall does.
    """
    folder = tmp_path_factory.mktemp("race-data")
    previous = os.environ.get("HALLDESK_DATA_DIR")
    os.environ["HALLDESK_DATA_DIR"] = str(folder)
    paths.set_data_dir(folder)
    yield folder
    paths.set_data_dir(None)
    if previous is None:
        os.environ.pop("HALLDESK_DATA_DIR", None)
    else:
        os.environ["HALLDESK_DATA_DIR"] = previous


class Racers:
    """``PROCS`` worker processes that start each call of a round together, behind one Barrier."""

    def __init__(self, procs: int):
        ctx = multiprocessing.get_context("spawn")
        self.procs = procs
        self.pool = ctx.Pool(procs, initializer=racers.init, initargs=(ctx.Barrier(procs),))
        self._warm: set[str] = set()

    def race(self, call: str, url: str, kwargs: list[dict]) -> list[tuple[str, object]]:
        assert len(kwargs) == self.procs, "one call per process, or the Barrier never opens"
        if url not in self._warm:
            # Every process opens the hall and imports the case layer first: the race itself
            # then measures the transactions, not who finished importing reportlab first.
            self.pool.map(racers.run_warm, [url] * self.procs, chunksize=1)
            self._warm.add(url)
        return self.pool.map(racers.run, [(call, url, kw) for kw in kwargs], chunksize=1)

    def race_each(self, call: str, tasks: list[tuple[str, dict]]) -> list[tuple[str, object]]:
        """Like ``race``, each process with its own database (url, kwargs): standalone PCs side by side."""
        assert len(tasks) == self.procs, "one call per process, or the Barrier never opens"
        for url in dict.fromkeys(url for url, _ in tasks):
            if url not in self._warm:  # every worker opens every database before the race
                self.pool.map(racers.run_warm, [url] * self.procs, chunksize=1)
                self._warm.add(url)
        return self.pool.map(racers.run, [(call, url, kw) for url, kw in tasks], chunksize=1)

    def close(self) -> None:
        self.pool.close()
        self.pool.join()


# NOTE: package scope: a folder's workers end with its last race, so the race folders do not keep
# PROCS idle processes each until the session ends (and each pool inherits its folder's data folder).
@pytest.fixture(scope="package")
def pool():
    workers = Racers(PROCS)
    yield workers
    workers.close()


@dataclass
class Hall:
    url: str
    db: Database
    papers: Path
    clerks: list[Actor]  # one per process, each at its own window
    supervisors: list[Actor]  # two supervisors, alternating, each process at its own window


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def hall(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"race-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'hall.sqlite3'}"
    else:
        server = request.getfixturevalue("pg_server")
        url = server.create_database(f"race_{request.module.__name__.rsplit('.', 1)[-1]}")
    db = open_database(url)
    if db.is_sqlite:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123")
    if db.is_sqlite:
        # NOTE: every racing window uses this one file, so it is the hall's register (plates.py):
        # the pool issues as in hall mode. Standalone files are raced in
        # tests/services/ebike/races/test_plate_races.py.
        plates.set_register_mode(db, admin, shared=True)
    clerk = accounts.create_account(db, admin, "zhang", "张伟", "clerk", "secret-456", "secret-456")
    sups = [accounts.create_account(db, admin, "li", "李娜", "supervisor", "secret-789", "secret-789"),
            accounts.create_account(db, admin, "zhao", "赵敏", "supervisor", "secret-000", "secret-000")]
    windows = [f"{10 + i:02d}" for i in range(PROCS)]
    yield Hall(url, db, folder / "papers", [Actor(clerk, w, HALL) for w in windows],
               [Actor(sups[i % 2], w, HALL) for i, w in enumerate(windows)])
    db.close()
