"""Tests for forms.workdays: working-day and calendar-day deadlines."""

from __future__ import annotations

import re
from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings, strategies as st

from forms.model import Basis, SkippedDay
from forms.workdays import (
    DEFAULT_OVERRIDES_PATH,
    CalendarOverride,
    OverrideError,
    WorkCalendar,
    default_calendar,
    load_overrides,
)

CAL = WorkCalendar()
D = date


def test_library_facts_behind_the_national_day_2021_case():
    # Make-up Saturdays around National Day 2021, straight from chinese-calendar.
    assert chinese_calendar.is_workday(D(2021, 9, 18))
    assert chinese_calendar.is_workday(D(2021, 10, 9))
    assert not chinese_calendar.is_workday(D(2021, 10, 7))
    assert CAL.is_working_day(D(2021, 9, 18))
    assert CAL.is_working_day(D(2021, 10, 9))


def test_national_day_2021_five_working_days():
    r = CAL.add_working_days(D(2021, 9, 30), 5)
    # 10-08 Fri, 10-09 Sat (make-up), 10-11, 10-12, 10-13
    assert r.due == D(2021, 10, 13)
    assert not r.provisional
    assert r.skipped == tuple(SkippedDay(D(2021, 10, d), "国庆节") for d in range(1, 8)) + (
        SkippedDay(D(2021, 10, 10), "周日"),
    )
    assert r.explain() == "自2021-09-30次日起算5个工作日，跳过国庆节7天、周日1天，至2021-10-13"


def test_mid_autumn_2021_names_and_make_up_saturday():
    r = CAL.add_working_days(D(2021, 9, 17), 2)
    # 09-18 Sat is a make-up working day, 09-19..09-21 Mid-autumn, 09-22 working
    assert r.due == D(2021, 9, 22)
    assert [s.reason for s in r.skipped] == ["中秋节"] * 3


def test_start_day_on_a_rest_day_is_not_counted():
    r = CAL.add_working_days(D(2021, 10, 2), 1)
    assert r.due == D(2021, 10, 8)
    # NOTE: this is where chinese_calendar.find_workday is one day off.
    assert chinese_calendar.find_workday(1, D(2021, 10, 2)) == D(2021, 10, 9)
    assert CAL.add_working_days(D(2021, 6, 5), 1).due == D(2021, 6, 7)  # ordinary Saturday
    assert CAL.add_working_days(D(2021, 10, 9), 1).due == D(2021, 10, 11)  # make-up Saturday


def test_zero_days_is_the_start_day():
    r = CAL.add_working_days(D(2021, 10, 1), 0)
    assert r.due == D(2021, 10, 1)
    assert r.skipped == ()
    assert not r.provisional


def test_negative_days_rejected():
    with pytest.raises(ValueError):
        CAL.add_working_days(D(2021, 10, 1), -1)
    with pytest.raises(ValueError):
        CAL.add_calendar_days(D(2021, 10, 1), -1)


# NOTE: chinesecalendar is pinned to 1.11.0 (requirements.lock), whose data ends with 2026;
# when a release adds 2027, move these cases to the first uncovered year.
def test_uncovered_year_counts_monday_to_friday_provisionally():
    assert not CAL.year_is_known(2027)
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 3, 5))
    r = CAL.add_working_days(D(2027, 3, 5), 10)  # a Friday
    assert r.due == D(2027, 3, 19)
    assert r.provisional
    assert [s.day for s in r.skipped] == [D(2027, 3, 6), D(2027, 3, 7), D(2027, 3, 13), D(2027, 3, 14)]
    assert [s.reason for s in r.skipped] == ["周六", "周日", "周六", "周日"]
    assert "仅供参考" in r.explain()


def test_crossing_into_an_uncovered_year_skips_its_statutory_holidays():
    r = CAL.add_working_days(D(2026, 12, 31), 3)
    # 2027-01-01 is 元旦 by law even before the 2027 notice: skipped; weekend; 01-04, 01-05, 01-06.
    assert r.due == D(2027, 1, 6)
    assert r.skipped[0] == SkippedDay(D(2027, 1, 1), "元旦")
    assert r.provisional and "暂定" in r.explain()
    assert not CAL.status(D(2027, 1, 1)).provisional  # the holiday itself is certain
    assert CAL.status(D(2027, 1, 4)).provisional  # a weekday may yet be swapped (调休)
    # a count that stays inside a covered year is not provisional
    assert not CAL.add_working_days(D(2026, 12, 1), 3).provisional


def test_override_makes_a_2027_day_a_holiday():
    cal = WorkCalendar([CalendarOverride(D(2027, 1, 1), "holiday", "元旦", "国办发明电〔2026〕X号")])
    r = cal.add_working_days(D(2026, 12, 31), 3)
    assert r.due == D(2027, 1, 6)
    assert r.skipped[0] == SkippedDay(D(2027, 1, 1), "元旦")
    assert not r.provisional  # the administrator has entered 2027
    assert "元旦1天" in r.explain()


def test_overrides_win_over_the_library():
    cal = WorkCalendar(
        [
            CalendarOverride(D(2021, 10, 8), "holiday", "临时休息", "测试"),
            CalendarOverride(D(2021, 10, 10), "workday", "调休上班", "测试"),
        ]
    )
    r = cal.add_working_days(D(2021, 9, 30), 2)
    assert r.due == D(2021, 10, 10)
    assert SkippedDay(D(2021, 10, 8), "临时休息") in r.skipped


