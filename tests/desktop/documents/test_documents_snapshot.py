"""Snapshot validation, missing-glyph checks, font errors and the no-Qt/no-database boundary."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from document_samples import SAMPLES, sample

from desktop.documents import DocumentFontError, missing_glyphs, render_pdf, validate_snapshot
from desktop.documents.sections import chinese_ordinal, column_widths

PACKAGE = Path(__file__).resolve().parents[3] / "desktop" / "documents"


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_samples_are_valid(kind):
    validate_snapshot(sample(kind))


def test_rejects_snapshot_without_case_no():
    snapshot = sample("receipt")
    del snapshot["case_no"]
    with pytest.raises(ValueError, match="case_no"):
        validate_snapshot(snapshot)
    with pytest.raises(ValueError, match="case_no"):
        render_pdf(snapshot)


@pytest.mark.parametrize("change, message", [
    (lambda s: s.update(kind="permit"), "kind"),
    (lambda s: s["applicant"].pop("name"), "name"),
    (lambda s: s["applicant"].update(id_masked="410105199003071234"), "unmasked"),
    (lambda s: s["sections"].append({"heading": "x", "type": "chart"}), "type"),
    (lambda s: s["sections"][1]["rows"].append(["只有一格"]), "cells"),
    (lambda s: s.pop("sections"), "sections"),
    (lambda s: s.update(signature={"label": "受理单位（印章）"}), "date"),
])
def test_rejects_malformed_snapshots(change, message):
    snapshot = sample("receipt")
    change(snapshot)
    with pytest.raises(ValueError, match=message):
        validate_snapshot(snapshot)


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_ordinary_text_has_all_glyphs(kind):
    assert missing_glyphs(sample(kind)) == []


def test_rare_character_is_reported_once():
    snapshot = sample("receipt")
    snapshot["applicant"]["name"] = "王𠀾𠀾"
    snapshot["sections"][0]["items"].append("𠀾")
    assert missing_glyphs(snapshot) == ["𠀾"]


def test_whitespace_is_never_missing():
    snapshot = sample("receipt")
    snapshot["intro"] = "第一段\n\t第二段\u3000"
    assert missing_glyphs(snapshot) == []


def test_unloadable_font_raises_document_font_error(tmp_path):
    not_a_font = tmp_path / "simsun.ttf"
    not_a_font.write_text("not a font")
    for path in (tmp_path / "missing.ttf", not_a_font):
        with pytest.raises(DocumentFontError, match="字体"):
            render_pdf(sample("receipt"), font_path=str(path))
        with pytest.raises(DocumentFontError):
            missing_glyphs(sample("receipt"), font_path=str(path))


def test_chinese_ordinals():
    assert [chinese_ordinal(n) for n in (1, 9, 10, 11, 20, 23)] == ["一", "九", "十", "十一", "二十", "二十三"]


def test_column_widths_fill_the_frame_and_keep_short_columns_whole():
    columns = [["事项", "审核"], ["期限", "2026-12-02"], ["计算方式", "很长的说明" * 30], ["依据", "郑政办〔2021〕8号 四、"]]
    widths = column_widths(columns, "Helvetica", 9.5, 450)
    assert sum(widths) == pytest.approx(450)
    assert widths[2] == max(widths)


def test_no_qt_and_no_database_in_documents():
    banned = ("PySide6", "PyQt5", "PyQt6", "sqlalchemy", "alembic", "desktop.ui", "desktop.store")
    for module in PACKAGE.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not [n for n in names if n.startswith(banned)], module.name
