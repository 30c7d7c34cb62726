"""Custom flowables: the fake-bold title line and the case number block with barcode and QR."""

from __future__ import annotations

import re

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table

from desktop.documents.qr import qr_matrix
from desktop.documents.styles import INK, para_text

QR_BORDER = 4  # modules of quiet zone around the QR code
_DARK = re.compile("1+")


class BoldLine(Flowable):
    """One line of text, filled and stroked: the shipped font has no bold weight."""

    def __init__(self, text: str, font: str, size: float, *, align: str = "center",
                 stroke: float = 0.5, space_before: float = 0, space_after: float = 0):
        super().__init__()
        self.text, self.font, self.size = text, font, size
        self.align, self.stroke = align, stroke
        self.spaceBefore, self.spaceAfter = space_before, space_after

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        # Shrink rather than overflow: titles are short, but a custom kind might not be.
        natural = stringWidth(self.text, self.font, self.size)
        self.draw_size = self.size if natural <= avail_width else self.size * avail_width / natural
        self.height = self.draw_size * 1.35
        return self.width, self.height

    def draw(self):
        c = self.canv
        c.saveState()
        c.setFont(self.font, self.draw_size)
        c.setFillColor(INK)
        c.setStrokeColor(INK)
        c.setLineWidth(self.stroke)
        text = c.beginText()
        text.setTextRenderMode(2)  # fill + stroke
        width = stringWidth(self.text, self.font, self.draw_size)
        x = {"center": (self.width - width) / 2, "left": 0, "right": self.width - width}[self.align]
        text.setTextOrigin(x, self.draw_size * 0.3)
        text.textOut(self.text)
        c.drawText(text)
        c.restoreState()


def room_left(text: str, style: ParagraphStyle, room: float) -> float | None:
    """What is left of ``room`` when ``text`` fits on one line in ``style``; None when it does not,
    or holds runs of spaces or line breaks, which only a Paragraph prints as meant (it collapses them).
    """
    if text != " ".join(text.split()):
        return None
    width = stringWidth(text, style.fontName, style.fontSize)
    return room - width if width <= room - 0.01 else None


class TextLine(Flowable):
    """A Paragraph of plain text that draws itself directly when it is one line.

    NOTE: most paragraphs of a paper are one short line (a material, a finding's basis), and a
    Paragraph costs a markup parse, CJK line breaking on every wrap (a KeepTogether wraps twice)
    and a text object per line. A line that fits is placed exactly as Paragraph would place it
    (first baseline at height - fontSize, bullet at bulletIndent, the text after the bullet or
    at leftIndent + firstLineIndent, a lone line never justified); anything longer, or with
    runs of spaces that Paragraph would collapse, is handed to a real Paragraph.
    """

    def __init__(self, text: str, style: ParagraphStyle, bullet: str | None = None):
        super().__init__()
        self.text, self.style, self.bullet = str(text), style, bullet
        self._para: Paragraph | None = None
        self._wrapped_width: float | None = None

    def _paragraph(self) -> Paragraph:
        if self._para is None:
            self._para = Paragraph(para_text(self.text), self.style, bulletText=self.bullet)
        return self._para

    def _offset(self) -> float:
        """Where the text starts after leftIndent: firstLineIndent, or after an overlong bullet."""
        st = self.style
        if not self.bullet:
            return st.firstLineIndent
        bullet_end = st.bulletIndent + stringWidth(self.bullet, st.bulletFontName, st.bulletFontSize) \
            + 0.6 * st.bulletFontSize
        return max(st.firstLineIndent, bullet_end - st.leftIndent)

    def wrap(self, avail_width, avail_height):
        st = self.style
        if self.text:
            extra = room_left(self.text, st, avail_width - st.leftIndent - st.rightIndent - self._offset())
            if extra is not None:
                self._para = None
                self.width, self.height, self.extra = avail_width, st.leading, extra
                return self.width, self.height
        # NOTE: a Paragraph's lines depend on the width alone, and a KeepTogether group is wrapped
        # once to measure it and again when placed: the second CJK line breaking is skipped.
        if self._para is None or self._wrapped_width != avail_width:
            self.width, self.height = self._paragraph().wrap(avail_width, avail_height)
            self._wrapped_width = avail_width
        return self.width, self.height

    def split(self, avail_width, avail_height):
        self.wrap(avail_width, avail_height)
        if self._para is None:
            return []
        self._wrapped_width = None  # split wraps the Paragraph itself; its parts are new flowables
        return self._para.split(avail_width, avail_height)

    def draw(self):
        if self._para is not None:
            self._para.drawOn(self.canv, 0, 0)
            return
        st = self.style
        y = self.height - st.fontSize
        offset = self._offset()
        text = self.canv.beginText()
        if self.bullet:
            text.setTextOrigin(st.bulletIndent, y + getattr(st, "bulletOffsetY", 0))
            text.setFont(st.bulletFontName, st.bulletFontSize)
            text.setFillColor(getattr(st, "bulletColor", None) or st.textColor)
            text.textOut(self.bullet)
        if st.alignment == TA_CENTER:
            offset += 0.5 * self.extra
        elif st.alignment == TA_RIGHT:
            offset += self.extra
        text.setTextOrigin(st.leftIndent + offset, y)
        text.setFont(st.fontName, st.fontSize, st.leading)
        text.setFillColor(st.textColor)
        text.textOut(self.text)
        self.canv.drawText(text)


