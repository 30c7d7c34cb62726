"""Turn the snapshot's sections (list, table, findings, text, amounts) into flowables."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, TableStyle

from desktop.documents.flowables import BoldLine, Grid, TextLine, room_left
from desktop.documents.styles import FRAME_WIDTH, HEADER_FILL, INK, Styles, para_text

if TYPE_CHECKING:
    from reportlab.platypus.tables import _TableCommand  # the stubs' name for one TableStyle command

CHINESE_NUMERALS = "一二三四五六七八九十"
CELL_PAD = 4  # points of padding on each side of a table cell
MIN_COLUMN = 16 * mm


def chinese_ordinal(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (sections never reach a hundred)."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "十" if tens == 1 else CHINESE_NUMERALS[tens - 1] + "十"
    return head + (CHINESE_NUMERALS[ones - 1] if ones else "")


def column_widths(columns: list[list[str]], font: str, size: float, total: float) -> list[float]:
    """Widths from each column's longest text: short columns keep their natural width and
    long ones share the rest, so dates never wrap while long explanations do."""
    natural = [max(stringWidth(t, font, size) for t in col) + 2 * CELL_PAD + 1 for col in columns]
    if sum(natural) <= total:
        extra = (total - sum(natural)) / len(natural)
        return [w + extra for w in natural]
    widths = [0.0] * len(natural)
    open_cols = set(range(len(natural)))
    remaining = total
    # Repeatedly fix the columns that fit inside a fair share of what is left.
    while open_cols:
        share = remaining / len(open_cols)
        fitting = [i for i in open_cols if natural[i] <= share]
        if not fitting:
            break
        for i in fitting:
            widths[i] = natural[i]
            remaining -= natural[i]
            open_cols.discard(i)
    if open_cols:
        weight = sum(natural[i] for i in open_cols)
        for i in open_cols:
            widths[i] = max(MIN_COLUMN, remaining * natural[i] / weight)
    scale = total / sum(widths)  # MIN_COLUMN may have pushed the sum over
    return [w * scale for w in widths]


def cell(value: object, style: ParagraphStyle, width: float, pad: float = CELL_PAD) -> str | Paragraph:
    """A table cell: the plain text when it fits on one line of ``width``, else a Paragraph.

    NOTE: most cells (labels, dates, names) are one short line, and a Paragraph costs a markup
    parse, CJK line breaking on every wrap and a text object to draw it; the table draws a plain
    string itself, at the same place when its FONTSIZE, LEADING and ALIGN match the style
    (``cell_commands``). Text with runs of spaces keeps the Paragraph, which collapses them.
    """
    text = str(value)
    if room_left(text, style, width - 2 * pad) is not None:
        return text
    return Paragraph(para_text(text), style)


def cell_commands(style: ParagraphStyle) -> list[tuple]:
    """Table commands that draw plain-string cells like ``style``'s Paragraphs."""
    return [("FONTNAME", (0, 0), (-1, -1), style.fontName), ("FONTSIZE", (0, 0), (-1, -1), style.fontSize),
            ("LEADING", (0, 0), (-1, -1), style.leading), ("TEXTCOLOR", (0, 0), (-1, -1), style.textColor)]


