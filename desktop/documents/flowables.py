"""Custom flowables: the fake-bold title line and the case number block with barcode and QR."""

from __future__ import annotations

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from desktop.documents.styles import INK


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
            self.barcode.drawOn(c, x, self.QR_SIZE - self.BAR_HEIGHT - 1 * mm)
        c.setFont(self.font, 9)
        c.setFillColor(INK)
        c.drawRightString(self.left_width, 4 * mm, f"{self.label}：{self.case_no}")
        draw_qr(c, self.case_no, self.left_width + self.GAP, 0, self.QR_SIZE)


def draw_qr(c, data: str, x: float, y: float, size: float) -> None:
    """A QR code as one filled path of dark runs.

    NOTE: reportlab's QrCodeWidget builds one shape object per module and took half the time of
    a whole receipt; the matrix still comes
    from the qrcode package; only the drawing is ours. The 4-module quiet zone is kept.
    """
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    cell = size / len(matrix)
    path = c.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * cell
        col = 0
        while col < len(row):
            if row[col]:
                start = col
                while col < len(row) and row[col]:
                    col += 1
                path.rect(x + start * cell, top, (col - start) * cell, cell)
            else:
                col += 1
    c.saveState()
    c.setFillColor(INK)
    c.drawPath(path, stroke=0, fill=1)
    c.restoreState()
