"""Working-day and calendar-day deadline arithmetic on chinese-calendar data plus local overrides."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar

from forms.holidays import rules_digest, statutory_holidays
from forms.model import Basis, Deadline, SkippedDay
from forms.resources import resource

# NOTE: 行政许可法 第八十二条: 期限以工作日计算，不含法定节假日. The start day is never counted
# (民法典 第二百零一条: 开始的当日不计入，自下一日开始计算).
# NOTE: chinese_calendar.find_workday is off by one when the start day is a rest day
# (it counts the first working day reached as day 0), so it is not used here.

DEFAULT_OVERRIDES_PATH = resource("calendar", "overrides.toml")

HOLIDAY_KIND = "holiday"
WORKDAY_KIND = "workday"
OVERRIDE_KINDS = (HOLIDAY_KIND, WORKDAY_KIND)

WORKING_DAYS = "working_days"
CALENDAR_DAYS = "calendar_days"

# chinese-calendar returns the English value of its Holiday enum; clerks read Chinese.
# NOTE: the library's own `Holiday.chinese` says "清明", "端午", "中秋"; the State Council
# notices (e.g. 国办发明电〔2020〕27号) use the full names below.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}

_WEEKDAY_REST_NAMES = {5: "周六", 6: "周日"}

# Safety net: a deadline of more than this many days is a data error, not a real limit.
_MAX_SCAN_DAYS = 366 * 5


class OverrideError(ValueError):
    """The overrides file is malformed (message in Chinese, shown to the administrator)."""


@dataclass(frozen=True)
class CalendarOverride:
    """One day from a State Council holiday notice that chinese-calendar lacks or gets wrong."""

    day: date
    kind: str  # "holiday" or "workday"
    name: str  # e.g. "国庆节", "调休上班"
    source: str  # e.g. "国办发明电〔2026〕X号"

    def __post_init__(self) -> None:
        if self.kind not in OVERRIDE_KINDS:
            raise OverrideError(f"{self.day.isoformat()}：类型必须是 holiday 或 workday，而不是 {self.kind!r}")


@dataclass(frozen=True)
class DayStatus:
    day: date
    working: bool
    reason: str  # Chinese name of the rest day ("周六", "国庆节" ...); "" for a working day
    provisional: bool  # the year's official arrangement is not known to us


@dataclass(frozen=True)
class WorkdayCount:
    """The result of counting N days after a start day, with everything needed to explain it."""

    start: date
    count: int
    unit: str  # WORKING_DAYS or CALENDAR_DAYS
    due: date
    provisional: bool
    skipped: tuple[SkippedDay, ...] = ()
    nominal_due: date | None = None  # calendar days only: the last day before any extension

    @property
    def extended(self) -> bool:
        return self.nominal_due is not None and self.nominal_due != self.due

    def explain(self) -> str:
        """One line of Chinese for the clerk and the applicant's receipt."""
        if self.unit == WORKING_DAYS:
            text = f"自{self.start.isoformat()}次日起算{self.count}个工作日"
            if self.skipped:
                text += f"，跳过{_summarise(self.skipped)}"
            text += f"，至{self.due.isoformat()}"
        else:
            text = f"自{self.start.isoformat()}次日起算{self.count}日"
            if self.extended:
                assert self.nominal_due is not None
                text += (
                    f"，期满日{self.nominal_due.isoformat()}为法定休假日（{_summarise(self.skipped)}），"
                    f"依民法典第二百零三条顺延至{self.due.isoformat()}"
                )
            else:
                text += f"，至{self.due.isoformat()}"
        if self.provisional:
            text += "（暂定：涉及年份的国务院调休安排尚未录入，已扣除法定节假日、其余按周一至周五推算，仅供参考）"
        return text

    def to_deadline(self, key: str, label: str, basis: Basis) -> Deadline:
        return Deadline(
            key=key,
            label=label,
            start=self.start,
            due=self.due,
            count=self.count,
            unit=self.unit,
            provisional=self.provisional,
            basis=basis,
            explanation=self.explain(),
            skipped=self.skipped,
        )


def _summarise(skipped: Iterable[SkippedDay]) -> str:
    """'国庆节7天、周日1天' in order of first appearance."""
    counts: dict[str, int] = {}
    for s in skipped:
        counts[s.reason] = counts.get(s.reason, 0) + 1
    return "、".join(f"{reason}{n}天" for reason, n in counts.items())


def _library_years() -> frozenset[int]:
    """The years chinese-calendar has official data for, read from its data, not hard-coded."""
    years = {d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}
    covered = set()
    for year in years:
        try:
            chinese_calendar.get_holiday_detail(date(year, 7, 1))
        except NotImplementedError:
            continue
        covered.add(year)
    return frozenset(covered)


