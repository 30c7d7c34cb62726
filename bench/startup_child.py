"""One cold start in a fresh process: the real HallDesk start-up driven through sign-in, or its bare floor.

``app DB DATADIR USER PASSWORD``: ``python -m desktop`` as a clerk starts it (the real
``desktop.__main__.main``), with a driver that waits for the sign-in dialog's first paint, types the
name and password once the data layer is ready, presses 登录 (the real argon2 check), waits for the
main window's first paint and an idle event loop, then shows every tab and opens every menu.
``bare W H``: a bare PySide6 process painting a QDialog of W×H, then a bare QMainWindow maximised.
Prints one JSON line of epoch seconds and durations.
"""

from __future__ import annotations

import json
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


class PaintWaiter:
    """Calls ``then`` once the first Paint that reaches ``target`` or one of its children has been handled.

    NOTE: the filter sees the Paint before the widget paints; the time is taken when the event loop
    is back (a zero timer queued then), so the painting itself is counted — the sign-in dialog's
    text and glyphs as much as the bare dialog's empty face. For a dialog (``only_target``) the
    filter sits on the dialog alone: an application-wide Python filter is called for every event of
    every object and makes PySide6 create the Python types of all it sees (the bare process's event
    classes, the program's style object), work neither process would do without the benchmark.
    """

    def __init__(self, app):
        from PySide6.QtCore import QEvent, QObject, QTimer

        waiter = self
        self.app = app
        self.target = None
        self.then = None
        self.watched = None
        self.delivered = 0.0  # when the last awaited Paint reached its widget (before it painted)

        class Filter(QObject):
            def eventFilter(self, obj, event):  # noqa: N802 - Qt override
                if waiter.target is not None and event.type() == QEvent.Type.Paint:
                    target = waiter.target
                    if obj is target or (hasattr(target, "isAncestorOf") and hasattr(obj, "isWidgetType")
                                         and obj.isWidgetType() and target.isAncestorOf(obj)):
                        then, waiter.target, waiter.then = waiter.then, None, None
                        waiter.delivered = time.time()
                        waiter.watched.removeEventFilter(self)
                        QTimer.singleShot(0, lambda: then(time.time()))
                return False

        self.filter = Filter()

    def wait(self, target, then, only_target: bool = False) -> None:
        self.target, self.then = target, then
        self.watched = target if only_target else self.app
        self.watched.installEventFilter(self.filter)


def idle(then) -> None:
    """``then(t)`` once the events queued so far have run (a usable window, not one still building)."""
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, lambda: then(time.time()))


def run_bare(width: int, height: int) -> dict:
    from PySide6.QtWidgets import QApplication, QDialog, QMainWindow

    app = QApplication([sys.argv[0]])
    out: dict = {}
    painter = PaintWaiter(app)
    dialog = QDialog()
    dialog.resize(width, height)

    def dialog_painted(t: float) -> None:
        out["dialog_painted"], out["dialog_cpu_s"] = t, time.process_time()
        out["dialog_paint_s"] = t - painter.delivered
        out["pressed"] = time.time()
        window = QMainWindow()
        out["_keep"] = window
        painter.wait(window, lambda t2: idle(lambda t3: finish(t3)))
        dialog.hide()
        window.showMaximized()

    def finish(t: float) -> None:
        out["main_usable"] = t
        app.quit()

    painter.wait(dialog, dialog_painted, only_target=True)
    dialog.show()
    app.exec()
    out.pop("_keep")
    return out


