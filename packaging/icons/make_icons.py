"""Render packaging/icons/halldesk.svg to the PNG (Linux menu, window) and ICO (Windows) committed beside it."""

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent


def main() -> int:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 - Qt's painting needs an application
    renderer = QSvgRenderer(str(HERE / "halldesk.svg"))
    image = QImage(256, 256, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    image.save(str(HERE / "halldesk.png"))
    from PIL import Image

    Image.open(HERE / "halldesk.png").save(HERE / "halldesk.ico", sizes=[(16, 16), (32, 32), (48, 48), (256, 256)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
