"""A fixed tab whose page is built the first time the tab is shown (issue 15)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QVBoxLayout, QWidget


class LazyTab(QWidget):
    """Holds the place of a page in the tab bar; builds it with ``build()`` at the tab's first show.

    NOTE: issue 15: building the 查询 and 待办 pages (their forms and four tables) was ≈ 90 ms of
    登录 → usable main window, for tabs the clerk may not open that day. ``page`` is None until then.
    """

    def __init__(self, build: Callable[[], QWidget], name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)  # NOTE: the page's own name, so the window finds its tab before it is built
        self._build = build
        self.page: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def ensure_page(self) -> QWidget:
        """The page, built now if it was not yet."""
        if self.page is None:
            page = self._build()
            self.page = page
            self.layout().addWidget(page)
            if self.isVisible():
                page.show()  # NOTE: at once, not queued: the tab's first paint is the page's
        return self.page

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.ensure_page()
        super().showEvent(event)

    def refresh(self) -> None:
        """Cases changed: a built page re-reads (a page not built yet reads fresh when it is)."""
        refresh = getattr(self.page, "refresh", None)
        if callable(refresh):
            refresh()
