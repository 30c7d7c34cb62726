"""PySide6's per-module source check, made cheap: the same answers, and no inspect.getsource on the real start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from desktop.cases import accounts
from desktop.store.database import open_database

ROOT = Path(__file__).resolve().parents[3]

_SAME_ANSWERS = r"""
import importlib, inspect, json, sys
sys.path.insert(0, sys.argv[1])
from desktop.ui import qt_hook
assert qt_hook.cheapen() is True and qt_hook.cheapen() is True  # in place, once
feature = sys.modules["shibokensupport.feature"]
patched = feature._mod_uses_pyside
calls = []
real_getsource = inspect.getsource
inspect.getsource = lambda obj: calls.append(obj.__name__) or real_getsource(obj)
import qt_user, qt_free, desktop.ui.login, desktop.cases.errors, _json, math  # fresh imports, after Qt
inspect.getsource = real_getsource
names = ["qt_user", "qt_free", "desktop.ui.login", "desktop.cases.errors", "json", "_json", "math", "sys", "builtins"]
from importlib.machinery import SourceFileLoader
with_source = [n for n in calls if isinstance(getattr(sys.modules.get(n), "__loader__", None), SourceFileLoader)]
print(json.dumps({"answers": {n: [patched(sys.modules[n]), patched.original(sys.modules[n])] for n in names},
                  "getsource": with_source, "others": calls,
                  "dict": {n: feature.pyside_feature_dict.get(n) for n in ("qt_user", "qt_free")}}))
"""


def test_the_cheap_check_gives_pyside6s_own_answers(tmp_path):
    (tmp_path / "qt_user.py").write_text('"""Mentions PySide6 only here."""\n', encoding="utf-8")
    (tmp_path / "qt_free.py").write_text('"""Nothing of Qt."""\nX = 1\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", _SAME_ANSWERS, str(tmp_path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT),
                                                       "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    import json

    out = json.loads(done.stdout)
    for name, (cheap, original) in out["answers"].items():
        assert cheap == original, (name, cheap, original)
    assert out["answers"]["qt_user"] == [True, True] and out["answers"]["qt_free"] == [False, False]
    assert out["answers"]["desktop.ui.login"] == [True, True]
    # no module with a source file imported after cheapen() went through inspect (built-in and
    # extension modules still do: inspect refuses them at once), and PySide6 recorded its answers
    assert out["getsource"] == [] and "qt_user" not in out["others"], out["others"]
    assert out["dict"] == {"qt_user": 0, "qt_free": -1}


def test_the_real_start_checks_no_module_of_ours_through_inspect(tmp_path, data_dir):
    db = open_database(tmp_path / "hall.sqlite3")
    accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123", window="03")
    db.close()
    code = r"""
import inspect, os, sys
checked = []
real_getsource = inspect.getsource
inspect.getsource = lambda obj: checked.append(getattr(obj, "__name__", "?")) or real_getsource(obj)
import desktop.__main__ as m
import desktop.ui.qt_hook as hook
real_cheapen = hook.cheapen

def cheapen():
    # the real start has come to the first use of Qt: what was loaded and checked so far, then leave
    before = sorted(n for n in sys.modules if n.startswith("PySide6") or n in ("desktop.app", "desktop.ui.login"))
    placed = real_cheapen()
    print(repr((before, placed, sorted(set(checked)))), flush=True)
    os._exit(0)

hook.cheapen = cheapen
m.main(["--db", sys.argv[1], "--data-dir", sys.argv[2]])
"""
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "hall.sqlite3"), str(data_dir)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    before, placed, checked = eval(done.stdout.strip().splitlines()[-1])  # printed with repr
    assert before == [] and placed  # put in place before PySide6 and the first module that uses it
    # NOTE: what PySide6's own first import brings (its packages, enum, io, …) is checked the slow
    # way, before cheapen() can be in place; nothing of HallDesk's was (test above: nor anything after).
    assert any(n.startswith("PySide6") for n in checked), checked  # the counter saw PySide6's own
    assert not [n for n in checked if n.split(".")[0] in ("desktop", "forms")], checked
