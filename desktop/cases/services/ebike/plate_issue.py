"""Issuing the next plate inside the intake transaction: the window's own block first, else the hall pool."""

from __future__ import annotations

from sqlalchemy import case, exists, select, update
from sqlalchemy.orm import Session

from desktop.cases.errors import ActionRefused
from desktop.cases.services.ebike.models import EbikeRegistration, PlateBlock, PlatePool
from desktop.cases.services.ebike.plates import (
    MAX_SKIPS,
    format_plate,
    no_block_message,
    open_blocks,
    standalone,
    window_key,
)
from desktop.store import hall_section, locks

# NOTE: the series, blocks and register mode are kept by plates.py beside this module (administrators,
# audited); this module only draws from them, under the rules written there.
# The hall-wide section's name for the hall pool's counter row (desktop.store.hall_section measures how
# long every window waits on it; bench/hall.py reports it by this name).
PLATE_POOL = "plate_pool"


def _free(session: Session, plate: str) -> bool:
    return not session.scalar(select(exists().where(EbikeRegistration.plate_no == plate)))


def _from_block(session: Session, key: str) -> str | None:
    """The next free plate of this window's first open block, or None when it has none left."""
    for _ in range(MAX_SKIPS):
        # NOTE: every open block of the window is locked (a window has a handful), then the first
        # with numbers left is moved on: two processes of one window cannot take the same number.
        blocks = open_blocks(session, key, lock=True)
        if not blocks:
            return None
        block = blocks[0]
        number = session.execute(
            update(PlateBlock).where(PlateBlock.id == block.id, PlateBlock.next_no <= PlateBlock.last_no)
            .values(next_no=PlateBlock.next_no + 1).returning(PlateBlock.next_no)
            .execution_options(synchronize_session=False)).scalar()
        if number is None:
            continue
        plate = format_plate(block.prefix, block.width, number - 1)
        if _free(session, plate):
            return plate
    raise ActionRefused("本窗口号段中连续多个号码已被占用，请管理员检查号段设置。")


def _from_pool(session: Session) -> str:
    """The next plate of the hall pool, in the caller's transaction.

    NOTE (issue 15): the pool's row is read, not locked: every window issuing a plate would otherwise
    wait on it while this case's papers are rendered. The first candidate from ``next_no`` on that is
    in no window's block, that no other open transaction is issuing (a non-waiting lock on its key,
    the one an e-bike case of that plate locks too) and that is not registered is taken; the pool's
    counter moves past it in the commit's tail (``hall_section.at_commit``: on PostgreSQL sent with
    the audit chain's lock). The counter only grows, so a number is never issued twice; the UNIQUE
    plate_no backs this up. A number another window held and then rolled back, while a later one was
    committed, stays unissued.
    """
    pool = session.execute(select(PlatePool.prefix, PlatePool.width, PlatePool.next_no)
                           .where(PlatePool.active.is_(True))).first()
    if pool is None:
        raise ActionRefused("尚未设置电动自行车号牌号段，请管理员在设置中设置后再办理。")
    prefix, width, number = pool
    for _ in range(MAX_SKIPS):
        if number >= 10 ** width:
            raise ActionRefused(f"号段“{prefix}”的号牌已全部发放（共{10 ** width - 1}个），"
                                "请管理员设置新的号段后再办理。")
        block_end = session.scalar(select(PlateBlock.last_no).where(
            PlateBlock.prefix == prefix, PlateBlock.first_no <= number, PlateBlock.last_no >= number))
        if block_end is not None:
            # NOTE: a window's block is that window's alone: the pool jumps over it (the counter
            # passes it at this commit, since the number issued is beyond it).
            number = block_end + 1
            continue
        plate = format_plate(prefix, width, number)
        # NOTE: the lock first, then the check: a plate committed by the window that held it is seen.
        if locks.try_hold(session, f"plate:{plate}") and _free(session, plate):
            hall_section.at_commit(session, PLATE_POOL, _advance(prefix, number))
            return plate
        number += 1
    raise ActionRefused("号牌号段中连续多个号码已被占用，请管理员检查号段设置。")


def _advance(prefix: str, issued: int):
    """The pool's counter past ``issued``, run at commit (never back: another window may have gone further)."""
    return (update(PlatePool).where(PlatePool.prefix == prefix)
            .values(next_no=case((PlatePool.next_no > issued, PlatePool.next_no), else_=issued + 1))
            .execution_options(synchronize_session=False))


def allocate(session: Session, window: str) -> str:
    """The next plate for a case accepted at ``window``, in the caller's transaction (rolled back with it).

    From the window's own block when it has one; otherwise from the hall pool in hall mode, and
    refused on a standalone PC (its pool would repeat another PC's numbers)."""
    key = window_key(window)
    plate = _from_block(session, key)
    if plate is not None:
        return plate
    if standalone(session):
        raise ActionRefused(no_block_message(key))
    return _from_pool(session)
