"""Test-only: start the real program (``desktop.__main__.main``) and play a short script into its real windows.

    python tests/realdisplay/driver.py MODE [program options...]

The clerk signs in by hand (the test types with xdotool); once the main window is up the driver:
``type``  opens 居住证申领 and types a name (committed as an input method does) and a phone number;
``segv``  dies of a segmentation fault, as a binding bug would.
"""

from __future__ import annotations

import faulthandler
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtGui import QInputMethodEvent  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QLineEdit  # noqa: E402

NAME, PHONE = "欧阳娜娜", "13812345678"


def _main_window():
    from desktop.ui.main_window import MainWindow

    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow) and widget.isVisible() and QApplication.activeModalWidget() is None:
            return widget
    return None


def _type(window) -> None:
    window.service_actions["residence_permit"].trigger()
    page = window.tabs.currentWidget()
    name = page.findChild(QLineEdit, "field_name")
    name.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(NAME)
    QApplication.sendEvent(name, event)
    QTest.keyClicks(page.findChild(QLineEdit, "field_phone"), PHONE)
    print("typed", flush=True)


def main() -> int:
    mode, argv = sys.argv[1], sys.argv[2:]
    app = QApplication([sys.argv[0]])  # noqa: F841 - the program reuses it (create_application)
    done = []

    def tick() -> None:
        window = _main_window()
        if window is None or done:
            return
        done.append(mode)
        if mode == "type":
            _type(window)
        elif mode == "segv":
            print("dying", flush=True)
            faulthandler._sigsegv()

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(100)
    from desktop.__main__ import main as program

    return program(argv)


if __name__ == "__main__":
    sys.exit(main())
