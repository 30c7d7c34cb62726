"""Per-page decorations drawn once the page count is known: footer, continuation header, 补打 stamp."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from desktop.documents.styles import (
    GREY,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RULE,
    STAMP_RED,
)


@dataclass(frozen=True)
class PageInfo:
    font: str
    title: str
    case_no: str
    hall: str
    window: str
    clerk: str
    reprint: dict | None = None
    contact: str = ""  # the hall's address and phone (设置)


def stamp_lines(reprint: dict) -> tuple[str, str]:
    """The two lines of the 补打 stamp: the mark with the copy number, then time and reason."""
    head = f"补打 第{reprint.get('copy_no', '')}份"
    detail = "  ".join(str(reprint[k]) for k in ("at", "reason") if reprint.get(k))
    return head, detail


def _footer(c: Canvas, info: PageInfo, page: int, total: int) -> None:
    y_rule = MARGIN_BOTTOM - 7 * mm
    c.setStrokeColor(RULE)
    c.setLineWidth(0.5)
    c.line(MARGIN_LEFT, y_rule, PAGE_WIDTH - MARGIN_RIGHT, y_rule)
    c.setFillColor(GREY)
    c.setFont(info.font, 8.5)
    where = f"{info.hall}  {info.window}号窗口  经办人：{info.clerk}"
    c.drawString(MARGIN_LEFT, y_rule - 4.5 * mm, where)
    c.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, y_rule - 4.5 * mm, f"编号：{info.case_no}")
    c.setFont(info.font, 9)
    pages = f"第 {page} 页 共 {total} 页"
    if info.contact:
        # NOTE: the hall's contact line on every page, where a citizen holding any sheet looks for
        # whom to ask; the page count moves to the right to leave the line its width.
        c.setFont(info.font, 8.5)
        c.drawString(MARGIN_LEFT, y_rule - 10 * mm, info.contact)
        c.setFont(info.font, 9)
        c.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, y_rule - 10 * mm, pages)
    else:
        c.drawCentredString(PAGE_WIDTH / 2, y_rule - 10 * mm, pages)


def _continuation(c: Canvas, info: PageInfo) -> None:
    # Loose later pages still say which paper and which case they belong to. The rule runs
    # under this text only, leaving the top-left free for the 补打 stamp.
    text = f"{info.title}（续）  编号：{info.case_no}"
    right = PAGE_WIDTH - MARGIN_RIGHT
    y = PAGE_HEIGHT - 15 * mm
    c.setFillColor(GREY)
    c.setFont(info.font, 9)
    c.drawRightString(right, y, text)
    c.setStrokeColor(RULE)
    c.setLineWidth(0.5)
    c.line(right - stringWidth(text, info.font, 9), y - 2.5 * mm, right, y - 2.5 * mm)


def _stamp(c: Canvas, info: PageInfo, reprint: dict) -> None:
    head, detail = stamp_lines(reprint)
    width = max(stringWidth(head, info.font, 15), stringWidth(detail, info.font, 7.5)) + 8 * mm
    height = 14 * mm
    c.saveState()
    # Top-left of the top margin: free on every page (codes and continuation header sit right).
    c.translate(MARGIN_LEFT + 2 * mm, PAGE_HEIGHT - 7 * mm - height)
    c.rotate(4)
    c.setStrokeColor(STAMP_RED)
    c.setFillColor(STAMP_RED)
    c.setLineWidth(1.4)
    c.roundRect(0, 0, width, height, 2 * mm, stroke=1, fill=0)
    c.setFont(info.font, 15)
    c.drawCentredString(width / 2, height - 7.2 * mm, head)
    c.setFont(info.font, 7.5)
    c.drawCentredString(width / 2, 2.6 * mm, detail)
    c.restoreState()


def canvas_class(info: PageInfo) -> type[Canvas]:
    """A Canvas that holds pages back until save() so each can print '共 Y 页'."""

    class PagedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held: list[dict] = []

        def showPage(self):
            self._held.append(dict(self.__dict__))
            # (type: ignore: Canvas._startPage is private and not in the stubs; the "page X of Y"
            # footer needs the pages held until save(), reportlab's own recipe for it)
            self._startPage()  # type: ignore[attr-defined]

        def save(self):
            total = len(self._held)
            for number, state in enumerate(self._held, 1):
                self.__dict__.update(state)
                if number > 1:
                    _continuation(self, info)
                _footer(self, info, number, total)
                # Drawn last so the original page's text comes first and stays identical.
                if info.reprint:
                    _stamp(self, info, info.reprint)
                super().showPage()
            super().save()

    return PagedCanvas
