"""A short clerk's day in the real program on a real X display (``make soak`` runs the long one)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.realdisplay

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "soak"))
import run as soak  # noqa: E402
from plan import SERVICES  # noqa: E402

SHORT_DAY = 22  # two cycles: every service accepted, a notice, a refusal, a draft resumed, two case views
DECISIONS = 3


def test_short_day_passes_every_soak_check(x_display, tmp_path):
    result = soak.soak_day(x_display.env(), tmp_path / "soak", SHORT_DAY, DECISIONS, timeout_s=600)
    print(soak.summary(result))
    assert soak.problems(result, SHORT_DAY) == []
    clerk = result.phases["clerk"]
    outcomes = {(c["outcome"], c["service"]) for c in clerk["cases"]}
    # Every procedure accepted, and every kind of outcome reached, through the real windows.
    assert {s for o, s in outcomes if o in ("accept", "resume")} == set(SERVICES)
    assert {o for o, _s in outcomes} == {"accept", "notice", "refuse", "draft", "resume"}
    assert clerk["stats"]["case_views"] == 2
    assert [d["decision"] for d in result.phases["supervisor"]["decisions"]] == ["approve"] * DECISIONS
    # Issue 13: an accepted e-bike case is 已办结 at the window, and no supervisor decision touches one.
    bikes = [c for c in clerk["cases"] if c["outcome"] == "accept" and c["service"].startswith("ebike_")]
    assert bikes and {c["status"] for c in bikes} == {"issued"}
    assert not {d["service"] for d in result.phases["supervisor"]["decisions"]} & {c["service"] for c in bikes}
    assert clerk["keys"] > 1000 and clerk["commits"] > 50  # typed, not set


def test_the_checks_fail_on_a_falling_none_count_and_on_qt_warnings():
    """The checks themselves can fail: a report as a leaking binding or a warning would leave it."""
    samples = [{"label": "signed in", "none_refs": 40_000, "rss_kb": 150_000}]
    samples += [{"label": f"case {n}", "none_refs": 40_000 - 250 * 140 * n, "rss_kb": 150_000} for n in range(20)]
    report = {"samples": samples, "qt_messages": [{"kind": "warning", "category": "qt.qpa", "message": "x",
                                                    "at_case": 3}],
              "exceptions": [], "completed": True, "keys": 2800, "commits": 100, "wall_s": 30, "stats": {},
              "cases": [], "user": "zhang", "pyside6": "6.12.0"}
    result = soak.SoakResult(cases=20, decisions=0, wall_s=30, phases={"clerk": report},
                             returncodes={"clerk": 0})
    found = soak.problems(result, 20)
    assert any("fell to" in line for line in found)
    assert any("moves" in line for line in found)
    assert any("Qt warning" in line for line in found)
