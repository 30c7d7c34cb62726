"""The render's shortcuts give what the slow paths gave: the QR mask, one-line text, plain cells."""

from __future__ import annotations

import io
import random
import string

import pytest
import qrcode
from document_samples import sample
from pypdf import PdfReader
from qrcode.constants import ERROR_CORRECT_M
from reportlab.platypus import Paragraph

from desktop.documents import render_pdf
from desktop.documents.flowables import TextLine
from desktop.documents.font import register_font
from desktop.documents.qr import qr_matrix
from desktop.documents.sections import cell
from desktop.documents.styles import FRAME_WIDTH, make_styles


def _qrcode_modules(data: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    return code.modules


def test_qr_matrix_is_the_one_qrcode_chooses():
    rng = random.Random(7)
    alphabet = string.ascii_uppercase + string.digits + "-号码"
    datas = ["JZ03261125000187", "DC0126112500013", "X"]
    datas += ["".join(rng.choice(alphabet) for _ in range(rng.choice([8, 15, 16, 40, 90, 200])))
              for _ in range(120)]
    for data in datas:
        assert qr_matrix(data) == _qrcode_modules(data), data


@pytest.fixture(scope="module")
def styles():
    return make_styles(register_font())


def test_short_text_is_drawn_as_one_line_and_long_text_wraps(styles):
    short = TextLine("居民身份证（复印件1份）", styles.item, bullet="1.")
    assert short.wrap(FRAME_WIDTH, 1000) == (FRAME_WIDTH, styles.item.leading)
    assert short._para is None
    long = TextLine("居住证明：房屋租赁合同及租赁登记备案证明" * 6, styles.item, bullet="2.")
    _width, height = long.wrap(FRAME_WIDTH, 1000)
    assert isinstance(long._para, Paragraph) and height >= 2 * styles.item.leading
    spaced = TextLine("两个  空格", styles.item)  # Paragraph collapses the spaces: it draws this one
    spaced.wrap(FRAME_WIDTH, 1000)
    assert isinstance(spaced._para, Paragraph)


def test_cells_are_plain_text_only_when_they_fit(styles):
    assert cell("2026-12-02", styles.cell, 80) == "2026-12-02"
    assert isinstance(cell("自受理次日起5个工作日，跳过周末及法定节假日", styles.cell, 80), Paragraph)
    assert isinstance(cell("a\nb", styles.cell, 200), Paragraph)


def test_long_texts_still_wrap_and_print_every_character():
    snapshot = sample("refusal")
    long = "申请人提供的居住证明材料与实际居住地址不一致，经现场核查，该地址为商业用房，不符合居住登记条件。" * 3
    snapshot["intro"] = long
    snapshot["sections"][0]["items"][0]["message"] = long
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(snapshot))).pages)
    flat = "".join(text.split())
    assert flat.count("".join(long.split())) == 2


def test_the_sliced_glyf_table_reads_the_same_bytes_and_other_readers_are_left_alone():
    from reportlab.pdfbase.ttfonts import TTFont

    from desktop.documents.font import _slice_glyf_table, resolve_font_path

    path = str(resolve_font_path(None))
    plain, sliced = TTFont("PlainCheck", path).face, TTFont("SlicedCheck", path).face
    _slice_glyf_table(sliced)
    whole = plain.get_table("glyf")
    view = sliced.get_table("glyf")
    assert len(view) == len(whole)
    for start, end in ((0, 64), (1000, 5000), (len(whole) - 100, len(whole))):
        assert view[start:end] == whole[start:end]
    assert sliced.get_table("head") == plain.get_table("head")

    class Unknown:  # a reportlab whose face keeps its data elsewhere
        def get_table(self, tag):
            return b"table"

    other = Unknown()
    _slice_glyf_table(other)
    assert other.get_table("glyf") == b"table"
