"""Rendering papers from snapshots: text, masking, embedded font, reprint mark, determinism, paging."""

from __future__ import annotations

import io
import re

import pytest
from document_samples import FULL_ID, SAMPLES, sample
from pypdf import PdfReader

from desktop.documents import DOCUMENT_KINDS, render_pdf

REPRINT = {"copy_no": 2, "reason": "原件遗失", "at": "2026-11-25 10:31"}
KINDS = sorted(SAMPLES)


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module", params=KINDS)
def rendered(request):
    snapshot = sample(request.param)
    return snapshot, render_pdf(snapshot)


def test_every_kind_has_a_sample():
    assert set(SAMPLES) == set(DOCUMENT_KINDS)
    for kind, snapshot in SAMPLES.items():
        assert snapshot["title"] == DOCUMENT_KINDS[kind]


def test_variable_text_is_printed(rendered):
    snapshot, pdf = rendered
    text = "".join(pages_text(pdf))
    applicant = snapshot.get("applicant")  # NOTE: hall reports (REPORT_KINDS) have none
    for value in ((applicant["name"], applicant["id_masked"]) if applicant else ()) + (
            snapshot["case_no"], snapshot["title"], snapshot["service_name"], snapshot["hall"]):
        assert value in text
    assert FULL_ID not in text
    assert "第 1 页 共 1 页" in text


def test_metadata_title(rendered):
    snapshot, pdf = rendered
    assert PdfReader(io.BytesIO(pdf)).metadata.title == snapshot["title"]


def test_font_is_embedded_as_subset(rendered):
    _, pdf = rendered
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"]["/Font"]
        assert fonts
        for ref in fonts.values():
            font = ref.get_object()
            assert re.fullmatch(r"/[A-Z]{6}\+.+", font["/BaseFont"]), font["/BaseFont"]
            assert "/FontFile2" in font["/FontDescriptor"].get_object()


def test_streams_are_compressed_binary_not_ascii85(rendered):
    # NOTE: issue 15: ASCII85 on top of zlib made every page stream a quarter larger on disk.
    _, pdf = rendered
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        contents = page["/Contents"].get_object()
        for stream in contents if isinstance(contents, list) else [contents]:
            filters = stream.get_object().get("/Filter")
            assert filters in ("/FlateDecode", ["/FlateDecode"]), filters
    assert b"/ASCII85Decode" not in pdf


def test_two_renders_are_byte_identical(rendered):
    snapshot, pdf = rendered
    assert render_pdf(sample(snapshot["kind"])) == pdf


def test_reprint_adds_mark_and_is_otherwise_identical(rendered):
    snapshot, pdf = rendered
    again = render_pdf(snapshot, reprint=REPRINT)
    assert render_pdf(snapshot, reprint=REPRINT) == again
    original, reprinted = pages_text(pdf), pages_text(again)
    assert len(original) == len(reprinted)
    stamp = {"补打 第2份", "2026-11-25 10:31  原件遗失"}
    for before, after in zip(original, reprinted, strict=True):
        assert "补打 第2份" in after and "补打" not in before
        # The stamp is drawn last on each page, so removing its lines leaves the original text.
        kept = [line for line in after.splitlines() if line.strip() not in stamp]
        assert [line.strip() for line in kept if line.strip()] == \
            [line.strip() for line in before.splitlines() if line.strip()]


def test_long_list_flows_to_second_page():
    snapshot = sample("receipt")
    snapshot["sections"][0]["items"] = [f"第{i}项材料：居民身份证复印件及相关证明" for i in range(1, 41)]
    pdf = render_pdf(snapshot, reprint=REPRINT)
    texts = pages_text(pdf)
    assert len(texts) == 2
    assert "第 1 页 共 2 页" in texts[0] and "第 2 页 共 2 页" in texts[1]
    assert "第40项材料" in texts[1] and "第1项材料" in texts[0]
    assert all("补打 第2份" in t for t in texts)
    assert "受理回执（续）" in texts[1] and snapshot["case_no"] in texts[1]


def test_long_table_splits_and_repeats_its_header():
    snapshot = sample("receipt")
    table = snapshot["sections"][1]
    table["rows"] = [[f"环节{i}", "2026-12-02", "自受理次日起5个工作日，跳过周末及法定节假日" * 2, "郑政办〔2021〕8号 四、"]
                     for i in range(40)]
    texts = pages_text(render_pdf(snapshot))
    assert len(texts) >= 2
    assert "计算方式" in texts[1]  # header row repeated on the continuation page
    assert "环节39" in "".join(texts)


def test_markup_characters_in_text_are_printed_literally():
    snapshot = sample("incomplete_notice")
    snapshot["sections"][0]["items"].append("材料<原件>&复印件")
    assert "材料<原件>&复印件" in "".join(pages_text(render_pdf(snapshot)))
