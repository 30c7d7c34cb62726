"""Issue 15: what every window of a hall waits for is only an accept's commit tail, never its papers.

On a real PostgreSQL server: the hall-wide serialised section (the audit chain's lock, the plate
pool's row) is recorded by desktop.store.hall_section, with the slow steps that ran inside it; and
with both locks held by another connection, an accept renders and stages its papers before it waits.
"""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from sqlalchemy import create_engine, func, select, text

from desktop.cases import accounts, intake
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from desktop.cases.services.ebike.models import EbikeRegistration, PlatePool
from desktop.files import PENDING
from desktop.store import audit, hall_section
from desktop.store.database import open_database
from desktop.store.models import Document
from forms import registry

pytestmark = pytest.mark.postgres
HALL = "郑州市金水区政务服务中心"
NOW = datetime(2026, 11, 25, 10, 30)


@pytest.fixture
def hall(pg_url):
    db = open_database(pg_url)
    admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123")
    clerk = accounts.create_account(db, admin, "zhang", "张伟", "clerk", "secret-456", "secret-456")
    yield db, Actor(clerk, "03", HALL)
    db.close()


def _case(service_id: str, n: int) -> tuple[dict, dict]:
    example = registry.get(service_id).example(NOW.date())
    answers = dict(example["answers"])
    if service_id == "ebike_registration":
        answers["frame_no"] = f"119TDT24{n:03d}5555"
    return answers, example["materials"]


def test_no_paper_is_rendered_checked_or_written_inside_the_hall_wide_section(hall, tmp_path):
    db, clerk = hall
    with hall_section.Recorder() as rec:
        for n, service_id in enumerate(["residence_permit", "ebike_registration", "startup_subsidy",
                                        "ebike_registration"]):
            answers, materials = _case(service_id, n)
            got = intake.accept(HallContext(db, clerk, tmp_path), service_id, answers, materials, now=NOW)
            assert got.paper is not None
    # Every accept (and nothing else here) had one section: the pool's row and the chain's lock, at its commit.
    assert [sorted(set(s.locks)) for s in rec.sections] == [
        ["audit_chain"], ["audit_chain", "plate_pool"], ["audit_chain"], ["audit_chain", "plate_pool"]]
    assert all(s.committed for s in rec.sections)
    assert [s.operations for s in rec.sections] == [[], [], [], []]
    with db.read() as s:
        plates = s.scalars(select(EbikeRegistration.plate_no).order_by(EbikeRegistration.id)).all()
        next_no = s.scalar(select(PlatePool.next_no).where(PlatePool.active.is_(True)))
        assert audit.check(s).intact
    # The pool's counter moved past both plates, in order, at each commit.
    assert len(set(plates)) == 2 and plates[1] > plates[0] and next_no == int(plates[1][-5:]) + 1


def test_a_paper_made_while_the_chain_is_locked_is_named_in_the_section(hall, tmp_path):
    """The check can fail: the old order (the chain locked, then a paper) shows in the recorded section."""
    db, clerk = hall
    answers, materials = _case("residence_permit", 0)
    got = intake.accept(HallContext(db, clerk, tmp_path), "residence_permit", answers, materials, now=NOW)
    with db.read() as s:
        snapshot = s.get(Document, got.paper.id).snapshot
    with hall_section.Recorder() as rec:
        with intake.paper_unit(db) as (s, written):
            audit.lock_chain(s.connection())
            hall_section.enter(s, hall_section.AUDIT_CHAIN)
            intake.record_paper(s, got.case.id, snapshot, clerk, NOW, tmp_path, None, written)
    assert [sorted(set(s.operations)) for s in rec.sections] == [["file_write", "glyph_check", "render"]]