def _grid(data, widths, st: Styles, header_rows: int = 1, extra: list[_TableCommand] | None = None) -> Grid:
    table = Grid(data, colWidths=widths, repeatRows=header_rows, hAlign="LEFT")
    commands = [
        # FONTNAME also for Paragraph cells: otherwise Helvetica, unembedded, joins the PDF.
        *cell_commands(st.cell),
        ("GRID", (0, 0), (-1, -1), 0.5, INK),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if header_rows:
        commands += [("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL),
                     ("ALIGN", (0, 0), (-1, header_rows - 1), "CENTER")]
    table.setStyle(TableStyle(commands + (extra or [])))
    return table


# Builders return groups: the flowables of one group stay on one page (a finding with its basis).
Group = list[Flowable]


def _list(section: dict, st: Styles) -> list[Group]:
    return [[TextLine(item, st.item, bullet=f"{n}.")]
            for n, item in enumerate(section["items"], 1)]


def _findings(section: dict, st: Styles) -> list[Group]:
    out: list[Group] = []
    for n, item in enumerate(section["items"], 1):
        group: Group = [TextLine(item["message"], st.item, bullet=f"{n}.")]
        if item.get("basis"):
            group.append(TextLine(f"依据：{item['basis']}", st.basis))
        out.append(group)
    return out


def _text(section: dict, st: Styles) -> list[Group]:
    return [[TextLine(p, st.indented)] for p in str(section["text"]).split("\n") if p.strip()]


def _table(section: dict, st: Styles) -> list[Group]:
    header = [str(c) for c in section["columns"]]
    rows = [[str(c) for c in row] for row in section["rows"]]
    widths = column_widths([list(col) for col in zip(header, *rows, strict=True)], st.font, st.cell.fontSize, FRAME_WIDTH)
    data = [[cell(c, st.cell_head, w) for c, w in zip(header, widths, strict=True)]]
    data += [[cell(c, st.cell, w) for c, w in zip(row, widths, strict=True)] for row in rows]
    return [[_grid(data, widths, st)]]


def _amounts(section: dict, st: Styles) -> list[Group]:
    header = ["项目", "计算方式", "金额（元）", "依据"]
    rows = [[r["label"], r.get("formula", ""), r["amount"], r.get("basis", "")] for r in section["rows"]]
    total = section.get("total")
    texts = [list(col) for col in zip(header, *rows, *([["合计", "", str(total), ""]] if total else []), strict=True)]
    widths = column_widths(texts, st.font, st.cell.fontSize, FRAME_WIDTH)
    w_label, w_formula, w_amount, w_basis = widths
    data = [[cell(h, st.cell_head, w) for h, w in zip(header, widths, strict=True)]]
    for label, formula, amount, basis in rows:
        data.append([cell(label, st.cell, w_label), cell(formula, st.cell, w_formula),
                     cell(amount, st.cell_right, w_amount), cell(basis, st.cell, w_basis)])
    extra: list[_TableCommand] = [("ALIGN", (2, 1), (2, -1), "RIGHT")]
    if total:
        data.append([cell("合计", st.cell_head, w_label), "", cell(total, st.cell_right, w_amount), ""])
        last = len(data) - 1
        extra += [("SPAN", (0, last), (1, last)), ("BACKGROUND", (0, last), (-1, last), HEADER_FILL),
                  ("ALIGN", (0, last), (0, last), "CENTER")]
    group: Group = [_grid(data, widths, st, extra=extra)]
    if section.get("total_words"):
        group.append(TextLine(f"合计金额（大写）：{section['total_words']}", st.item))
    return [group]


BUILDERS: dict[str, Callable[[dict, Styles], list[Group]]] = {
    "list": _list, "table": _table, "findings": _findings, "text": _text, "amounts": _amounts,
}


def section_flowables(section: dict, number: int, st: Styles) -> list[Flowable]:
    heading = BoldLine(f"{chinese_ordinal(number)}、{section['heading']}", st.font, st.heading.fontSize,
                       align="left", stroke=0.3, space_before=st.heading.spaceBefore,
                       space_after=st.heading.spaceAfter)
    groups = BUILDERS[section["type"]](section, st) or [[TextLine("无", st.item)]]
    # The heading goes with the first group so a heading never ends a page alone.
    # NOTE: groups are flat lists: a KeepTogether nested in another pushed whole sections to
    # the next page. A table longer than a page still splits inside KeepTogether.
    out: list[Flowable] = []
    for index, group in enumerate(groups):
        parts = [heading, *group] if index == 0 else group
        out += [KeepTogether(parts)] if len(parts) > 1 else parts
    return out
