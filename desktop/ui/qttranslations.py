"""Qt's own Simplified Chinese strings (standard buttons, context menus) from the translations PySide6 ships."""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication


def install_qt_translations(app: QApplication) -> bool:
    """Load qtbase_zh_CN so a standard 关闭/取消 button never shows English; False if it is missing."""
    if getattr(app, "_halldesk_qt_translator", None) is not None:
        return True
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", folder):
        return False
    app.installTranslator(translator)
    app._halldesk_qt_translator = translator  # keep it alive as long as the application
    return True
