"""One cold start in a fresh process: a bare QMainWindow or HallDesk's main window, to first paint."""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def rss_kb() -> int:
    """Resident memory now (VmRSS) in KiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main() -> None:
    mode, db_path = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else ""
    if mode != "bare":
        # NOTE: the same order as `hall-desk` (desktop.__main__.run_gui): the data layer, then Qt.
        from desktop.__main__ import preload_data_layer

        preload_data_layer()
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    db_open = 0.0
    if mode == "bare":
        app = QApplication([])
        window = QMainWindow()
        window.resize(1280, 800)
    else:
        from desktop.app import create_application, setup_font
        from desktop.cases.dto import Actor
        from desktop.settings import Settings
        from desktop.store.database import open_database
        from desktop.ui.main_window import MainWindow

        app = create_application()
        settings = Settings()
        setup_font(app, settings)
        started = time.perf_counter()
        db = open_database(db_path)
        db_open = time.perf_counter() - started
        from desktop.cases.dto import AccountInfo

        actor = Actor(AccountInfo(1, "bench", "测试", "clerk"), "01", settings.hall_name)
        window = MainWindow(db, actor, settings)

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                print(f"{time.time():.6f} {db_open:.6f} {rss_kb()}", flush=True)
                QTimer.singleShot(0, app.quit)
                self.deleteLater()
            return False

    watcher = FirstPaint()
    window.installEventFilter(watcher)
    window.show()
    app.exec()


if __name__ == "__main__":
    main()
