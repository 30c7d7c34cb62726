"""Plates under concurrent windows (issue 13): standalone PCs side by side, and one shared register on both backends.

Two standalone SQLite files, each with its own window's block, are written by processes at once
(interleaved by the OS): no plate appears in both. On a shared database (a SQLite file declared the
hall's register, and PostgreSQL) windows with blocks and windows on the pool race: every accept
succeeds, no number is issued twice, and a block's numbers go only to its window."""

from __future__ import annotations

from datetime import datetime

import pytest
from races import HALL, PROCS, ROUNDS
from sqlalchemy import select

from desktop.cases import accounts
from desktop.cases.dto import Actor
from desktop.cases.services.ebike import plates
from desktop.cases.services.ebike.models import EbikeRegistration, PlatePool
from desktop.store.database import open_database
from desktop.store.models import Case
from forms import registry

pytestmark = pytest.mark.concurrency
NOW = datetime(2026, 11, 25, 10, 30)


def _outcomes(results):
    bad = [r for r in results if r[0] != "ok"]
    assert not bad, "a window did not get its plate:\n" + "\n".join(map(str, bad))
    return [r[1] for r in results]


def _issued(db) -> list[tuple[str, str]]:
    with db.read() as s:
        return list(s.execute(select(Case.window, EbikeRegistration.plate_no)
                              .join(Case, Case.id == EbikeRegistration.registered_case_id)))


def _number(plate: str) -> int:
    return int(plate[2:])


def test_two_standalone_pcs_issue_from_their_blocks_without_a_collision(pool, tmp_path):
    service = registry.get("ebike_registration")
    example = service.example(NOW.date())
    pcs = []
    for window, lo, hi in (("21", 10000, 19999), ("22", 20000, 29999)):
        url = f"sqlite:///{tmp_path / f'pc{window}.sqlite3'}"
        db = open_database(url)
        admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123", window=window)
        assert plates.is_standalone(db)
        plates.assign_block(db, admin, window, "郑A", 5, lo, hi)
        pcs.append((url, db, Actor(admin, window, HALL), (lo, hi)))
    for r in range(ROUNDS):
        # Half the processes are PC 21's sessions, half PC 22's, all released by one Barrier.
        tasks = []
        for i in range(PROCS):
            url, _, actor, _ = pcs[i % 2]
            answers = dict(example["answers"], frame_no=f"119TDT26{r:03d}{i:04d}")
            tasks.append((url, dict(actor=actor, service_id=service.service_id, answers=answers,
                                    materials=example["materials"], now=NOW, papers_dir=tmp_path / "papers")))
        _outcomes(pool.race_each("accept_new", tasks))
    everything = []
    for k, (_url, db, actor, (lo, hi)) in enumerate(pcs):
        issued = _issued(db)
        assert len(issued) == ROUNDS * sum(1 for i in range(PROCS) if i % 2 == k)
        assert all(w == actor.window and lo <= _number(p) <= hi for w, p in issued), issued
        everything += [p for _, p in issued]
        db.close()
    assert len(everything) == len(set(everything)) == ROUNDS * PROCS


def test_a_shared_register_issues_no_plate_twice_with_blocks_and_pool_racing(hall, pool):
    # Windows 10, 12, … (even positions) have blocks; the others draw from the shared pool, which must
    # jump over the blocks while they race. On SQLite the file is declared the hall's register.
    service = registry.get("ebike_registration")
    example = service.example(NOW.date())
    with hall.db.read() as s:
        start = s.scalar(select(PlatePool.next_no).where(PlatePool.active.is_(True)))
    admin = accounts.sign_in(hall.db, "admin", "secret-123")
    blocks = {}
    for i, clerk in enumerate(hall.clerks):
        if i % 2 == 0:
            lo = start + 2 + i * 1000  # the first block sits right above the pool's counter
            blocks[clerk.window] = (lo, lo + 999)
            plates.assign_block(hall.db, admin, clerk.window, "郑A", 5, lo, lo + 999)
    for r in range(ROUNDS):
        results = pool.race("accept_new", hall.url, [
            dict(actor=clerk, service_id=service.service_id,
                 answers=dict(example["answers"], frame_no=f"119TDT27{r:03d}{i:04d}"),
                 materials=example["materials"], now=NOW, papers_dir=hall.papers)
            for i, clerk in enumerate(hall.clerks)])
        assert len(_outcomes(results)) == PROCS
    issued = [(w, p) for w, p in _issued(hall.db) if p.startswith("郑A")]
    plates_only = [p for _, p in issued]
    assert len(plates_only) == len(set(plates_only))
    mine = [(w, p) for w, p in issued if any(lo <= _number(p) <= hi for lo, hi in blocks.values())]
    assert len(mine) == ROUNDS * len(blocks)
    for window, plate in mine:
        lo, hi = blocks[window]  # a block's number went to its own window, nobody else's
        assert lo <= _number(plate) <= hi, (window, plate)
    pooled = [(w, p) for w, p in issued if w not in blocks and _number(p) >= start]
    assert len(pooled) == ROUNDS * (PROCS - len(blocks))