class WorkCalendar:
    """Which days are working days: overrides, then chinese-calendar, then statutory holidays + Mon–Fri.

    NOTE (issue 14): for a year neither the overrides nor chinese-calendar know, the statutory
    holidays are still certain (全国年节及纪念日放假办法 fixes them; forms/holidays.py computes the
    lunar ones and 清明): they are rest days, not provisional. What is unknown is the 调休 — a
    weekend day worked, a weekday added to a break — so every other day of such a year is
    provisional, and so is any count that crosses one.
    """

    def __init__(self, overrides: Iterable[CalendarOverride] = ()) -> None:
        by_day: dict[date, CalendarOverride] = {}
        for o in overrides:
            if o.day in by_day:
                raise OverrideError(f"{o.day.isoformat()} 在覆盖表中出现了两次")
            by_day[o.day] = o
        self._overrides = by_day
        self._library_years = _library_years()
        # NOTE: a year an administrator has entered any override for counts as known: the
        # overrides file asks for a year's whole State Council notice at once.
        self._override_years = frozenset(d.year for d in by_day)

    @property
    def overrides(self) -> tuple[CalendarOverride, ...]:
        return tuple(self._overrides[d] for d in sorted(self._overrides))

    def year_is_known(self, year: int) -> bool:
        return year in self._library_years or year in self._override_years

    def status(self, day: date) -> DayStatus:
        override = self._overrides.get(day)
        if override is not None:
            working = override.kind == WORKDAY_KIND
            return DayStatus(day, working, "" if working else override.name, False)
        if day.year in self._library_years:
            try:
                is_rest, name = chinese_calendar.get_holiday_detail(day)
            except NotImplementedError:
                pass  # fall through to the provisional rule
            else:
                if not is_rest:
                    return DayStatus(day, True, "", False)  # includes make-up working days (调休)
                reason = _holiday_name(name) if name else _WEEKDAY_REST_NAMES.get(day.weekday(), "休息日")
                return DayStatus(day, False, reason, False)
        provisional = not self.year_is_known(day.year)
        if provisional:
            holiday = statutory_holidays(day.year).get(day)
            if holiday is not None:
                return DayStatus(day, False, holiday, False)
        if day.weekday() >= 5:
            return DayStatus(day, False, _WEEKDAY_REST_NAMES[day.weekday()], provisional)
        return DayStatus(day, True, "", provisional)

    def is_working_day(self, day: date) -> bool:
        return self.status(day).working

    def _days_after(self, start: date) -> Iterator[DayStatus]:
        for offset in range(1, _MAX_SCAN_DAYS + 1):
            yield self.status(start + timedelta(days=offset))
        raise ValueError(f"no working day within {_MAX_SCAN_DAYS} days after {start}")

    def add_working_days(self, start: date, n: int) -> WorkdayCount:
        """The n-th working day after start; start itself is not counted. n=0 gives start."""
        if n < 0:
            raise ValueError("n must be >= 0")
        if n > _MAX_SCAN_DAYS:
            raise ValueError(f"n={n} is not a plausible number of working days")
        due = start
        provisional = False
        skipped: list[SkippedDay] = []
        counted = 0
        if n:
            for st in self._days_after(start):
                provisional = provisional or st.provisional
                if st.working:
                    counted += 1
                    if counted == n:
                        due = st.day
                        break
                else:
                    skipped.append(SkippedDay(st.day, st.reason))
        return WorkdayCount(start, n, WORKING_DAYS, due, provisional, tuple(skipped))

    def add_calendar_days(self, start: date, n: int) -> WorkdayCount:
        """start + n calendar days; start not counted; a last day on a rest day moves to the next working day."""
        # NOTE: 民法典 第二百零三条: 期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日.
        # We treat weekly rest days as 法定休假日 too (as 民事诉讼法 第八十五条 practice does),
        # and a make-up working day (调休) ends the extension.
        if n < 0:
            raise ValueError("n must be >= 0")
        nominal = start + timedelta(days=n)
        if n == 0:
            return WorkdayCount(start, 0, CALENDAR_DAYS, start, False, (), nominal)
        st = self.status(nominal)
        provisional = st.provisional
        skipped: list[SkippedDay] = []
        while not st.working:
            skipped.append(SkippedDay(st.day, st.reason))
            st = self.status(st.day + timedelta(days=1))
            provisional = provisional or st.provisional
            if len(skipped) > 60:
                raise ValueError(f"no working day within 60 days after {nominal}")
        return WorkdayCount(start, n, CALENDAR_DAYS, st.day, provisional, tuple(skipped), nominal)

    def calendar_version(self) -> str:
        """Which data the deadlines were computed with; stored with each assessment."""
        digest = hashlib.sha256()
        for o in self.overrides:
            digest.update(f"{o.day.isoformat()}\t{o.kind}\t{o.name}\t{o.source}\n".encode())
        return (f"chinesecalendar {chinese_calendar.__version__} + statutory {rules_digest()} "
                f"+ overrides {digest.hexdigest()[:8]}")

    # forms/service.py reads it as calendar.version().
    version = calendar_version


def _holiday_name(english: str) -> str:
    if english in HOLIDAY_NAMES_ZH:
        return HOLIDAY_NAMES_ZH[english]
    try:
        return chinese_calendar.Holiday(english).chinese
    except ValueError:
        return english


def load_overrides(path: Path | str) -> list[CalendarOverride]:
    """Read `[[override]]` entries (date, kind, name, source) from a TOML file."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise OverrideError(f"节假日覆盖表 {path.name} 格式错误：{exc}") from exc
    entries = data.get("override", [])
    if not isinstance(entries, list):
        raise OverrideError("节假日覆盖表中 override 必须写成 [[override]] 表数组")
    result = []
    for i, entry in enumerate(entries, start=1):
        day = entry.get("date")
        if not isinstance(day, date) or hasattr(day, "hour"):
            raise OverrideError(f"第{i}条覆盖：date 必须是不带引号的日期，如 2027-01-01")
        missing = [k for k in ("kind", "name", "source") if not str(entry.get(k, "")).strip()]
        if missing:
            raise OverrideError(f"第{i}条覆盖（{day.isoformat()}）缺少：{'、'.join(missing)}")
        result.append(
            CalendarOverride(day, str(entry["kind"]).strip(), str(entry["name"]).strip(), str(entry["source"]).strip())
        )
    return result


def default_calendar(path: Path | str | None = None) -> WorkCalendar:
    """The calendar with the shipped (or given) overrides file; a missing file means no overrides."""
    path = Path(path) if path is not None else DEFAULT_OVERRIDES_PATH
    return WorkCalendar(load_overrides(path) if path.exists() else ())
