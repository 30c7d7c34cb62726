"""What the papers say is true for their case: money in 大写, one date format, what is collected (issue 14)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader

from desktop.cases import intake
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from desktop.cases.papers import amount_words, cn_date
from forms import registry

NOW = datetime(2026, 1, 5, 9, 30)


def _text(pdf: str) -> str:
    return "".join(p.extract_text() for p in PdfReader(pdf).pages).replace("\n", "")


@pytest.mark.parametrize("value, words", [
    ("300000.00", "人民币叁拾万元整"), (Decimal("1234.50"), "人民币壹仟贰佰叁拾肆元伍角"),
    ("0.05", "人民币伍分"), ("-500", "人民币负伍佰元整"), ("x", ""),
])
def test_amount_words(value, words):
    assert amount_words(value) == words


def test_one_date_format_in_body_and_under_the_seal():
    assert cn_date(NOW) == "2026年1月5日"


@pytest.mark.parametrize("service_id, collects", [
    # NOTE (issue 13): an e-bike registration is concluded at the window: the plate is handed over, not collected later.
    ("residence_permit", "领取居住证"), ("ebike_registration", "号牌和登记证明已当场发放"), ("startup_subsidy", None),
])
def test_receipts_tell_what_is_collected_and_write_dates_one_way(db, admin, tmp_path, service_id, collects):
    case = registry.get(service_id).example(NOW.date())
    result = intake.accept(HallContext(db, Actor(admin, "03", "郑州市金水区政务服务中心"), tmp_path),
                           service_id, case["answers"],
                           case["materials"], now=NOW)
    text = _text(result.paper.pdf_path)
    assert "2026年1月5日" in text and "2026年01月05日" not in text
    if collects:
        assert collects in text
    else:
        assert "领取" not in text.split("请妥善保管本回执")[-1]
    if service_id == "startup_subsidy":
        sheet = next(p for p in result.extra_papers if "核定" in p.title or "核算" in p.title)
        assert "合计金额（大写）：人民币" in _text(sheet.pdf_path)
