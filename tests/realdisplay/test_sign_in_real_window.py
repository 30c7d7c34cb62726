"""The real program on a real X display signs a clerk in and shows every tab with readable columns (issue 15)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

pytestmark = pytest.mark.realdisplay
ROOT = Path(__file__).resolve().parents[2]


def test_sign_in_then_every_tab_at_1366(x_display, tmp_path):
    from bench import generate

    data = tmp_path / "data"
    env = x_display.env(HALLDESK_DATA_DIR=str(data), HALLDESK_BENCH_SHOTS=str(tmp_path), PYTHONPATH=str(ROOT))
    # A hall with cases in every state and overdue work (the generator writes through the store's tables).
    subprocess.run([sys.executable, "-c", f"from pathlib import Path; from bench import generate; "
                                          f"generate.generate(Path({str(tmp_path / 'hall.sqlite3')!r}), 3000)"],
                   cwd=ROOT, env=env, check=True, timeout=600, capture_output=True)
    # The real start-up (python -m desktop's main), driven from inside: it waits for the sign-in
    # dialog's paint, types, presses 登录 (argon2), then shows each tab and opens each menu.
    run = subprocess.run([sys.executable, "-m", "bench.startup_child", "app", str(tmp_path / "hall.sqlite3"),
                          str(data), "clerk1", generate.PASSWORD], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Traceback" not in run.stderr and "qt.qpa" not in run.stderr, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["exit"] == 0
    assert out["tab_names"] == ["案件列表", "查询", "待办"]
    assert out["dialog_painted"] < out["data_ready"] < out["pressed"] < out["main_usable"]
    # Every column of every list on screen is at least as wide as its header text.
    assert set(out["cramped"]) == {"案件列表", "查询", "待办"}
    assert all(not cramped for cramped in out["cramped"].values()), out["cramped"]
    for n in range(3):
        shot = Image.open(tmp_path / f"tab-{n}.png")
        assert shot.size == (1366, 768)
        assert len(shot.convert("L").resize((64, 36)).getcolors(4096)) > 10  # painted, not a blank screen