def test_calendar_days_ending_on_a_holiday_are_extended():
    r = CAL.add_calendar_days(D(2021, 9, 24), 7)
    assert r.nominal_due == D(2021, 10, 1)
    assert r.due == D(2021, 10, 8)
    assert r.extended
    assert len(r.skipped) == 7
    text = r.explain()
    assert "民法典第二百零三条" in text and "2021-10-08" in text and "国庆节7天" in text


def test_calendar_days_not_extended_on_a_working_day():
    r = CAL.add_calendar_days(D(2021, 9, 29), 10)
    assert r.due == D(2021, 10, 9)  # make-up Saturday is a working day
    assert not r.extended and r.skipped == ()
    assert r.explain() == "自2021-09-29次日起算10日，至2021-10-09"
    assert CAL.add_calendar_days(D(2021, 9, 29), 0).due == D(2021, 9, 29)


def test_to_deadline():
    r = CAL.add_working_days(D(2021, 9, 30), 5)
    d = r.to_deadline("decide", "作出决定", Basis("行政许可法", "第四十二条"))
    assert d.due == D(2021, 10, 13) and d.unit == "working_days" and d.count == 5
    assert d.to_dict()["skipped"][0] == {"day": "2021-10-01", "reason": "国庆节"}


def test_load_overrides_and_version(tmp_path):
    path = tmp_path / "o.toml"
    path.write_text(
        '[[override]]\ndate = 2027-01-01\nkind = "holiday"\nname = "元旦"\nsource = "国办发明电〔2026〕X号"\n',
        encoding="utf-8",
    )
    overrides = load_overrides(path)
    assert overrides == [CalendarOverride(D(2027, 1, 1), "holiday", "元旦", "国办发明电〔2026〕X号")]
    version = WorkCalendar(overrides).calendar_version()
    assert re.fullmatch(r"chinesecalendar \S+ \+ statutory [0-9a-f]{8} \+ overrides [0-9a-f]{8}", version)
    assert version != WorkCalendar().calendar_version()
    assert WorkCalendar().version() == WorkCalendar().calendar_version()


@pytest.mark.parametrize(
    "body",
    [
        '[[override]]\ndate = 2027-01-01\nkind = "rest"\nname = "x"\nsource = "y"\n',
        '[[override]]\ndate = "2027-01-01"\nkind = "holiday"\nname = "x"\nsource = "y"\n',
        '[[override]]\ndate = 2027-01-01\nkind = "holiday"\nname = "x"\n',
        "[[override]\n",
    ],
)
def test_bad_overrides_rejected(tmp_path, body):
    path = tmp_path / "o.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(OverrideError):
        load_overrides(path)


def test_duplicate_override_rejected():
    o = CalendarOverride(D(2027, 1, 1), "holiday", "元旦", "x")
    with pytest.raises(OverrideError):
        WorkCalendar([o, o])


def test_shipped_overrides_file_loads():
    assert DEFAULT_OVERRIDES_PATH.exists()
    load_overrides(DEFAULT_OVERRIDES_PATH)
    assert default_calendar().calendar_version().startswith("chinesecalendar ")


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=D(2019, 1, 1), max_value=D(2028, 12, 31)),
    n=st.integers(min_value=1, max_value=45),
)
def test_property_due_is_the_nth_working_day(start, n):
    r = CAL.add_working_days(start, n)
    assert CAL.is_working_day(r.due)
    days = [start + timedelta(days=i) for i in range(1, (r.due - start).days + 1)]
    assert sum(CAL.is_working_day(d) for d in days) == n
    assert [s.day for s in r.skipped] == [d for d in days if not CAL.is_working_day(d)]
    assert r.provisional == any(not CAL.year_is_known(d.year) for d in days)


def test_an_uncovered_year_knows_its_lunar_holidays_and_qingming():
    from forms.holidays import statutory_holidays

    days = statutory_holidays(2027)
    assert len(days) == 13  # 全国年节及纪念日放假办法 (2024): 13 days
    # 春节 2027: 除夕 2027-02-05 and 正月初一至初三 (lunar new year 2027-02-06); 清明 on its solar term.
    assert [d for d, n in sorted(days.items()) if n == "春节"] == [D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7),
                                                                  D(2027, 2, 8)]
    assert days[D(2027, 4, 5)] == "清明节" and days[D(2027, 6, 9)] == "端午节" and days[D(2027, 9, 15)] == "中秋节"
    r = CAL.add_working_days(D(2027, 2, 4), 2)  # Thu; Fri 02-05 除夕 … Mon 02-08 初三; Tue 02-09, Wed 02-10
    assert r.due == D(2027, 2, 10) and r.provisional
    assert "春节4天" in r.explain()


@pytest.mark.parametrize("year", range(2014, 2027))
def test_the_holiday_rules_agree_with_every_published_year(year):
    """Every day the rules compute is a rest day in the State Council's published arrangement."""
    from forms.holidays import statutory_holidays

    days = statutory_holidays(year)
    assert set(days.values()) == {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"}
    # 13 days from 2025 (11 before); fewer only where two fall on one day (中秋 = 国庆 in 2020).
    assert len(days) == (13 if year >= 2025 else 11) - (1 if year == 2020 else 0)
    assert all(chinese_calendar.get_holiday_detail(d)[0] for d in days), year
