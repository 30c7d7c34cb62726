"""E-bike plates: the hall pool (prefix + zero-padded number) and each window's own blocks, issued atomically, never reused."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from desktop.cases import permissions
from desktop.cases.dto import AccountInfo
from desktop.cases.errors import ActionRefused, InputError
from desktop.cases.services.ebike.models import EbikeRegistration, PlateBlock, PlatePool, PlateRegisterMode
from desktop.store import audit, locks
from desktop.store.database import Database
from forms.services.ebike import common as ec

# NOTE: why a table in the database and not desktop.settings: settings.json lives on one window's
# PC, while a plate must be unique across every window that shares the hall's database. The
# counter therefore lives next to the plates it issues, is moved by one atomic
# ``UPDATE … SET next_no = next_no + 1 … RETURNING`` inside the intake transaction (SQLite's write
# lock or PostgreSQL's row lock serialises two windows), and a failed intake rolls the number back
# with everything else. A pool is keyed by its prefix and its counter only ever grows: switching to
# a new series and back continues where the old one stopped, so no plate is issued twice even
# after its bike is destroyed. The unique constraint on ebike_registrations.plate_no backs this up.
#
# The format is a setting because the measures (郑州市非机动车管理办法) do not prescribe one; the
# default 郑A + 5 digits (migration 0002) is a placeholder for the series the 公安交管 assigns.
#
# NOTE (issue 13, one register across the hall): a database can only keep plates unique among the
# plates it holds. In hall mode (PostgreSQL, shared by the windows) that is the whole hall. A
# standalone PC has its own SQLite file, and two such PCs counting the same pool would both issue
# 郑A00001. So a standalone PC issues only from the blocks the administrator assigned to its own
# window number (a block: numbers first..last of one prefix, recorded with the window), and refuses
# to issue while its window has none. Two standalone PCs configured by the rules — distinct window
# numbers (which their case numbers already need) and blocks taken from the hall's one assignment
# list, never overlapping — cannot issue the same plate, since each draws only from its own numbers.
# What one database cannot see (the same block typed on two PCs, a frame number registered on
# another PC) is written in the README; every overlap a database can see is refused here. In hall
# mode a window may have blocks too (it issues from them first) and the others draw from the pool,
# which skips every number inside a block.
PREFIX = re.compile(r"[\u4e00-\u9fff]{1,4}[A-Z]{0,3}")
MIN_WIDTH, MAX_WIDTH = 3, 7
MAX_SKIPS = 1000  # plates taken by hand-entered registrations are skipped, but not forever
_ADMIN_ONLY = "只有管理员可以设置号牌号段。"
# NOTE (issue 16): the register's own permission, declared here beside what it guards; the main window's
# 号牌号段… (desktop/ui/services/ebike) is shown by it, the 账号与权限 dialog lists it.
PLATES = permissions.declare("plates", "设置号牌号段", {"admin"}, "电动自行车登记").key


@dataclass(frozen=True)
class PlateSeries:
    prefix: str
    width: int
    next_no: int

    @property
    def next_plate(self) -> str:
        return format_plate(self.prefix, self.width, self.next_no)

    @property
    def remaining(self) -> int:
        return max(0, 10 ** self.width - self.next_no)


@dataclass(frozen=True)
class PlateBlockView:
    """One window's block as the administrator's list shows it."""

    id: int
    prefix: str
    width: int
    first_no: int
    last_no: int
    next_no: int
    window: str
    assigned_at: datetime
    assigned_by: str
    closed_at: datetime | None

    @property
    def first_plate(self) -> str:
        return format_plate(self.prefix, self.width, self.first_no)

    @property
    def last_plate(self) -> str:
        return format_plate(self.prefix, self.width, self.last_no)

    @property
    def range_text(self) -> str:
        return f"{self.first_plate}–{self.last_plate}"

    @property
    def remaining(self) -> int:
        return 0 if self.closed_at else max(0, self.last_no - self.next_no + 1)

    @property
    def state_label(self) -> str:
        if self.closed_at:
            return "已停用"
        return "已发完" if self.remaining == 0 else "发放中"


def format_plate(prefix: str, width: int, number: int) -> str:
    return f"{prefix}{number:0{width}d}"


def standalone(session: Session) -> bool:
    """True when this database is one PC's own register; False when every window of the hall uses it."""
    row = session.get(PlateRegisterMode, 1)
    if row is not None:
        return not row.shared
    # NOTE: the README's two ways to run: SQLite on the PC, or one PostgreSQL database for the hall.
    # A SQLite file that every window uses (one PC, several sessions) is declared so by the
    # administrator (set_register_mode); nothing else makes a SQLite file count as the hall's register.
    return session.get_bind().dialect.name == "sqlite"


