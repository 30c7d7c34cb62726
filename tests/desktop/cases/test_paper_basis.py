"""Each service cites the norm that applies to it: no subsidy paper cites licensing law (issue 14)."""

from __future__ import annotations

from datetime import datetime

from pypdf import PdfReader

from desktop.cases import intake
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from forms import registry
from forms.service import assess

NOW = datetime(2026, 1, 5, 9, 30)
HALL = "郑州市金水区政务服务中心"


def _text(pdf: str) -> str:
    return "".join(p.extract_text() for p in PdfReader(pdf).pages).replace("\n", "")


def _without(case: dict, *keys: str) -> dict:
    return {k: v for k, v in case["answers"].items() if k not in keys}


def test_subsidy_missing_fields_and_notice_do_not_cite_licensing_law(db, admin, tmp_path):
    service = registry.get("startup_subsidy")
    case = service.example(NOW.date())
    answers = _without(case, "business_address")
    found = assess(service, answers, case["materials"], NOW.date(), case["facts"])
    missing = [f for f in found.findings if f.rule_id == "field.business_address.required"]
    assert missing and all("行政许可法" not in str(f.basis) for f in missing)
    assert str(missing[0].basis) == "郑政办〔2021〕13号"
    result = intake.give_notice(HallContext(db, Actor(admin, "03", HALL), tmp_path),
                                "startup_subsidy", answers, case["materials"],
                                now=NOW)
    text = _text(result.paper.pdf_path)
    assert "行政许可" not in text
    assert "郑政办〔2021〕10号 （十八）1" in text and "国务院令第722号" in text and "国发〔2022〕5号" in text


def test_a_licence_keeps_its_licensing_basis(db, admin, tmp_path):
    case = registry.get("residence_permit").example(NOW.date())
    answers = _without(case, "residence_address")
    result = intake.give_notice(HallContext(db, Actor(admin, "03", HALL), tmp_path),
                                "residence_permit", answers, case["materials"],
                                now=NOW)
    assert "根据《中华人民共和国行政许可法》 第三十二条，现一次性告知" in _text(result.paper.pdf_path)


def test_an_id_number_check_cites_the_standard_not_a_procedural_article():
    for service_id in ("residence_permit", "startup_subsidy"):
        service = registry.get(service_id)
        case = service.example(NOW.date())
        answers = dict(case["answers"], id_number=case["answers"]["id_number"][:-1] + "0")
        if answers["id_number"] == case["answers"]["id_number"]:
            answers["id_number"] = answers["id_number"][:-1] + "1"
        found = assess(service, answers, case["materials"], NOW.date(), case.get("facts"))
        bad = [f for f in found.findings if f.rule_id == "field.id_number.format"]
        assert bad and str(bad[0].basis) == "GB 11643-1999《公民身份号码》"
