"""Each window's own plate block: standalone PCs issue only from theirs, overlaps a database sees are refused (issue 13)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from desktop.cases import accounts, identifiers, intake
from desktop.cases.dto import Actor
from desktop.cases.errors import ActionRefused, InputError
from desktop.cases.hall_context import HallContext
from desktop.cases.services.ebike import plates
from desktop.cases.services.ebike.models import EbikeRegistration, PlatePool
from desktop.store.database import open_database
from desktop.store.models import AuditEvent, Case
from forms import registry

NOW = datetime(2026, 11, 25, 10, 30)
HALL = "郑州市金水区政务服务中心"


@pytest.fixture
def pc(tmp_path):
    """A standalone PC: its own SQLite file, as open_database makes it (no register-mode row)."""
    database = open_database(tmp_path / "pc.sqlite3")
    admin = accounts.create_first_admin(database, "admin", "王丽", "secret-123", "secret-123", window="03")
    yield database, admin
    database.close()


def _register(db, actor, papers, frame: str):
    case = registry.get("ebike_registration").example(NOW.date())
    return intake.accept(HallContext(db, actor, papers),
                         "ebike_registration", dict(case["answers"], frame_no=frame), case["materials"],
                         now=NOW)


def _count(db, column, *where) -> int:
    with db.read() as s:
        return s.scalar(select(func.count(column)).where(*where))


def _plates(db) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(EbikeRegistration.plate_no).order_by(EbikeRegistration.id)))


def test_a_standalone_pc_issues_no_plate_until_its_window_has_a_block(pc, tmp_path):
    db, admin = pc
    assert plates.is_standalone(db)
    actor = Actor(admin, "03", HALL)
    with pytest.raises(ActionRefused) as info:
        _register(db, actor, tmp_path, "119TDT240512345")
    assert "单机模式" in info.value.message and "03号窗口尚未分配号段" in info.value.message
    assert _count(db, Case.id) == 0 and _count(db, EbikeRegistration.id) == 0  # nothing half-written
    # A block of another window does not help window 03.
    plates.assign_block(db, admin, "5", "郑A", 5, 20000, 29999, window="03", now=NOW)
    with pytest.raises(ActionRefused):
        _register(db, actor, tmp_path, "119TDT240512345")
    block = plates.assign_block(db, admin, "03", "郑A", 5, "10000", "10002", window="03", now=NOW)
    assert (block.window, block.range_text, block.remaining) == ("03", "郑A10000–郑A10002", 3)
    assert "郑A10000" in plates.source_text(db, "3")
    for i in range(3):
        _register(db, actor, tmp_path, f"119TDT24051234{i}")
    assert _plates(db) == ["郑A10000", "郑A10001", "郑A10002"]
    with pytest.raises(ActionRefused) as spent:
        _register(db, actor, tmp_path, "119TDT240512349")
    assert "号段已发完" in spent.value.message
    # The next block continues; the pool (never used on this PC) issued nothing.
    plates.assign_block(db, admin, "03", "郑A", 5, 10003, 10999, now=NOW)
    _register(db, actor, tmp_path, "119TDT240512349")
    assert _plates(db)[-1] == "郑A10003"
    with db.read() as s:
        assert s.get(PlatePool, "郑A").next_no == 1
        detail = s.scalars(select(AuditEvent.detail).where(AuditEvent.action == "plates.block")).all()
    assert {(d["window"], d["first_no"], d["last_no"]) for d in detail} == {
        ("05", 20000, 29999), ("03", 10000, 10002), ("03", 10003, 10999)}


def test_blocks_that_this_database_can_see_never_overlap(pc, tmp_path):
    db, admin = pc
    first = plates.assign_block(db, admin, "03", "郑A", 5, 10000, 19999, now=NOW)
    for window, lo, hi in (("04", 19999, 25000), ("04", 5000, 10000), ("04", 12000, 13000), ("03", 1, 99999)):
        with pytest.raises(InputError) as overlap:
            plates.assign_block(db, admin, window, "郑A", 5, lo, hi, now=NOW)
        assert "与03号窗口的号段郑A10000–郑A19999重叠" in overlap.value.errors["first_no"]
    # A closed block's numbers stay reserved: they are never given to another window.
    plates.close_block(db, admin, first.id, now=NOW)
    with pytest.raises(InputError):
        plates.assign_block(db, admin, "04", "郑A", 5, 15000, 16000, now=NOW)
    # Another prefix is another series.
    assert plates.assign_block(db, admin, "04", "郑B", 5, 10000, 19999, now=NOW).first_plate == "郑B10000"
    with pytest.raises(InputError) as width:
        plates.assign_block(db, admin, "06", "郑B", 6, 100000, 100999, now=NOW)
    assert "按5位编号" in width.value.errors["width"]
    with pytest.raises(InputError) as bad:
        plates.assign_block(db, admin, "100", "郑A1", 5, "x", 3, now=NOW)
    assert set(bad.value.errors) == {"block_window", "block_prefix", "first_no"}
    with pytest.raises(InputError) as order:
        plates.assign_block(db, admin, "07", "郑A", 5, 30000, 29999, now=NOW)
    assert "不能小于" in order.value.errors["last_no"]
    with pytest.raises(InputError) as big:
        plates.assign_block(db, admin, "07", "郑A", 5, 30000, 100000, now=NOW)
    assert "最大为99999" in big.value.errors["last_no"]
    clerk = accounts.create_account(db, admin, "zhang", "张伟", "clerk", "secret-456", "secret-456")
    with pytest.raises(ActionRefused):
        plates.assign_block(db, clerk, "07", "郑A", 5, 30000, 30999, now=NOW)
    with pytest.raises(ActionRefused):
        plates.close_block(db, clerk, first.id, now=NOW)
    assert [b.state_label for b in plates.list_blocks(db)] == ["已停用", "发放中"]


def test_a_closed_block_issues_nothing_more(pc, tmp_path):
    db, admin = pc
    actor = Actor(admin, "03", HALL)
    block = plates.assign_block(db, admin, "03", "郑A", 5, 10000, 19999, now=NOW)
    _register(db, actor, tmp_path, "119TDT240512340")
    closed = plates.close_block(db, admin, block.id, window="03", now=NOW)
    assert closed.state_label == "已停用" and closed.remaining == 0
    with pytest.raises(ActionRefused):
        _register(db, actor, tmp_path, "119TDT240512341")
    with pytest.raises(ActionRefused):
        plates.close_block(db, admin, block.id, now=NOW)
    assert _count(db, AuditEvent.id, AuditEvent.action == "plates.block_closed") == 1


def test_a_block_starts_above_what_the_pool_or_the_register_already_holds(db, admin, tmp_path):
    # A hall database (the shared test hall): window 03 draws from the pool first.
    actor = Actor(admin, "03", HALL)
    for i in range(3):
        _register(db, actor, tmp_path, f"119TDT24051234{i}")
    assert _plates(db) == ["郑A00001", "郑A00002", "郑A00003"]
    with pytest.raises(InputError) as below:
        plates.assign_block(db, admin, "05", "郑A", 5, 2, 500, now=NOW)
    assert "已发放到郑A00003" in below.value.errors["first_no"] and "郑A00004" in below.value.errors["first_no"]
    # A plate registered by hand above the pool's counter (an imported record) is found too.
    with db.unit() as s:
        reg = s.scalar(select(EbikeRegistration).where(EbikeRegistration.plate_no == "郑A00003"))
        reg.plate_no = "郑A00700"
    with pytest.raises(InputError) as taken:
        plates.assign_block(db, admin, "05", "郑A", 5, 600, 800, now=NOW)
    assert "郑A00700已经登记" in taken.value.errors["first_no"]


def test_in_hall_mode_the_pool_skips_every_block_and_windows_with_blocks_use_theirs(db, admin, tmp_path):
    at03, at05 = Actor(admin, "03", HALL), Actor(admin, "05", HALL)
    assert not plates.is_standalone(db)
    plates.assign_block(db, admin, "05", "郑A", 5, 3, 4, now=NOW)
    plates.assign_block(db, admin, "07", "郑A", 5, 6, 6, now=NOW)
    frames = iter(f"119TDT2405{i:05d}" for i in range(100))
    for actor in (at03, at03, at05, at03, at03, at05, at05):
        _register(db, actor, tmp_path, next(frames))
    with db.read() as s:
        got = [(c.window, identifiers.value_of(s, c.id, "plate_no")) for c in s.scalars(select(Case).order_by(Case.id))]
    # 03 draws 1, 2, then the pool jumps over 05's block (3–4) and 07's (6); 05's block runs out and
    # in hall mode 05 then draws from the shared pool.
    assert got == [("03", "郑A00001"), ("03", "郑A00002"), ("05", "郑A00003"), ("03", "郑A00005"),
                   ("03", "郑A00007"), ("05", "郑A00004"), ("05", "郑A00008")]


def test_the_register_mode_is_the_administrators_audited_choice(pc, tmp_path):
    db, admin = pc
    clerk = accounts.create_account(db, admin, "zhang", "张伟", "clerk", "secret-456", "secret-456")
    with pytest.raises(ActionRefused):
        plates.set_register_mode(db, clerk, shared=True)
    plates.set_register_mode(db, admin, shared=True, window="03", now=NOW)
    assert not plates.is_standalone(db)
    _register(db, Actor(admin, "03", HALL), tmp_path, "119TDT240512345")
    assert _plates(db) == ["郑A00001"]
    plates.set_register_mode(db, admin, shared=False, window="03", now=NOW)
    assert plates.is_standalone(db)
    with db.read() as s:
        details = s.scalars(select(AuditEvent.detail).where(AuditEvent.action == "plates.mode")).all()
    assert [d["shared"] for d in details] == [True, False]


def test_two_standalone_pcs_configured_by_the_rules_never_issue_the_same_plate(tmp_path):
    # Two PCs of one hall, each its own file, windows 01 and 02, blocks from the hall's one list.
    pcs = []
    for window, lo, hi in (("01", 10000, 19999), ("02", 20000, 29999)):
        db = open_database(tmp_path / f"pc{window}.sqlite3")
        admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123", window=window)
        plates.assign_block(db, admin, window, "郑A", 5, lo, hi, now=NOW)
        pcs.append((db, Actor(admin, window, HALL), tmp_path / f"papers{window}"))
    for i in range(6):  # interleaved, as a working day goes
        db, actor, papers = pcs[i % 2]
        _register(db, actor, papers, f"119TDT2405{i:05d}")
    one, two = (_plates(db) for db, _, _ in pcs)
    assert one == ["郑A10000", "郑A10001", "郑A10002"] and two == ["郑A20000", "郑A20001", "郑A20002"]
    assert not set(one) & set(two)
    for db, _, _ in pcs:
        db.close()


def test_without_blocks_two_pcs_declared_shared_would_repeat_plates(tmp_path):
    # The control: the same two PCs wrongly declared the hall's register both count the pool from 1.
    issued = []
    for window in ("01", "02"):
        db = open_database(tmp_path / f"pc{window}.sqlite3")
        admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123", window=window)
        plates.set_register_mode(db, admin, shared=True)
        _register(db, Actor(admin, window, HALL), tmp_path, "119TDT240500001")
        issued += _plates(db)
        db.close()
    assert issued == ["郑A00001", "郑A00001"]
