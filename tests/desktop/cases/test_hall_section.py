"""Issue 15: what every window of a hall waits for is only an accept's commit tail, never its papers.

On a real PostgreSQL server: the hall-wide serialised section (the audit chain's lock, the plate
pool's row) is recorded by desktop.store.hall_section, with the slow steps that ran inside it; and
with both locks held by another connection, an accept renders and stages its papers before it waits.
"""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from sqlalchemy import create_engine, select, text

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
    # Another window in its commit tail: the plate pool's row and the audit chain's lock.
    blocker.execute(text("SELECT next_no FROM plate_pools WHERE active FOR UPDATE"))
    blocker.execute(text(f"SELECT pg_advisory_xact_lock({audit.PG_LOCK_ID})"))
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
