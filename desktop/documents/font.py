"""Load the CJK TrueType font into reportlab and tell which characters it cannot print."""

from __future__ import annotations

import hashlib
import os
import unicodedata
from functools import lru_cache
from pathlib import Path

from desktop import fonts
from desktop.documents.snapshot import variable_strings


class DocumentFontError(Exception):
    """No font could be loaded for printing; the message is for the clerk (the case layer turns it into
    an EnvironmentFailure, which the UI shows in a box)."""


def resolve_font_path(font_path: str | os.PathLike | None = None) -> Path:
    """An explicit path is used as given; otherwise the font HallDesk would use on screen."""
    if font_path is not None:
        path = Path(font_path)
        # NOTE: no silent fallback for an explicit path: the font set in 设置 may be the one with the
        # rare characters a name needs, so a deleted or broken file stops the paper with a message
        # that says what to do, and nothing is written.
        if not path.is_file():
            raise DocumentFontError(
                f"“设置”中选择的打印字体文件已不存在：{path}。请在“文件 → 设置”中重新选择字体文件，"
                "或清空“字体文件”一栏以使用程序自带的字体，然后再办理。本次未保存任何内容。"
            )
        if not fonts.is_truetype_outline(path):
            raise DocumentFontError(
                f"无法加载打印字体：{path}。该文件不是 TrueType 轮廓的中文字体，"
                "请在“文件 → 设置”中重新选择字体文件（.ttf 或 .ttc）。本次未保存任何内容。"
            )
        return path
    try:
        return fonts.find_font().path
    except fonts.FontUnavailable as exc:
        raise DocumentFontError(str(exc)) from exc


def _mtime_ns(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError as exc:  # deleted between the check and now
        raise DocumentFontError(f"无法读取打印字体：{path}（{exc.strerror}）。请在“文件 → 设置”中重新选择字体文件。") from exc


def _is_collection(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == b"ttcf"


@lru_cache(maxsize=8)
def _register(path_str: str, mtime_ns: int) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    # The registry is global; a name per file lets two fonts coexist (e.g. a setting change).
    digest = hashlib.sha1(f"{path_str}:{mtime_ns}".encode()).hexdigest()[:8]
    name = f"{fonts.FONT_FAMILY_PDF}-{digest}"
    try:
        font = TTFont(name, path_str, subfontIndex=0) if _is_collection(Path(path_str)) else TTFont(name, path_str)
        _slice_glyf_table(font.face)
        pdfmetrics.registerFont(font)
    except Exception as exc:  # reportlab raises several types for broken fonts
        raise DocumentFontError(f"无法加载打印字体：{path_str}（{exc}）。请在“设置”中重新选择字体文件。") from exc
    return name


class _TableSlices:
    """A font table read by slices: each slice is copied as bytes, the whole table never is."""

    __slots__ = ("_view",)

    def __init__(self, view: memoryview):
        self._view = view

    def __getitem__(self, index):
        part = self._view[index]
        return part.tobytes() if isinstance(part, memoryview) else part

    def __len__(self) -> int:
        return len(self._view)


def _slice_glyf_table(face) -> None:
    """Let reportlab's subsetter read the glyf table without copying it for every paper.

    NOTE: makeSubset takes ``get_table('glyf')`` (a bytes slice of the whole file: about 10 MB
    for Noto Sans SC, a quarter of a millisecond) on every render, only to slice out the few
    hundred glyphs the paper uses. Those slices come out as the same bytes, so the subset and
    the PDF are unchanged; the other tables are small and still copied as before.
    """
    # NOTE: this reads reportlab internals (TTFontFile._ttf_data, get_table_pos; pinned in
    # requirements.lock). A reportlab without them keeps its own, slower, copying path.
    get_table, get_pos = getattr(face, "get_table", None), getattr(face, "get_table_pos", None)
    raw = getattr(face, "_ttf_data", None)
    if not (callable(get_table) and callable(get_pos) and isinstance(raw, (bytes, bytearray))):
        return
    data = memoryview(raw)

    def table(tag):
        if tag != "glyf":
            return get_table(tag)
        pos, length = get_pos(tag)
        return _TableSlices(data[pos:pos + length])

    face.get_table = table


def register_font(font_path: str | os.PathLike | None = None) -> str:
    """The reportlab font name for the chosen font, registering it once per file version."""
    path = resolve_font_path(font_path)
    return _register(str(path), _mtime_ns(path))


@lru_cache(maxsize=8)
def _cmap(path_str: str, mtime_ns: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    try:
        # NOTE: lazy reads the cmap from the open file; closing it frees the handle at once
        # (an unclosed TTFont kept the font file open until the garbage collector came).
        with TTFont(path_str, fontNumber=0, lazy=True) as font:
            return frozenset(font.getBestCmap() or {})
    except Exception as exc:
        raise DocumentFontError(f"无法读取打印字体：{path_str}（{exc}）。") from exc


def _printable(ch: str) -> bool:
    # Whitespace and control/format characters take no glyph on paper.
    return not ch.isspace() and not unicodedata.category(ch).startswith("C")


def missing_glyphs(snapshot: dict, font_path: str | os.PathLike | None = None) -> list[str]:
    """Characters of the snapshot's text that the font lacks, in order of first appearance."""
    path = resolve_font_path(font_path)
    cmap = _cmap(str(path), _mtime_ns(path))
    missing: list[str] = []
    seen: set[str] = set()
    for text in variable_strings(snapshot):
        for ch in text:
            # NOTE: each character once, and the cheap font lookup before the Unicode category.
            if ch in seen:
                continue
            seen.add(ch)
            if ord(ch) not in cmap and _printable(ch):
                missing.append(ch)
    return missing