def run_app(db: str, data_dir: str, username: str, password: str) -> dict:
    # NOTE: a real start (python -m desktop) imports these Qt-free modules before PySide6 (its import
    # hook makes every later import dearer); the driver below needs Qt, so it imports them first too.
    from desktop.__main__ import import_before_qt
    from desktop.ui.qt_hook import cheapen

    import_before_qt()
    cheapen()  # NOTE: as desktop.__main__.run_gui does before the first module that uses Qt
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMenu, QPushButton, QWidget

    # NOTE: created first, as pytest-qt does; desktop.app.create_application reuses it and sets it up.
    app = QApplication([sys.argv[0]])
    out: dict = {"tabs": {}, "menus": 0.0}
    painter = PaintWaiter(app)

    def find(name: str):
        return next((w for w in app.topLevelWidgets() if w.objectName() == name and w.isVisible()), None)

    def look_for_dialog() -> None:
        dialog = find("login_dialog")
        if dialog is None:
            QTimer.singleShot(1, look_for_dialog)
            return
        painter.wait(dialog, lambda t: dialog_painted(dialog, t), only_target=True)

    def dialog_painted(dialog, t: float) -> None:
        out["dialog_painted"], out["dialog_cpu_s"] = t, time.process_time()
        out["dialog_paint_s"] = t - painter.delivered
        out["dialog_size"] = [dialog.width(), dialog.height()]
        wait_ready(dialog)

    def wait_ready(dialog) -> None:
        data = dialog.db
        if hasattr(data, "done") and not data.done.is_set():
            QTimer.singleShot(2, lambda: wait_ready(dialog))
            return
        out["data_ready"] = time.time()
        out["data_load_s"] = getattr(data, "seconds", 0.0)
        QTimer.singleShot(0, lambda: sign_in(dialog))  # NOTE: the warm-up queued at ready runs first

    def timed(module, name: str, key: str) -> None:
        """Time one function of the case layer (by wrapping it: the real function runs)."""
        original = getattr(module, name)

        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                out[key] = out.get(key, 0.0) + time.perf_counter() - started

        setattr(module, name, wrapper)

    def sign_in(dialog) -> None:
        from desktop.cases import accounts, passwords  # loaded by now: the data layer is ready

        timed(passwords, "matches", "argon2_s")
        timed(accounts, "sign_in", "sign_in_s")
        dialog.edits["username"].setText(username)
        dialog.edits["password"].setText(password)
        look_for_main()
        out["pressed"] = time.time()
        dialog.findChild(QPushButton, "submit").click()

    def look_for_main() -> None:
        window = find("main_window")
        if window is None:
            QTimer.singleShot(0, look_for_main)
            return
        painter.wait(window, lambda t: idle(lambda t2: main_usable(window, t, t2)))

    def look(window, page, name: str) -> None:
        """With HALLDESK_BENCH_SHOTS: a screenshot of the screen, and every visible table's columns
        that are narrower than their header text (a column nobody can read)."""
        folder = os.environ.get("HALLDESK_BENCH_SHOTS")
        if not folder:
            return
        from PySide6.QtWidgets import QTableView

        app.primaryScreen().grabWindow(0).save(os.path.join(folder, f"tab-{window.tabs.indexOf(page)}.png"))
        cramped = []
        for view in page.findChildren(QTableView):
            if not view.isVisible():
                continue
            header = view.horizontalHeader()
            metrics = header.fontMetrics()
            for column in range(header.count()):
                if header.isSectionHidden(column):
                    continue
                label = str(view.model().headerData(column, header.orientation()) or "")
                if header.sectionSize(column) < metrics.horizontalAdvance(label):
                    cramped.append(f"{view.objectName()}:{label}")
        out.setdefault("cramped", {})[name] = cramped

    def main_usable(window, painted: float, usable: float) -> None:
        out["main_painted"], out["main_usable"] = painted, usable
        look(window, window.tabs.widget(0), window.tabs.tabText(0))
        out["rss_mb"] = rss_kb() / 1024
        out["tab_names"] = [window.tabs.tabText(i) for i in range(window.tabs.count())]
        show_tab(window, 1)

    def show_tab(window, index: int) -> None:
        if index >= window.tabs.count():
            QTimer.singleShot(0, lambda: open_menu(window, list(window.menuBar().actions()), 0.0))
            return
        page: QWidget = window.tabs.widget(index)
        started = time.time()

        def shown(t: float) -> None:
            out["tabs"][window.tabs.tabText(index)] = t - started
            look(window, page, window.tabs.tabText(index))
            show_tab(window, index + 1)

        painter.wait(page, lambda t: idle(shown))
        window.tabs.setCurrentIndex(index)

    def open_menu(window, actions, total: float) -> None:
        # NOTE: the menus as the menu bar's children, in the bar's order; never QAction.menu(), which
        # under PySide6 6.9.3 (the release build's) deletes the menu with its wrapper.
        bar_menus = window.menuBar().findChildren(QMenu)
        menus = [m for a in actions for m in bar_menus if m.menuAction() == a]
        if not menus:
            out["menus"] = total
            out["menu_count"] = len([m for m in window.menuBar().findChildren(QMenu) if m.parent() is window.menuBar()])
            window.close()
            return
        menu = menus[0]
        rest = actions[actions.index(menu.menuAction()) + 1:]
        started = time.time()

        def shown(t: float) -> None:
            menu.hide()
            open_menu(window, rest, total + (t - started))

        painter.wait(menu, lambda t: idle(shown))
        menu.popup(window.mapToGlobal(window.rect().topLeft()))

    QTimer.singleShot(0, look_for_dialog)
    from desktop.__main__ import main as hall_desk

    out["exit"] = hall_desk(["--db", db, "--data-dir", data_dir])
    return out


def main() -> None:
    mode = sys.argv[1]
    if mode == "bare":
        out = run_bare(int(sys.argv[2]), int(sys.argv[3]))
    else:
        out = run_app(*sys.argv[2:6])
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
