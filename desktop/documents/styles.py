"""Page geometry, colours and paragraph styles of the printed papers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib import colors, textsplit
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import paragraph as _paragraph

# NOTE: reportlab's line-start prohibition list (kinsoku) knows "。" and "）" but not the other
# full-width Chinese punctuation, so a "：" or "，" could begin a line (GB/T 15834 forbids it).
# Both modules hold their own reference to the list, so both are extended once, here.
# (type: ignore: the stubs mark textsplit's list Final and do not list paragraph's copy; changing
# both is the point — reportlab reads them at each line break.)
_CHINESE_CANNOT_START = "，：；？！、》」』〉％’”"
if _CHINESE_CANNOT_START[0] not in textsplit.ALL_CANNOT_START:
    textsplit.ALL_CANNOT_START += _CHINESE_CANNOT_START  # type: ignore[misc]
    _paragraph.ALL_CANNOT_START = textsplit.ALL_CANNOT_START  # type: ignore[attr-defined]

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT = MARGIN_RIGHT = 22 * mm
MARGIN_TOP = 24 * mm  # the top margin holds the continuation header and the 补打 stamp
MARGIN_BOTTOM = 24 * mm  # the bottom margin holds the page footer
FRAME_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT

INK = colors.black
GREY = colors.HexColor("#555555")
RULE = colors.HexColor("#888888")
HEADER_FILL = colors.HexColor("#EDEDED")
STAMP_RED = colors.HexColor("#C8161D")  # the red of official seals


def para_text(value: object) -> str:
    """Snapshot text as Paragraph markup: escaped, so a '<' in a name cannot break layout."""
    return escape(str(value)).replace("\n", "<br/>")


@dataclass(frozen=True)
class Styles:
    font: str
    hall: ParagraphStyle
    service: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    indented: ParagraphStyle
    item: ParagraphStyle
    basis: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle
    cell_right: ParagraphStyle
    note: ParagraphStyle
    sign: ParagraphStyle


# NOTE: built once per font name; reportlab only reads the styles, so renders share them.
@lru_cache(maxsize=8)
def make_styles(font: str) -> Styles:
    def style(name: str, size: float, leading: float, **kw) -> ParagraphStyle:
        kw.setdefault("textColor", INK)
        kw.setdefault("bulletFontName", font)  # the default Helvetica would be unembedded
        kw.setdefault("bulletFontSize", size)
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, wordWrap="CJK", **kw)

    body = style("body", 11, 18, alignment=TA_JUSTIFY)
    return Styles(
        font=font,
        hall=style("hall", 13, 18, alignment=TA_CENTER, spaceAfter=4),
        service=style("service", 12, 17, alignment=TA_CENTER, spaceBefore=2, spaceAfter=8),
        heading=style("heading", 12.5, 18, alignment=TA_LEFT, spaceBefore=9, spaceAfter=4),
        body=body,
        # Two-character first-line indent, as in official Chinese prose.
        indented=style("indented", 11, 18, alignment=TA_JUSTIFY, firstLineIndent=22, spaceAfter=3),
        item=style("item", 11, 17, leftIndent=24, bulletIndent=6, spaceAfter=2, alignment=TA_JUSTIFY),
        basis=style("basis", 9.5, 14, leftIndent=24, textColor=GREY, spaceAfter=4),
        cell=style("cell", 9.5, 13),
        cell_head=style("cell_head", 9.5, 13, alignment=TA_CENTER),
        cell_right=style("cell_right", 9.5, 13, alignment=TA_RIGHT),
        note=style("note", 9, 13.5, textColor=GREY, spaceBefore=6),
        sign=style("sign", 11, 18, alignment=TA_CENTER),
    )
