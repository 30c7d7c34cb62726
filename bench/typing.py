"""Typing into an intake field of the signed-in main window, key by key, against a bare QLineEdit (issue 15).

A clerk types all day: each key's press and release go through every application-wide event
filter, the field's own filters and the page's re-assessment timer, then the repaint. The real
main window (pages, admin tools and the idle lock, as after sign-in) with the 居住证 page open, its
phone field focused; the floor is a bare QMainWindow whose only child is a QLineEdit, in the same
process with the same application font. Blocks of keys alternate between the two (who goes first
alternating); the CPU time of each key (QTest.keyClick, then the posted events and the repaint) is
taken, and the medians compared. ``python -m bench.typing`` or ``python -m bench --only typing``.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

BLOCKS = 20
KEYS_PER_BLOCK = 11  # a phone number
DIGITS = "13800138000"


def _hall(folder: Path):
    from desktop import paths
    from desktop.cases import accounts
    from desktop.cases.dto import Actor
    from desktop.store.database import open_database

    paths.set_data_dir(folder / "data")
    db = open_database(folder / "hall.sqlite3")
    admin = accounts.create_first_admin(db, "admin", "王丽", "bench-pass-1", "bench-pass-1", "03")
    return db, Actor(admin, "03", "郑州市金水区政务服务中心")


def _key_cpu(widget, key) -> float:
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    c = time.process_time()
    QTest.keyClick(widget, key)
    QApplication.processEvents()  # the posted update requests: the field's repaint
    return time.process_time() - c


def run(blocks: int = BLOCKS) -> list[dict]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow, QWidget

    from desktop.app import build_main_window, create_application, setup_font
    from desktop.settings import Settings

    keys = [getattr(Qt.Key, f"Key_{d}") for d in DIGITS]
    with tempfile.TemporaryDirectory(prefix="halldesk-typing-") as tmp:
        app = create_application()
        settings = Settings(hall_name="郑州市金水区政务服务中心", window_no="03",
                            output_dir=str(Path(tmp) / "papers"))
        setup_font(app, settings)
        db, actor = _hall(Path(tmp))
        window = build_main_window(db, actor, settings)
        window.show()
        window._on_service_clicked("residence_permit")
        field = window.tabs.currentWidget().findChild(QLineEdit, "field_phone")
        bare = QMainWindow()
        bare.setCentralWidget(QWidget())
        bare_field = QLineEdit(bare.centralWidget())
        bare.resize(window.size())
        bare_field.setGeometry(field.geometry())  # NOTE: the same size, so the same repaint
        targets = {"real": (window, field), "bare": (bare, bare_field)}
        samples: dict[str, list[float]] = {"real": [], "bare": []}
        load = os.getloadavg()[0]
        for n in range(2 * blocks + 2):  # NOTE: the first pair warms both (glyphs, enum types)
            name = ("real", "bare")[(n + n // 2) % 2]
            top, widget = targets[name]
            top.show()
            top.activateWindow()
            widget.setFocus()
            widget.clear()
            QApplication.processEvents()
            cpu = [_key_cpu(widget, key) for key in keys]
            if n >= 2:
                samples[name] += cpu
            top.hide()
        assert field.text() == DIGITS and bare_field.text() == DIGITS, (field.text(), bare_field.text())
        window.close_keeping_unsaved()
        db.close()
    real, floor = statistics.median(samples["real"]), statistics.median(samples["bare"])
    ratio = real / floor
    return [{
        "name": "输入一个字符（居住证受理页的联系电话 / 空白输入框）", "ok": True, "ref": True,
        "real_us": real * 1e6, "bare_us": floor * 1e6, "ratio": ratio, "keys": len(samples["real"]),
        "load": (load, os.getloadavg()[0]),
        "line": f"CPU per key (press, release, repaint) {real * 1e6:.0f} µs vs a bare QLineEdit {floor * 1e6:.0f} µs "
                f"→ {ratio:.2f}×; {len(samples['real'])} keys each in {blocks} alternating blocks, load "
                f"{load:.1f} → {os.getloadavg()[0]:.1f} (no target: a reference)",
    }]


if __name__ == "__main__":
    for row in run():
        print(row["line"])
