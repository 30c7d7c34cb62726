"""The registered CJK font has a glyph for every character the clerk can see (no boxes)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QRawFont
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QWidget

from desktop.cases.dto import Actor
from desktop.cases.status import LABELS as STATUS_LABELS
from desktop.fonts import repo_font_path
from desktop.settings import Settings
from desktop.ui.case_table import CaseTableModel, Column
from desktop.ui.crash import CrashDialog
from desktop.ui.login import FirstAdminDialog, LoginDialog
from desktop.ui.main_window import MainWindow
from desktop.ui.qtfont import install_app_font, missing_characters
from desktop.ui.settings_dialog import SettingsDialog
from forms import registry

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")

NAMES = ("欧阳娜娜", "司马懿", "上官婉儿", "张伟", "王芳", "李娜", "诸葛亮", "皇甫嵩")


@pytest.fixture
def family(qapp) -> str:
    return install_app_font(qapp, repo_font_path())


def widget_texts(root: QWidget) -> list[str]:
    """Every text a clerk can read in ``root`` and its children, menus included."""
    texts = [root.windowTitle()]
    for widget in [root, *root.findChildren(QWidget)]:
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts.append(widget.text())
        if isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        texts.append(widget.toolTip())
        # NOTE: a menu is a child widget too, so its items come from its own actions() here; never
        # QAction.menu(): under PySide6 6.9.3 (the release build's) the menu it returns is deleted
        # with that wrapper (desktop/ui/menu_actions.py).
        texts.extend(action.text() for action in widget.actions())
    return [t.replace("&", "") for t in texts if t]


def service_texts() -> list[str]:
    texts: list[str] = []
    for service in registry.services().values():
        texts += [service.name, service.description, service.basis.document]
        for field in service.fields:
            texts += [field.label, field.help, field.section, field.placeholder]
            texts += [label for _value, label in field.choices]
            for column in field.columns:
                texts += [column.label, column.help]
        for material in service.materials:
            texts += [material.label, material.help, material.basis.document, material.basis.clause]
    return [t for t in texts if t]


def test_app_font_is_the_registered_cjk_font(qapp, family):
    assert family == "Noto Sans SC"
    assert QApplication.font().family() == family
    assert QApplication.font().pointSizeF() == pytest.approx(10.5)


def test_every_ui_string_has_glyphs(qtbot, db, admin, family):
    window = MainWindow(db, Actor(admin, "03", "郑州市政务服务中心"), Settings())
    dialogs = [window, FirstAdminDialog(db), LoginDialog(db, "03"), SettingsDialog(Settings()),
               CrashDialog("Traceback", "/tmp/halldesk.log")]
    texts: list[str] = []
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        texts += widget_texts(dialog)
    model = CaseTableModel()
    texts += [model.headerData(c, Qt.Orientation.Horizontal) for c in Column]
    texts += list(STATUS_LABELS.values()) + service_texts() + list(NAMES)
    text = "".join(texts)
    assert "居住证" in text and "案件编号" in text and "欧阳娜娜" in text
    assert missing_characters(QFont(family), text) == ""


def test_raw_font_covers_the_sample_names(family):
    raw = QRawFont(str(repo_font_path()), 14)
    assert raw.isValid()
    missing = [c for c in "".join(NAMES) if not raw.supportsCharacter(ord(c))]
    assert missing == []


def test_missing_characters_notices_a_latin_only_font(qapp):
    # NOTE: guards the check above: a font without CJK must be reported, not silently backed up.
    assert missing_characters(QFont("DejaVu Sans"), "A 张伟") == "张伟"
