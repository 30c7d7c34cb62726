"""Render a stored snapshot to a deterministic A4 PDF (the only way papers are produced)."""

from __future__ import annotations

import io
import os

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, HRFlowable, KeepTogether, SimpleDocTemplate, Spacer, TableStyle

from desktop.documents.flowables import BoldLine, CaseCodes, Grid, TextLine
from desktop.documents.font import register_font
from desktop.documents.pages import PageInfo, canvas_class
from desktop.documents.sections import CELL_PAD, cell, cell_commands, section_flowables
from desktop.documents.snapshot import validate_snapshot
from desktop.documents.styles import (
    FRAME_WIDTH,
    HEADER_FILL,
    INK,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    RULE,
    Styles,
    make_styles,
)

# NOTE: issue 15: page streams zlib-compressed only, not also ASCII85-encoded (reportlab's default,
# for 7-bit mail channels a PDF file never passes through): the text encoding made every page
# stream 25 % larger, ≈ 0.4–0.8 KB of each 33–50 KB paper. Same pages, same text.
rl_config.useA85 = 0


def _applicant_block(snapshot: dict, st: Styles) -> Grid:
    a = snapshot["applicant"]
    pairs = [
        ("申请人", a["name"], "证件类型", a["id_type"]),
        ("证件号码", a["id_masked"], "联系电话", a["phone_masked"]),
        ("办理时间", snapshot["issued_at"], "办理窗口", f"{snapshot['window']}号窗口"),
    ]
    label = 20 * mm
    value = (FRAME_WIDTH - 2 * label) / 2
    data = [[cell(l1, st.cell_head, label), cell(v1, st.cell, value),
             cell(l2, st.cell_head, label), cell(v2, st.cell, value)] for l1, v1, l2, v2 in pairs]
    table = Grid(data, colWidths=[label, value, label, value], hAlign="LEFT")
    table.setStyle(TableStyle([
        *cell_commands(st.cell),  # FONTNAME too, else Helvetica, unembedded, joins the PDF
        ("ALIGN", (0, 0), (0, -1), "CENTER"),
        ("ALIGN", (2, 0), (2, -1), "CENTER"),
        ("GRID", (0, 0), (-1, -1), 0.5, INK),
        ("BACKGROUND", (0, 0), (0, -1), HEADER_FILL),
        ("BACKGROUND", (2, 0), (2, -1), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def _signature(signature: dict, st: Styles) -> list[Flowable]:
    width = 70 * mm
    block = Grid([[cell(signature["label"], st.sign, width, pad=0)],
                   [Spacer(1, 14 * mm)],  # room for the seal
                   [cell(signature["date"], st.sign, width, pad=0)]],
                  colWidths=[width], hAlign="RIGHT")
    block.setStyle(TableStyle([*cell_commands(st.sign), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                               *[(pad, (0, 0), (-1, -1), 0) for pad in
                                 ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")]]))
    return [Spacer(1, 8 * mm), block]


def build_story(snapshot: dict, st: Styles) -> list[Flowable]:
    story: list[Flowable] = [
        CaseCodes(snapshot["case_no"], st.font),
        Spacer(1, 3 * mm),
        TextLine(snapshot["hall"], st.hall),
        BoldLine(snapshot["title"], st.font, 22, stroke=0.6, space_before=2, space_after=2),
        TextLine(snapshot["service_name"], st.service),
    ]
    if "applicant" in snapshot:
        story.append(_applicant_block(snapshot, st))
    story.append(Spacer(1, 4 * mm))
    if snapshot.get("intro"):
        story.append(TextLine(snapshot["intro"], st.indented))
    for number, section in enumerate(snapshot["sections"], 1):
        story += section_flowables(section, number, st)
    if snapshot.get("remedies"):
        story += [Spacer(1, 3 * mm), TextLine(snapshot["remedies"], st.indented)]
    tail: list[Flowable] = _signature(snapshot["signature"], st) if snapshot.get("signature") else []
    closing = []
    if snapshot.get("provisional_note"):
        closing.append(TextLine("注：" + snapshot["provisional_note"], st.note))
    if snapshot.get("footer"):
        closing.append(TextLine(snapshot["footer"], st.note))
    if closing:
        tail += [HRFlowable(width="100%", thickness=0.5, color=RULE, spaceBefore=8, spaceAfter=0), *closing]
    if tail:
        # NOTE: the seal, the date and the closing note go to a page together with the body's last
        # group (issue 14: the loan's 额度核定表 left them alone on page 2). The group is unpacked
        # into one flat KeepTogether: a KeepTogether nested in another pushed whole sections of
        # one-page receipts to a second page.
        last = story.pop()
        # (type: ignore: KeepTogether keeps its flowables in the private _content, absent from the stubs)
        kept = last._content if isinstance(last, KeepTogether) else [last]  # type: ignore[attr-defined]
        story.append(KeepTogether([*kept, *tail]))
    return story


def render_pdf(snapshot: dict, *, reprint: dict | None = None,
               font_path: str | os.PathLike | None = None) -> bytes:
    """The PDF bytes of ``snapshot``; ``reprint`` adds a 补打 stamp with the copy number on each page.

    Raises ValueError for an invalid snapshot and DocumentFontError when no font loads.
    """
    validate_snapshot(snapshot)
    font = register_font(font_path)
    st = make_styles(font)
    info = PageInfo(font=font, title=snapshot["title"], case_no=snapshot["case_no"], hall=snapshot["hall"],
                    window=snapshot["window"], clerk=snapshot["clerk"], reprint=reprint,
                    contact=snapshot.get("contact", ""))
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4,
        leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT, topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
        # invariant: no timestamps or random IDs, so the same snapshot gives the same bytes.
        invariant=1, title=snapshot["title"], author=snapshot["hall"], subject=snapshot["service_name"],
        creator="HallDesk", producer="HallDesk", lang="zh-CN",
        # Otherwise the canvas starts in Helvetica, an unembedded font the paper never uses.
        initialFontName=font,
    )
    doc.build(build_story(snapshot, st), canvasmaker=canvas_class(info))
    return out.getvalue()