def is_standalone(db: Database) -> bool:
    with db.read() as s:
        return standalone(s)


def set_register_mode(db: Database, admin: AccountInfo, shared: bool, window: str = "",
                      now: datetime | None = None) -> None:
    """Declare whether every window of the hall uses this database (administrators only, audited)."""
    now = now or datetime.now()
    with db.unit() as s:
        permissions.require(s, admin, PLATES, refused=_ADMIN_ONLY)
        row = s.get(PlateRegisterMode, 1)
        if row is None:
            row = PlateRegisterMode(id=1)
            s.add(row)
        row.shared, row.changed_at, row.changed_by = bool(shared), now, admin.username
        s.flush()
        audit.append(s, "plates.mode", actor=admin.username, window=window,
                     detail={"shared": bool(shared), "backend": s.get_bind().dialect.name})


def window_key(window: str) -> str:
    """The window number as blocks record it: "3" and "03" are one window (settings allow both)."""
    text = (window or "").strip()
    return f"{int(text):02d}" if text.isdigit() else text


def validate_series(prefix: str, width: int) -> dict[str, str]:
    """Field key -> Chinese message for a bad series."""
    errors: dict[str, str] = {}
    if not PREFIX.fullmatch(ec.normalize_code(prefix)):
        errors["prefix"] = "号牌前缀应为1至4个汉字，可再加1至3个英文字母，例如“郑A”“郑州”"
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        errors["width"] = f"号码位数应在{MIN_WIDTH}到{MAX_WIDTH}之间"
    return errors


def _series(row: PlatePool) -> PlateSeries:
    return PlateSeries(row.prefix, row.width, row.next_no)


def _view(row: PlateBlock) -> PlateBlockView:
    return PlateBlockView(row.id, row.prefix, row.width, row.first_no, row.last_no, row.next_no, row.window,
                          row.assigned_at, row.assigned_by, row.closed_at)


def current_series(db: Database) -> PlateSeries:
    """The series plates are issued from now (shown to the administrator)."""
    with db.read() as s:
        row = s.scalar(select(PlatePool).where(PlatePool.active.is_(True)))
        if row is None:
            raise ActionRefused("尚未设置电动自行车号牌号段，请管理员在设置中设置。")
        return _series(row)


def list_blocks(db: Database) -> list[PlateBlockView]:
    """Every block this database knows, by prefix and first number (closed ones too)."""
    with db.read() as s:
        return [_view(b) for b in s.scalars(select(PlateBlock).order_by(PlateBlock.prefix, PlateBlock.first_no))]


def _lock_prefix(s: Session, prefix: str) -> PlatePool | None:
    """Serialise every change of a prefix's numbering (blocks, the pool's width) with its allocations."""
    # NOTE: the audit chain's lock first (desktop/store/audit.LOCK_ORDER): an accept's commit takes the
    # chain's lock and then the pool's row; holding the row while waiting for the chain would deadlock
    # with it. An administrator's numbering change is rare and short; the hall's commits wait for it.
    audit.lock_chain(s.connection())
    locks.hold(s, [f"plates:{prefix}"])
    # NOTE: the pool row is locked too: the pool's allocation UPDATE takes that row lock, so a block
    # cannot be placed under a number the pool is issuing at this moment (PostgreSQL).
    return s.scalar(select(PlatePool).where(PlatePool.prefix == prefix).with_for_update())


def _block_width(s: Session, prefix: str) -> int | None:
    return s.scalar(select(PlateBlock.width).where(PlateBlock.prefix == prefix).limit(1))


