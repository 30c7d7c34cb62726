"""补正期限 on the notices: the period a rule sets, printed with its source, or what happens when none is set (issue 14)."""

from __future__ import annotations

from datetime import date, datetime

from pypdf import PdfReader

from desktop.cases import intake, lifecycle, supplement_terms
from desktop.cases.hall_context import HallContext
from forms import registry
from forms.params import ParamSet

NOW = datetime(2026, 11, 25, 10, 0)


def _text(pdf: str) -> str:
    return "".join(p.extract_text() for p in PdfReader(pdf).pages).replace("\n", "")


def test_no_period_is_invented_on_either_notice(db, people, tmp_path):
    case = registry.get("residence_permit").example(NOW.date())
    answers = {k: v for k, v in case["answers"].items() if k != "residence_address"}
    notice = intake.give_notice(HallContext(db, people["clerk"], tmp_path),
                                "residence_permit", answers, case["materials"], now=NOW)
    text = _text(notice.paper.pdf_path)
    assert "本事项的规定未设定补正期限。本申请尚未受理，办理期限尚未起算" in text
    accepted = intake.accept(HallContext(db, people["clerk"], tmp_path),
                             "residence_permit", case["answers"], case["materials"], now=NOW)
    step = lifecycle.request_supplement(HallContext(db, people["clerk"], tmp_path),
                                        accepted.case.id, ["社保缴费证明原件"],
                                        "共享数据不完整",
                                        now=NOW)
    text = _text(step.papers[0].pdf_path)
    assert "本事项的规定未设定补正期限。补正期间办理期限暂停计算，自收到全部补正材料的次日起重新计算。" in text
    assert "日内补正" not in text


def test_a_period_set_by_a_rule_is_printed_with_its_source(tmp_path):
    path = tmp_path / "hall.toml"
    path.write_text('[supplement_days]\nlabel = "补正期限"\nunit = "calendar_days"\n'
                    'values = [{ since = 2026-01-01, value = 15, source = "某办法 第九条" }]\n', encoding="utf-8")
    params = ParamSet.load(path)
    service = registry.get("startup_subsidy")
    assert supplement_terms.period(params, date(2025, 12, 31)) is None  # not yet in force
    got = supplement_terms.section(service, date(2026, 11, 25), True, "通知书", params)
    assert got["text"] == "请自收到本通知书之日起15日内补正（依据：某办法 第九条）。"
