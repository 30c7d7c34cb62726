"""Issue 15: a window's long-lived heap is frozen once, at its first paper, so full collections never walk it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import gc
from desktop import heap
from desktop.cases import intake
before = gc.get_freeze_count()
intake.fonts_ready(None)          # the first paper's preparation: reportlab, the font, then heap.settle
after = gc.get_freeze_count()
again = heap.settle("papers")     # once per process
print(before, after, again, len(gc.get_objects()))
"""


def test_the_first_paper_freezes_the_heap_once(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HALLDESK_DATA_DIR": str(tmp_path / "data"),
           "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    before, after, again, tracked = done.stdout.split()
    # The modules, the parsed font and reportlab are frozen (tens of thousands of objects) and left
    # out of the collector's generations; a second call does nothing.
    assert int(before) == 0 and int(after) > 20_000 and again == "False"
    assert int(tracked) < int(after) // 10