def set_series(db: Database, admin: AccountInfo, prefix: str, width: int, window: str = "",
               now: datetime | None = None) -> PlateSeries:
    """Issue plates from ``prefix`` + ``width`` digits from now on (administrators only, audited)."""
    errors = validate_series(prefix, width)
    with db.unit() as s:
        permissions.require(s, admin, PLATES, refused=_ADMIN_ONLY)
    if errors:
        raise InputError(errors)
    prefix, now = ec.normalize_code(prefix), now or datetime.now()
    with db.unit() as s:
        permissions.require(s, admin, PLATES, refused=_ADMIN_ONLY)
        row = _lock_prefix(s, prefix)
        blocks_width = _block_width(s, prefix)
        if blocks_width is not None and blocks_width != width:
            raise InputError({"width": f"号牌前缀“{prefix}”已有{blocks_width}位的窗口号段，大厅号段也须为{blocks_width}位。"})
        if row is None:
            row = PlatePool(prefix=prefix, width=width, next_no=1, active=False, updated_at=now)
            s.add(row)
        elif row.width != width and row.next_no > 1:
            # NOTE: 郑A00012 and 郑A000012 would be two plates that read as one number.
            raise InputError({"width": f"号段“{prefix}”已按{row.width}位发放号牌，不能改为{width}位；"
                                       "如需新的格式，请使用新的号牌前缀。"})
        row.width = width
        s.execute(update(PlatePool).where(PlatePool.prefix != prefix).values(active=False))
        row.active = True
        row.updated_at, row.updated_by = now, admin.username
        s.flush()
        audit.append(s, "plates.series", actor=admin.username, window=window,
                     detail={"prefix": prefix, "width": width, "next_no": row.next_no})
        return _series(row)


def _parse_number(text: str | int, key: str, label: str, errors: dict[str, str]) -> int | None:
    value = ec.normalize_code(str(text))
    if not value.isdigit():
        errors[key] = f"{label}应为数字"
        return None
    return int(value)


def _block_errors(window: str, prefix: str, width: int, first: str | int, last: str | int
                  ) -> tuple[dict[str, str], int | None, int | None]:
    errors = {k if k != "prefix" else "block_prefix": v for k, v in validate_series(prefix, width).items()}
    if not (window.isdigit() and 1 <= int(window) <= 99):
        errors["block_window"] = "窗口号应为1到99之间的数字"
    first_no = _parse_number(first, "first_no", "起始号码", errors)
    last_no = _parse_number(last, "last_no", "截止号码", errors)
    if first_no is not None and first_no < 1:
        errors["first_no"] = "起始号码应大于0"
    if first_no is not None and last_no is not None and last_no < first_no:
        errors["last_no"] = "截止号码不能小于起始号码"
    if last_no is not None and "width" not in errors and last_no >= 10 ** width:
        errors["last_no"] = f"{width}位号码最大为{10 ** width - 1}"
    return errors, first_no, last_no


