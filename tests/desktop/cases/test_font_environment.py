"""Fonts as an environment failure: a font set in 设置 and then deleted, and no font at all."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop import fonts
from desktop.cases import intake
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from desktop.store.errors import EnvironmentFailure
from desktop.store.models import AuditEvent, Case, Document
from forms import registry

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 11, 25, 10, 30)


def _counts(db):
    with db.unit() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) for t in (Case, Document, AuditEvent))


def test_a_deleted_settings_font_refuses_intake_with_a_message_and_writes_nothing(db, admin, tmp_path):
    font = tmp_path / "simsun-copy.ttf"
    shutil.copyfile(fonts.find_font().path, font)
    actor = Actor(admin, "03", "郑州市金水区政务服务中心")
    case = registry.get("residence_permit").example(NOW.date())
    papers = tmp_path / "papers"
    intake.accept(HallContext(db, actor, papers, str(font)),
                  "residence_permit", case["answers"], case["materials"], now=NOW)
    font.unlink()  # the clerk's font is gone (USB stick removed, file deleted)
    before, files = _counts(db), sorted(papers.iterdir())
    with pytest.raises(EnvironmentFailure) as caught:
        intake.accept(HallContext(db, actor, papers, str(font)),
                      "residence_permit", case["answers"], case["materials"], now=NOW)
    message = caught.value.message
    assert "已不存在" in message and str(font) in message and "设置" in message and "自带的字体" in message
    assert _counts(db) == before and sorted(papers.iterdir()) == files


def test_no_font_at_all_names_a_command_that_exists(tmp_path):
    # A copy of the program without its prepared font, in a home without a cached one: the real message.
    app = tmp_path / "app"
    for package in ("desktop", "forms"):
        shutil.copytree(ROOT / package, app / package, ignore=shutil.ignore_patterns("__pycache__"))
    (app / "resources").mkdir()
    env = {k: v for k, v in os.environ.items() if k != "HALLDESK_FONT"}
    env.update(PYTHONPATH=str(app), HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"))
    which = subprocess.run([sys.executable, "-m", "desktop.fonts", "which"], cwd=app, env=env,
                           capture_output=True, text=True, timeout=60)
    assert which.returncode == 1 and "找不到可用的中文字体" in which.stderr, which.stderr
    assert "hall-desk prepare-font" not in which.stderr
    assert fonts.PREPARE_COMMAND in which.stderr
    # The command the message names runs (its help: preparing the font itself takes ≈ 12 s).
    argv = fonts.PREPARE_COMMAND.split()
    assert argv[:2] == ["python", "-m"]
    helped = subprocess.run([sys.executable, *argv[1:], "--help"], cwd=app, env=env, capture_output=True,
                            text=True, timeout=60)
    assert helped.returncode == 0 and "--out" in helped.stdout
