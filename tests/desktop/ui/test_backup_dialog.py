"""管理 → 备份与恢复 and the scheduled backups: real widgets, real encrypted files, an injected clock."""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from qt_helpers import answer_next_box
from sqlalchemy import select

from desktop import settings as settings_store
from desktop.cases import accounts
from desktop.cases.dto import Actor
from desktop.settings import Settings
from desktop.store import backup
from desktop.store.models import AuditEvent
from desktop.ui.admin_menus import install_admin_tools
from desktop.ui.backup_dialog import BackupDialog
from desktop.ui.backup_scheduler import BackupScheduler
from desktop.ui.main_window import MainWindow

HALL = "郑州市金水区政务服务中心"
PASS = "backup-pass-2026"


class Clock:
    """The scheduler's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 8, 0)

    def __call__(self) -> datetime:
        return self.now


def window_for(qtbot, db, account, **settings) -> MainWindow:
    w = MainWindow(db, Actor(account, "03", HALL), Settings(window_no="03", **settings))
    qtbot.addWidget(w)
    install_admin_tools(w)
    return w


def test_the_admin_menu_has_the_item_and_every_session_a_scheduler(qtbot, db, admin):
    w = window_for(qtbot, db, admin)
    assert "备份与恢复…" in [a.text() for a in w.admin_tools.admin_menu.actions()]
    assert w.backup_scheduler.timer.isActive()
    clerk = accounts.create_account(db, admin, "zhang", "张伟", "clerk", "secret-456", "secret-456")
    c = window_for(qtbot, db, clerk)
    assert not c.admin_tools.admin_menu.menuAction().isVisible() and c.backup_scheduler.timer.isActive()


def test_scheduled_backups_every_n_hours_on_a_worker_and_at_exit(qtbot, db, admin, tmp_path, caplog):
    usb = tmp_path / "usb"
    w = window_for(qtbot, db, admin, backup_dir=str(usb), backup_keep=2, backup_every_hours=4)
    backup.set_passphrase(PASS, PASS)
    clock = Clock()
    scheduler = BackupScheduler(w, clock=clock, tick_ms=3_600_000)
    caplog.set_level(logging.INFO, logger="desktop.ui.backup_scheduler")
    clock.now += timedelta(hours=3, minutes=59)
    assert not scheduler.tick() and not usb.exists()  # not yet due
    clock.now += timedelta(minutes=1)
    with qtbot.waitSignal(scheduler.sig_finished, timeout=60_000) as done:
        assert scheduler.tick()
    outcome = done.args[0]
    assert outcome.ok and outcome.path.parent == usb and outcome.path.name.endswith("-20261201-120000.hdbk")
    assert "scheduled backup done" in caplog.text
    assert not scheduler.tick()  # the interval starts again
    clock.now += timedelta(hours=4)
    with qtbot.waitSignal(scheduler.sig_finished, timeout=60_000):
        assert scheduler.tick()
    clock.now += timedelta(minutes=30)
    last = scheduler.at_exit()  # in the GUI thread, at exit
    assert last.ok and not scheduler.timer.isActive()
    assert [p.name[-20:] for p in backup.backups_in(usb)] == ["20261201-160000.hdbk", "20261201-163000.hdbk"]
    assert backup.restore(last.path, PASS, tmp_path / "check.sqlite3").revision


def test_a_failed_scheduled_backup_is_logged_and_said_in_the_status_bar(qtbot, db, admin, tmp_path, caplog):
    blocker = tmp_path / "usb"
    blocker.write_text("the stick is not mounted: a file where the folder should be")
    w = window_for(qtbot, db, admin, backup_dir=str(blocker / "halldesk"))
    backup.set_passphrase(PASS, PASS)
    clock = Clock()
    scheduler = BackupScheduler(w, clock=clock)
    clock.now += timedelta(hours=5)
    with qtbot.waitSignal(scheduler.sig_finished, timeout=60_000) as done:
        assert scheduler.tick()
    assert not done.args[0].ok and "备份文件夹" in done.args[0].message
    assert "scheduled backup failed" in caplog.text
    assert "自动备份失败" in w.statusBar().currentMessage()


def test_no_folder_or_no_passphrase_means_no_scheduled_backup(qtbot, db, admin, tmp_path):
    w = window_for(qtbot, db, admin)
    clock = Clock()
    scheduler = BackupScheduler(w, clock=clock)
    clock.now += timedelta(days=1)
    assert not scheduler.tick()  # no folder chosen
    w.settings = w.settings.with_changes(backup_dir=str(tmp_path / "usb"))
    assert not scheduler.tick() and scheduler.at_exit() is None  # no passphrase set


def test_the_dialog_saves_checks_sets_the_passphrase_and_backs_up_now(qtbot, db, admin, tmp_path):
    w = window_for(qtbot, db, admin)
    dialog = BackupDialog(w, w.backup_scheduler)
    qtbot.addWidget(dialog)
    assert "未设置" in dialog.key_label.text()
    dialog.backup_keep.setValue(0)
    assert not dialog.save() and dialog.errors["backup_dir"].text() and dialog.errors["backup_keep"].text()
    usb = tmp_path / "usb"
    dialog.backup_dir.setText(str(usb))
    dialog.backup_keep.setValue(5)
    dialog.backup_every_hours.setValue(2)
    assert dialog.save()
    assert settings_store.load().backup_dir == str(usb) and w.settings.backup_every_hours == 2
    with db.unit() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "settings.change"))
    assert event.detail["changes"]["backup_dir"] == {"from": "", "to": str(usb)}
    dialog.set_passphrase(PASS)
    assert "已设置" in dialog.key_label.text()
    assert PASS not in backup.key_path().read_text(encoding="utf-8")
    with qtbot.waitSignal(w.backup_scheduler.sig_finished, timeout=60_000):
        qtbot.mouseClick(dialog.backup_now, Qt.MouseButton.LeftButton)
    assert "上次备份成功" in dialog.status.text() and len(backup.backups_in(usb)) == 1


def test_restore_from_the_dialog_checks_first_then_replaces(qtbot, db, admin, tmp_path):
    usb = tmp_path / "usb"
    w = window_for(qtbot, db, admin, backup_dir=str(usb))
    backup.set_passphrase(PASS, PASS)
    made = backup.make_backup(db.url, usb)
    accounts.create_account(db, admin, "later", "后来者", "clerk", "secret-456", "secret-456")
    asked: list[str] = []
    closed: list[bool] = []
    dialog = BackupDialog(w, w.backup_scheduler, confirm=lambda _p, text: asked.append(text) or True,
                          on_restored=lambda: closed.append(True))
    qtbot.addWidget(dialog)
    seen: list[str] = []
    answer_next_box(seen)
    assert not dialog.restore_from(made.path, PASS + "x")  # wrong passphrase: refused before asking
    assert "口令不正确" in seen[0] and not asked and not closed
    answer_next_box(seen)
    assert dialog.restore_from(made.path, PASS)
    assert "备份检查通过" in asked[0] and closed == [True] and "已从备份" in seen[1]
    db_file = Path(db.url.split("///", 1)[1])
    names = {r[0] for r in sqlite3.connect(db_file).execute("SELECT username FROM accounts")}
    assert names == {"admin"}
    assert db_file.with_name(db_file.name + ".before-restore").exists()
    w.db.close()