def assign_block(db: Database, admin: AccountInfo, window_no: str, prefix: str, width: int,
                 first: str | int, last: str | int, window: str = "", now: datetime | None = None
                 ) -> PlateBlockView:
    """Give window ``window_no`` the plates ``prefix`` + first..last (administrators only, audited).

    Refused (InputError, by field) when the range overlaps another block of this database, numbers
    the hall pool has already counted past, or a plate already registered here."""
    with db.unit() as s:
        permissions.require(s, admin, PLATES, refused=_ADMIN_ONLY)
    prefix, now = ec.normalize_code(prefix), now or datetime.now()
    target = window_key(window_no)
    errors, first_no, last_no = _block_errors(target, prefix, width, first, last)
    if errors or first_no is None or last_no is None:  # (a number that did not parse is in errors)
        raise InputError(errors)
    with db.unit() as s:
        permissions.require(s, admin, PLATES, refused=_ADMIN_ONLY)
        pool = _lock_prefix(s, prefix)
        known_width = pool.width if pool is not None else _block_width(s, prefix)
        if known_width is not None and known_width != width:
            raise InputError({"width": f"号牌前缀“{prefix}”按{known_width}位编号，号段也须为{known_width}位。"})
        other = s.scalar(select(PlateBlock).where(PlateBlock.prefix == prefix, PlateBlock.first_no <= last_no,
                                                  PlateBlock.last_no >= first_no).order_by(PlateBlock.first_no))
        if other is not None:
            raise InputError({"first_no": f"与{other.window}号窗口的号段{_view(other).range_text}重叠；"
                                          "号段一经分配即保留，不能再分给其他窗口。"})
        if pool is not None and pool.next_no > first_no:
            raise InputError({"first_no": f"大厅号段“{prefix}”已发放到{format_plate(prefix, width, pool.next_no - 1)}，"
                                          f"窗口号段须从{format_plate(prefix, width, pool.next_no)}或以后开始。"})
        taken = s.scalar(select(EbikeRegistration.plate_no).where(
            EbikeRegistration.plate_no >= format_plate(prefix, width, first_no),
            EbikeRegistration.plate_no <= format_plate(prefix, width, last_no),
            func.length(EbikeRegistration.plate_no) == len(prefix) + width).limit(1))
        if taken is not None:
            raise InputError({"first_no": f"号牌{taken}已经登记，号段不能包含已发放的号牌。"})
        row = PlateBlock(prefix=prefix, width=width, first_no=first_no, last_no=last_no, next_no=first_no,
                         window=target, assigned_at=now, assigned_by=admin.username)
        s.add(row)
        s.flush()
        audit.append(s, "plates.block", actor=admin.username, window=window,
                     detail={"block_id": row.id, "window": target, "prefix": prefix, "width": width,
                             "first_no": first_no, "last_no": last_no})
        return _view(row)


def close_block(db: Database, admin: AccountInfo, block_id: int, window: str = "",
                now: datetime | None = None) -> PlateBlockView:
    """Stop a block (a window closed, a PC replaced): it issues nothing more and its numbers stay reserved."""
    now = now or datetime.now()
    with db.unit() as s:
        permissions.require(s, admin, PLATES, refused=_ADMIN_ONLY)
        row = s.scalar(select(PlateBlock).where(PlateBlock.id == block_id).with_for_update())
        if row is None:
            raise ActionRefused("该号段不存在。")
        if row.closed_at is not None:
            raise ActionRefused("该号段已经停用。")
        row.closed_at, row.closed_by = now, admin.username
        s.flush()
        audit.append(s, "plates.block_closed", actor=admin.username, window=window,
                     detail={"block_id": row.id, "window": row.window, "prefix": row.prefix,
                             "first_no": row.first_no, "last_no": row.last_no, "next_no": row.next_no})
        return _view(row)


def no_block_message(key: str) -> str:
    return (f"本机为单机模式（本机数据库不与其他窗口共用），号牌只能从管理员分配给本窗口的号段发放；"
            f"{key}号窗口尚未分配号段或号段已发完，请管理员在“文件 → 号牌号段”中分配后再办理。")


def open_blocks(s: Session, key: str, lock: bool) -> list[PlateBlock]:
    query = (select(PlateBlock).where(PlateBlock.window == key, PlateBlock.closed_at.is_(None),
                                      PlateBlock.next_no <= PlateBlock.last_no)
             .order_by(PlateBlock.first_no, PlateBlock.id))
    return list(s.scalars(query.with_for_update() if lock else query))


def source_text(db: Database, window: str) -> str:
    """Where this window's next plate comes from, in words for the administrator and the clerk."""
    key = window_key(window)
    with db.read() as s:
        block = open_blocks(s, key, lock=False)
        if block:
            v = _view(block[0])
            return (f"{key}号窗口从本窗口的号段{v.range_text}发放，下一个号牌"
                    f"{format_plate(v.prefix, v.width, v.next_no)}，本号段剩余{v.remaining}个。")
        if standalone(s):
            return no_block_message(key)
        pool = s.scalar(select(PlatePool).where(PlatePool.active.is_(True)))
        if pool is None:
            return "尚未设置大厅号段。"
        return f"{key}号窗口没有自己的号段，从大厅共用号段“{pool.prefix}”发放。"