def test_an_accept_renders_and_stages_its_papers_while_another_window_holds_the_hall_locks(hall, tmp_path, pg_url):
    db, clerk = hall
    answers, materials = _case("ebike_registration", 7)
    papers = tmp_path / "papers"
    other = create_engine(pg_url)
    blocker = other.connect()
    blocker.begin()
    # Another window in its commit tail: the audit chain's lock and the plate pool's row (LOCK_ORDER).
    blocker.execute(text(f"SELECT pg_advisory_xact_lock({audit.PG_LOCK_ID})"))
    blocker.execute(text("SELECT next_no FROM plate_pools WHERE active FOR UPDATE"))
    blocker_pid = blocker.execute(text("SELECT pg_backend_pid()")).scalar()
    outcome: dict = {}

    def accept():
        try:
            outcome["result"] = intake.accept(HallContext(db, clerk, papers),
                                              "ebike_registration", answers, materials, now=NOW)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome["error"] = exc

    worker = threading.Thread(target=accept)
    worker.start()
    try:
        # Wait (an event the server reports, not a guess) until the accept is blocked by our locks.
        with other.connect() as probe:
            waiting = False
            for _ in range(600):
                worker.join(timeout=0.05)
                waiting = probe.execute(text("SELECT count(*) FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))"),
                                        {"pid": blocker_pid}).scalar() > 0
                if waiting or not worker.is_alive():
                    break
        assert waiting, outcome
        # Blocked at its commit tail: both papers (receipt, certificate) are rendered and staged already.
        staged = sorted(p.name.split("-", 1)[1] for p in (papers / PENDING).iterdir())
        assert len(staged) == 2 and all(name.endswith(".pdf") for name in staged), staged
        assert not list(papers.glob("*.pdf"))  # nothing under a paper's name before the commit
    finally:
        blocker.rollback()
        blocker.close()
        worker.join(timeout=120)
        other.dispose()
    assert "error" not in outcome, outcome.get("error")
    result = outcome["result"]
    assert {p.kind for p in (result.paper, *result.extra_papers)} == {"receipt", "registration_certificate"}
    assert sorted(p.name for p in papers.glob("*.pdf")) == sorted(
        f"{result.case.case_no}-{k}-1.pdf" for k in ("receipt", "registration_certificate"))
    with db.read() as s:
        assert audit.check(s).intact


def _blocked_by(probe, pid: int) -> bool:
    # NOTE: a transaction of its own each time: pg_stat_activity is a snapshot within one.
    count = probe.execute(text("SELECT count(*) FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))"),
                          {"pid": pid}).scalar()
    probe.rollback()
    return count > 0


def test_the_hall_wide_section_ends_while_the_window_holding_it_is_stopped(pg_url, tmp_path):
    """halldesk-audit-v2: the chain's lock, the placing of the signed rows and the COMMIT run inside the
    server, so a window that the machine does not run (preempted, here SIGSTOPped) after its pipeline
    is sent holds nobody up. With v1 rows the window had to receive the head and sign before the COMMIT:
    the accept would stay uncommitted, holding the lock, until the window ran again."""
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    from desktop import paths
    from desktop.store.models import AuditEvent, Case

    root = Path(__file__).resolve().parents[3]
    db = open_database(pg_url)
    admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123")
    accounts.create_account(db, admin, "clerk03", "窗口03", "clerk", "secret-456", "secret-456")
    other = create_engine(pg_url)
    blocker = other.connect()
    env = {**os.environ, "PYTHONPATH": str(root), "HALLDESK_DATA_DIR": str(paths.data_dir())}
    child = subprocess.Popen([sys.executable, str(root / "tests" / "support" / "hall_writer_child.py"), pg_url,
                              str(tmp_path / "papers"), NOW.isoformat(), "03", "wait"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout.readline().strip() == "ready", child.stderr.read()  # signed in (an audited write)
        blocker.begin()
        blocker.execute(text(f"SELECT pg_advisory_xact_lock({audit.PG_LOCK_ID})"))
        blocker_pid = blocker.execute(text("SELECT pg_backend_pid()")).scalar()
        child.stdin.write("go\n")
        child.stdin.flush()
        with other.connect() as probe:
            # NOTE: waits on what the server reports (the child's backend blocked by our lock), bounded.
            deadline = time.monotonic() + 120
            while not _blocked_by(probe, blocker_pid):
                assert child.poll() is None and time.monotonic() < deadline, child.stderr.read()
                time.sleep(0.02)
            child.send_signal(signal.SIGSTOP)
            blocker.rollback()  # the lock is free: the server runs the rest of the child's pipeline
            deadline = time.monotonic() + 30
            committed = 0
            while committed == 0 and time.monotonic() < deadline:
                committed = probe.execute(select(func.count()).select_from(Case).where(Case.status == "accepted")).scalar()
                time.sleep(0.02)
            with open(f"/proc/{child.pid}/stat") as stat:
                state = stat.read().rsplit(")", 1)[1].split()[0]
            assert state == "T", state  # still stopped: it ran no instruction since its pipeline
            assert committed == 1
            assert probe.execute(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.case_id.is_not(None), AuditEvent.nonce.is_not(None))).scalar() >= 1
    finally:
        child.send_signal(signal.SIGCONT)
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=60)
        blocker.close()
        other.dispose()
    with db.read() as s:
        assert audit.check(s).intact
    db.close()