class Grid(Table):
    """A Table whose one-line plain-string cells are drawn together in one text object.

    NOTE: reportlab draws each string cell with its own drawString (a text object, a bidi
    check and a width each); a paper has dozens of short cells. The strings are placed where
    Table._drawCell places them and drawn after the grid lines, which never cross cell text.
    Paragraph cells and anything unusual still go through Table._drawCell.
    """

    def draw(self):
        self._plain: list[tuple] = []
        super().draw()
        text, current = None, None
        for font, size, leading, color, x, y, value in self._plain:
            if text is None:
                text = self.canv.beginText()
            if (font, size, leading, color) != current:
                text.setFont(font, size, leading)
                text.setFillColor(color)
                current = (font, size, leading, color)
            text.setTextOrigin(x, y)
            text.textOut(value)
        if text is not None:
            self.canv.drawText(text)

    def _drawCell(self, cellval, cellstyle, pos, size):
        if not isinstance(cellval, str) or "\n" in cellval or cellstyle.direction or cellstyle.shaping \
                or cellstyle.valign not in ("TOP", "MIDDLE", "BOTTOM") \
                or cellstyle.alignment not in ("LEFT", "CENTER", "CENTRE", "RIGHT"):
            # (type: ignore: reportlab's Table._drawCell is private and not in its stubs; this class
            # overrides it to draw plain cells faster, and hands every other cell back to it)
            return super()._drawCell(cellval, cellstyle, pos, size)  # type: ignore[misc]
        if not cellval:
            return None
        colpos, rowpos = pos
        colwidth, rowheight = size
        font, font_size, leading = cellstyle.fontname, cellstyle.fontsize, cellstyle.leading
        if cellstyle.alignment == "LEFT":
            x = colpos + cellstyle.leftPadding
        else:
            width = stringWidth(cellval, font, font_size)
            if cellstyle.alignment == "RIGHT":
                x = colpos + colwidth - cellstyle.rightPadding - width
            else:
                x = colpos + (colwidth + cellstyle.leftPadding - cellstyle.rightPadding) * 0.5 - 0.5 * width
        if cellstyle.valign == "BOTTOM":
            y = rowpos + cellstyle.bottomPadding + leading - font_size
        elif cellstyle.valign == "TOP":
            y = rowpos + rowheight - cellstyle.topPadding - font_size
        else:
            y = rowpos + (cellstyle.bottomPadding + rowheight - cellstyle.topPadding + leading) / 2.0 - font_size
        self._plain.append((font, font_size, leading, cellstyle.color, x, y, cellval))
        return None


class CaseCodes(Flowable):
    """Case number as Code128 barcode with the number under it, and a QR code to its right."""

    QR_SIZE = 22 * mm
    BAR_HEIGHT = 10 * mm
    GAP = 4 * mm

    def __init__(self, case_no: str, font: str, label: str = "编号"):
        super().__init__()
        self.case_no, self.font, self.label = case_no, font, label
        self.hAlign = "RIGHT"
        # Code128 covers ASCII only; the QR code (UTF-8) still carries any other number.
        self.barcode = Code128(case_no, barHeight=self.BAR_HEIGHT, barWidth=0.72, quiet=False) \
            if case_no.isascii() else None
        text_width = stringWidth(f"{label}：{case_no}", font, 9)
        bar_width = self.barcode.width if self.barcode else 0
        self.left_width = max(bar_width, text_width)
        self.width = self.left_width + self.GAP + self.QR_SIZE
        self.height = self.QR_SIZE

    def wrap(self, avail_width, avail_height):
        return self.width, self.height

    def draw(self):
        c = self.canv
        if self.barcode is not None:
            x = self.left_width - self.barcode.width  # right-align the bars over the text
            draw_code128(c, self.barcode, x, self.QR_SIZE - self.BAR_HEIGHT - 1 * mm)
        c.setFont(self.font, 9)
        c.setFillColor(INK)
        c.drawRightString(self.left_width, 4 * mm, f"{self.label}：{self.case_no}")
        draw_qr(c, self.case_no, self.left_width + self.GAP, 0, self.QR_SIZE)


def draw_qr(c, data: str, x: float, y: float, size: float) -> None:
    """A QR code as one filled path of dark runs, the 4-module quiet zone kept.

    NOTE: reportlab's QrCodeWidget builds one shape object per module and took half the time of
    a whole receipt; the matrix still comes from the qrcode package (qr.py only chooses its mask
    faster). The path is written in module units under a transform, so each run is a few short
    integers, and as one literal: a path object formats every run's four numbers on its own.
    """
    matrix = qr_matrix(data)
    count = len(matrix) + 2 * QR_BORDER
    runs = []
    for row_index, row in enumerate(matrix, QR_BORDER):
        line = "".join("1" if module else "0" for module in row)
        runs += [f"{m.start() + QR_BORDER} {row_index} {m.end() - m.start()} 1 re" for m in _DARK.finditer(line)]
    c.saveState()
    c.translate(x, y + size)
    c.scale(size / count, -size / count)  # rows run downwards, in modules
    c.setFillColor(INK)
    c.addLiteral("n " + " ".join(runs) + " f")
    c.restoreState()


def draw_code128(c, barcode: Code128, x: float, y: float) -> None:
    """The bars of a Code128, in bar-width units under a transform.

    NOTE: the same bars as reportlab's drawOn (its ``decomposed`` string: upper case = bar,
    lower case = space), with short integer coordinates and no per-bar state changes. Each bar
    stays its own rectangle path: poppler snaps a lone rectangle to whole pixels, so the preview
    stays crisp, which one combined path would lose.
    """
    c.saveState()
    c.translate(x, y)
    c.scale(barcode.barWidth, barcode.barHeight)
    c.setFillColor(INK)
    left = 0
    for ch in barcode.decomposed:
        units = ord(ch.lower()) - 96
        if ch.isupper():
            c.rect(left, 0, units, 1, stroke=0, fill=1)
        left += units
    c.restoreState()
