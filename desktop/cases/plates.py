"""The e-bike plate pool: a hall-configured series (prefix + zero-padded number), issued atomically, never reused."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from desktop.cases import permissions
from desktop.cases.dto import AccountInfo
from desktop.cases.errors import ActionRefused, InputError
from desktop.store import audit
from desktop.store.database import Database
from desktop.store.models import EbikeRegistration, PlatePool
from forms import ebike_common as ec

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
PREFIX = re.compile(r"[\u4e00-\u9fff]{1,4}[A-Z]{0,3}")
MIN_WIDTH, MAX_WIDTH = 3, 7
MAX_SKIPS = 1000  # plates taken by hand-entered registrations are skipped, but not forever


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


def format_plate(prefix: str, width: int, number: int) -> str:
    return f"{prefix}{number:0{width}d}"


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


def current_series(db: Database) -> PlateSeries:
    """The series plates are issued from now (shown to the administrator)."""
    with db.read() as s:
        row = s.scalar(select(PlatePool).where(PlatePool.active.is_(True)))
        if row is None:
            raise ActionRefused("尚未设置电动自行车号牌号段，请管理员在设置中设置。")
        return _series(row)


def set_series(db: Database, admin: AccountInfo, prefix: str, width: int, window: str = "",
               now: datetime | None = None) -> PlateSeries:
    """Issue plates from ``prefix`` + ``width`` digits from now on (administrators only, audited)."""
    errors = validate_series(prefix, width)
    with db.unit() as s:
        permissions.require(s, admin, "plates", refused="只有管理员可以设置号牌号段。")
    if errors:
        raise InputError(errors)
    prefix, now = ec.normalize_code(prefix), now or datetime.now()
    with db.unit() as s:
        permissions.require(s, admin, "plates", refused="只有管理员可以设置号牌号段。")
        row = s.get(PlatePool, prefix)
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


def allocate(session: Session) -> str:
    """The next plate of the active series, in the caller's transaction (rolled back with it)."""
    for _ in range(MAX_SKIPS):
        stmt = (
            update(PlatePool)
            .where(PlatePool.active.is_(True))
            .values(next_no=PlatePool.next_no + 1)
            .returning(PlatePool.prefix, PlatePool.width, PlatePool.next_no)
            .execution_options(synchronize_session=False)
        )
        got = session.execute(stmt).first()
        if got is None:
            raise ActionRefused("尚未设置电动自行车号牌号段，请管理员在设置中设置后再办理。")
        prefix, width, after = got
        number = after - 1
        if number >= 10 ** width:
            raise ActionRefused(f"号段“{prefix}”的号牌已全部发放（共{10 ** width - 1}个），"
                                "请管理员设置新的号段后再办理。")
        plate = format_plate(prefix, width, number)
        if not session.scalar(select(exists().where(EbikeRegistration.plate_no == plate))):
            return plate
    raise ActionRefused("号牌号段中连续多个号码已被占用，请管理员检查号段设置。")
