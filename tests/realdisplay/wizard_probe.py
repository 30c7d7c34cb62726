"""Test-only: start the real program on a fresh folder, screenshot every page of the set-up wizard and walk it.

    python tests/realdisplay/wizard_probe.py OUT_DIR --data-dir DIR

Writes OUT_DIR/page-<n>-<name>.png and OUT_DIR/pages.json (each page's frame geometry and the
screen's), then quits at the sign-in dialog.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWizard  # noqa: E402

PASSWORD = "probe-pass-1"


def main() -> int:
    out, argv = Path(sys.argv[1]), sys.argv[2:]
    out.mkdir(parents=True, exist_ok=True)
    os.environ["HALLDESK_FIRST_RUN"] = "wizard"
    app = QApplication([sys.argv[0]])  # noqa: F841 - the program reuses it
    pages: list[dict] = []
    shot: set[int] = set()

    def tick() -> None:
        from desktop.ui.login import LoginDialog
        from desktop.ui.setup_wizard import ADMIN, HALL, SetupWizard

        modal = QApplication.activeModalWidget()
        if isinstance(modal, LoginDialog):
            timer.stop()
            (out / "pages.json").write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")
            modal.reject()
            return
        if not isinstance(modal, SetupWizard):
            return
        page = modal.currentId()
        if page not in shot:
            # NOTE: one more tick after a page appears, so the window manager has drawn it.
            shot.add(page)
            return
        name = modal.currentPage().objectName()
        screen = modal.screen().availableGeometry()
        frame = modal.frameGeometry()
        QApplication.primaryScreen().grabWindow(0).save(str(out / f"page-{page + 1}-{name}.png"))
        pages.append({"page": name, "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
                      "screen": [screen.x(), screen.y(), screen.width(), screen.height()]})
        if page == HALL:
            modal.hall.hall_address.setText("郑州市金水区花园路1号")
            modal.hall.hall_phone.setText("0371-67188888")
        if page == ADMIN:
            for key, value in (("username", "admin"), ("display_name", "王丽"), ("password", PASSWORD),
                               ("password2", PASSWORD)):
                modal.admin.edits[key].setText(value)
            modal.button(QWizard.WizardButton.FinishButton).click()
        else:
            modal.next()

    timer = QTimer()
    timer.setInterval(200)
    timer.timeout.connect(tick)
    timer.start()
    from desktop.__main__ import main as program

    return program(argv)


if __name__ == "__main__":
    sys.exit(main())
