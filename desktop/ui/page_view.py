"""A PDF's pages as images fitted to the width, rendered by QPdfDocument in the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

# NOTE: why not QPdfView: showing and closing previews of different papers in QPdfView grew RSS
# ≈ 6 MB per 100 previews even with every dialog and document deleted (offscreen probe, 900
# previews, linear), an eight-hour day's worth of receipts; QPdfDocument.render of the same papers
# stays flat. QPdfView also renders in a worker thread, and deleting one whose render is in flight
# segfaulted (Qt 6.11.3). A receipt has one or two pages, so rendering them here costs a few tens
# of milliseconds and nothing runs behind the clerk's back.
PAGE_GAP = 12
MARGIN = 16


class PageView(QScrollArea):
    """Every page of ``document`` one under the other, as wide as the view; re-rendered on resize."""

    def __init__(self, document: QPdfDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setStyleSheet("QScrollArea { background: #8a8a8a; }")
        inner = QWidget(self)
        inner.setStyleSheet("background: #8a8a8a;")
        self._layout = QVBoxLayout(inner)
        self._layout.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        self._layout.setSpacing(PAGE_GAP)
        self.setWidget(inner)
        self.pages: list[QLabel] = []
        self._width = 0
        for _ in range(document.pageCount()):
            label = QLabel(inner)
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            self._layout.addWidget(label)
            self.pages.append(label)
        self._layout.addStretch(1)

    def rendered_width(self) -> int:
        """The width in pixels the pages were last rendered at (0: not yet)."""
        return self._width

    def _render(self) -> None:
        width = max(200, self.viewport().width() - 2 * MARGIN)
        if width == self._width:
            return
        self._width = width
        ratio = self.devicePixelRatioF()
        for page, label in enumerate(self.pages):
            points = self.document.pagePointSize(page)
            height = round(width * points.height() / points.width()) if points.width() else width
            size = QSize(round(width * ratio), round(height * ratio))
            # The rendered page is transparent where nothing is printed: put it on white paper.
            paper = QImage(size, QImage.Format.Format_RGB32)
            paper.fill(QColor("white"))
            painter = QPainter(paper)
            painter.drawImage(0, 0, self.document.render(page, size))
            painter.end()
            pixmap = QPixmap.fromImage(paper)
            pixmap.setDevicePixelRatio(ratio)
            label.setPixmap(pixmap)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._render()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.isVisible():
            self._render()