def test_rows_signed_behind_a_moving_head_are_placed_after_it(hall, pg_url):
    """Another window commits between a window's read of the head and its place: its row signs the head it
    saw, the server places it after the new one, and the chain verifies (halldesk-audit-v2)."""
    from desktop.store.models import AuditEvent

    db, _clerk = hall
    other = create_engine(pg_url)
    outcome: dict = {}

    def second_window():
        try:
            with db.unit() as s:
                audit.append(s, "test.second", actor=None, window="04")
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome["error"] = exc

    with db.unit() as s:
        audit.lock_chain(s.connection())  # this window is in its commit tail: it holds the chain's lock
        mine = s.execute(text("SELECT pg_backend_pid()")).scalar()
        audit.append(s, "test.first", actor=None, window="03")
        worker = threading.Thread(target=second_window)
        worker.start()
        with other.connect() as probe:
            for _ in range(600):  # NOTE: until the server reports the second window blocked by us
                if _blocked_by(probe, mine) or not worker.is_alive():
                    break
                worker.join(timeout=0.05)
            assert _blocked_by(probe, mine), outcome
    worker.join(timeout=60)
    other.dispose()
    assert "error" not in outcome, outcome.get("error")
    with db.read() as s:
        rows = {a: (seq, seen) for a, seq, seen in s.execute(
            select(AuditEvent.action, AuditEvent.seq, AuditEvent.seen_seq)
            .where(AuditEvent.action.in_(["test.first", "test.second"])))}
        assert rows["test.second"][0] == rows["test.first"][0] + 1
        assert rows["test.second"][1] == rows["test.first"][0] - 1  # it saw the head before test.first
        assert audit.check(s).intact


def test_an_event_about_a_case_the_transaction_did_not_write_is_placed_under_the_lock(hall, tmp_path):
    """Its case is hashed under the chain's lock (the locked path: lock, exact head, sign, place), so the
    row signs the exact head, and it links onto the server-placed v2 rows before it."""
    from desktop.store import audit_hashes
    from desktop.store.models import AuditEvent

    db, clerk = hall
    answers, materials = _case("residence_permit", 0)
    case = intake.accept(HallContext(db, clerk, tmp_path), "residence_permit", answers, materials, now=NOW).case
    with db.unit() as s:
        audit.append(s, "test.looked_at", actor=None, window="03", case_id=case.id)
    with db.read() as s:
        row = s.scalars(select(AuditEvent).where(AuditEvent.action == "test.looked_at")).one()
        before = s.scalars(select(AuditEvent).where(AuditEvent.seq == row.seq - 1)).one()
        assert row.seen_seq == row.seq - 1 and row.nonce is not None
        assert row.prev_hash == audit_hashes.link_of(before.seq, before.prev_hash, before.hash, before.nonce)
        assert row.case_hash == audit_hashes.case_hash(s.connection(), case.id)
        assert audit.check(s).intact


def test_an_administrators_numbering_change_and_accepts_waiting_for_the_chain_do_not_deadlock(hall, tmp_path, pg_url):
    """LOCK_ORDER: an accept's commit takes the chain's lock, then the plate pool's row; so does the
    administrator's change of the hall's series (plates._lock_prefix). Both queue behind a window holding
    the chain's lock, the accept first. Had the administrator locked the pool's row before the chain, the
    accept (granted the chain first) would wait for the row and the administrator for the chain."""
    from desktop.cases.services.ebike import plates

    db, clerk = hall
    admin = accounts.sign_in(db, "admin", "secret-123", "01")
    with db.read() as s:
        prefix, width = s.execute(select(PlatePool.prefix, PlatePool.width).where(PlatePool.active.is_(True))).one()
    answers, materials = _case("ebike_registration", 8)
    other = create_engine(pg_url)
    blocker = other.connect()
    blocker.begin()
    blocker.execute(text(f"SELECT pg_advisory_xact_lock({audit.PG_LOCK_ID})"))
    blocker_pid = blocker.execute(text("SELECT pg_backend_pid()")).scalar()
    outcome: dict = {}

    def run(name, call):
        try:
            outcome[name] = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome[name + " error"] = exc

    def blocked(n: int) -> bool:
        # NOTE: a transaction of its own each time: pg_stat_activity is a snapshot within one, and the
        # administrator's backend may be newer than the first read.
        count = probe.execute(text("SELECT count(*) FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))"),
                              {"pid": blocker_pid}).scalar()
        probe.rollback()
        return count >= n

    workers = [threading.Thread(target=run, args=("accept", lambda: intake.accept(
                   HallContext(db, clerk, tmp_path), "ebike_registration", answers, materials, now=NOW))),
               threading.Thread(target=run, args=("series", lambda: plates.set_series(db, admin, prefix, width, "01")))]
    try:
        with other.connect() as probe:
            for n, worker in enumerate(workers, start=1):
                worker.start()
                for _ in range(1200):  # NOTE: until the server reports it queued behind the blocker (FIFO)
                    if blocked(n) or not worker.is_alive():
                        break
                    worker.join(timeout=0.05)
                assert blocked(n), outcome
    finally:
        blocker.rollback()
        blocker.close()
        for worker in workers:
            worker.join(timeout=120)
        other.dispose()
    assert set(outcome) == {"accept", "series"}, outcome
    with db.read() as s:
        assert audit.check(s).intact
