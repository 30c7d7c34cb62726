"""Register the CJK TrueType font with Qt and make it the application font."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QRawFont
from PySide6.QtWidgets import QApplication

from desktop.fonts import FontUnavailable

# NOTE: 10.5 pt (五号) is the size of Chinese body text on official forms; readable at a window PC.
APP_POINT_SIZE = 10.5
_registered: dict[str, str] = {}


def register_font(path: str | Path) -> str:
    """Add the font file to Qt's database once; returns its family name."""
    key = str(Path(path).resolve())
    if key in _registered:
        return _registered[key]
    font_id = QFontDatabase.addApplicationFont(key)
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        raise FontUnavailable(f"无法载入字体文件：{key}。请在“设置”中换一个 .ttf 中文字体文件。")
    _registered[key] = families[0]
    return families[0]


def install_app_font(app: QApplication, path: str | Path, point_size: float = APP_POINT_SIZE) -> str:
    """Register the font and make it the application font; returns the family."""
    family = register_font(path)
    font = QFont(family)
    font.setPointSizeF(point_size)
    app.setFont(font)
    return family


def missing_characters(font: QFont, text: str) -> str:
    """The distinct characters of ``text`` the font has no glyph for (whitespace ignored)."""
    # NOTE: QRawFont looks at the one matched font file; QFontMetrics.inFontUcs4 also counts
    # fallback fonts, so it would call a Latin-only font "complete" once any CJK font is loaded.
    raw = QRawFont.fromFont(font)
    missing: list[str] = []
    for char in dict.fromkeys(text):
        if not char.isspace() and not raw.supportsCharacter(ord(char)):
            missing.append(char)
    return "".join(missing)
